"""The per-mailbox secret of the inbound HTTP endpoint: shown once, stored as its SHA-256.

A token is 32 random bytes (URL-safe base64), so a plain SHA-256 is enough to store it: there
is nothing to brute-force, unlike a password. Checking compares digests in constant time, and
an unknown mailbox is checked against a dummy digest, so neither the answer nor its timing tells
a caller which mailboxes exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from mail.models import Mailbox

_NO_MAILBOX = hashlib.sha256(b"no such mailbox").hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its digest (``mail.services.inbound_token_rotate`` stores the digest)."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def inbound_token_matches(mailbox: Mailbox | None, token: str) -> bool:
    """``token`` opens ``mailbox`` (None: unknown; the same work is done, and it never matches)."""
    stored = mailbox.inbound_token_hash if mailbox is not None else ""
    same = hmac.compare_digest(token_digest(token), stored or _NO_MAILBOX)
    return same and bool(stored) and bool(token)
