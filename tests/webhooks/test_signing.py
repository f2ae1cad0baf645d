"""Signatures verify with an independent verifier: the one in the README, run as it is printed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from pathlib import Path
from typing import Any

from webhooks.signing import secret_generate, sign, signed_headers

README = Path(__file__).resolve().parents[2] / "README.md"


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """Written from the Standard Webhooks spec, not from our code."""
    msg_id, ts, sigs = headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"]
    if abs(time.time() - int(ts)) > tolerance:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, s.split(",", 1)[1]) for s in sigs.split() if s.startswith("v1,"))


def readme_verifier() -> Any:
    """The README's example, extracted from its Webhooks section and run."""
    section = README.read_text().split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None, "the README's Webhooks section has a Python example"
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)  # noqa: S102 - our own README
    return namespace["verify"]


def test_secret_is_standard_webhooks_shaped():
    secret = secret_generate()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert secret != secret_generate()


def test_signature_verifies_independently():
    secret, body = secret_generate(), b'{"type":"ticket.created"}'
    headers = signed_headers(secret=secret, webhook_id="msg_1", timestamp=int(time.time()), body=body)
    assert headers["webhook-signature"].startswith("v1,")
    assert verify(secret, headers, body)
    assert readme_verifier()(secret, headers, body)


def test_tampering_fails_verification():
    secret, body = secret_generate(), b'{"type":"ticket.created"}'
    now = int(time.time())
    headers = signed_headers(secret=secret, webhook_id="msg_1", timestamp=now, body=body)
    readme_verify = readme_verifier()
    for verifier in (verify, readme_verify):
        assert not verifier(secret, headers, body + b" ")
        assert not verifier(secret_generate(), headers, body)
        assert not verifier(secret, {**headers, "webhook-id": "msg_2"}, body)
        assert not verifier(secret, {**headers, "webhook-timestamp": str(now + 1)}, body)
        stale = signed_headers(secret=secret, webhook_id="msg_1", timestamp=now - 3600, body=body)
        assert not verifier(secret, stale, body)


def test_known_vector():
    """A fixed input gives a fixed signature, so a change of format cannot pass unnoticed."""
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    digest = hmac.new(b"k" * 24, b"msg_x.1700000000.{}", hashlib.sha256).digest()
    assert sign(secret=secret, webhook_id="msg_x", timestamp=1_700_000_000, body=b"{}") == (
        "v1," + base64.b64encode(digest).decode()
    )
