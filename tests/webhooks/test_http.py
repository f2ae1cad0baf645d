"""The POST itself: HTTPS to the checked address with the certificate checked against the URL's
name, and no second DNS lookup between the check and the connection (DNS rebinding)."""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.webhooks.conftest import Receiver, Reply
from webhooks import http as webhook_http
from webhooks.netguard import AddressRefused

REAL_GETADDRINFO = socket.getaddrinfo
REAL_CONTEXT = ssl.create_default_context


def self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """``answers``: name -> the addresses each lookup returns in turn; other names resolve as usual."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        asked.append(host)
        address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch) -> Iterator[Receiver]:
    cert, key = self_signed(tmp_path, "webhooks.test")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    # Our client trusts this one certificate, as it would trust a public CA.
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: REAL_CONTEXT(cafile=str(cert)))
    server = Receiver(tls=server_context)
    yield server
    server.close()


def post(url: str, *, allow_private: bool = True) -> webhook_http.PostResult:
    return webhook_http.post(url, body=b"{}", headers={}, timeout=2, allow_private=allow_private, allow_http=False)


def test_https_goes_to_the_checked_address_with_the_name_for_tls_and_host(tls_receiver, monkeypatch):
    fake_dns(monkeypatch, {"webhooks.test": ["127.0.0.1"]})
    port = tls_receiver.server.server_port
    assert post(f"https://webhooks.test:{port}/hooks?source=desk").status_code == 200
    [got] = tls_receiver.received
    assert got.headers["host"] == f"webhooks.test:{port}"
    assert got.path == "/hooks?source=desk"


def test_a_certificate_for_another_name_is_refused(tls_receiver, monkeypatch):
    fake_dns(monkeypatch, {"elsewhere.test": ["127.0.0.1"]})
    with pytest.raises(ssl.SSLCertVerificationError):
        post(f"https://elsewhere.test:{tls_receiver.server.server_port}/hooks")
    assert tls_receiver.received == []


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(monkeypatch):
    """A name that answers public first and loopback next (DNS rebinding) still reaches only the public
    one. The connection is caught before it leaves, so the test needs no network."""
    asked = fake_dns(monkeypatch, {"rebind.test": ["93.184.216.34", "127.0.0.1"]})
    connected: list[tuple[str, int]] = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("test: no network")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    with pytest.raises(ConnectionRefusedError):
        post("https://rebind.test/hooks", allow_private=False)
    assert asked == ["rebind.test"]
    assert connected == [("93.184.216.34", 443)]


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    from webhooks.netguard import resolve_public

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(AddressRefused, match=r"10\.0\.0\.8 is private"):
        resolve_public("mixed.test", 443, allow_private=False)


def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_timeout(receiver):
    """Each byte comes well within the socket timeout, but the whole answer would take 4 s."""
    receiver.script = [Reply(body=b"x" * 20, drip=0.2)]
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="no complete answer within 1 s"):
        webhook_http.post(receiver.url, body=b"{}", headers={}, timeout=1, allow_private=True, allow_http=True)
    assert time.monotonic() - started < 1.8


def test_an_international_name_is_looked_up_and_sent_in_its_ascii_form(receiver, monkeypatch):
    asked = fake_dns(monkeypatch, {"xn--bcher-kva.test": ["127.0.0.1"]})
    port = receiver.server.server_port
    webhook_http.post(
        f"http://bücher.test:{port}/hooks", body=b"{}", headers={}, timeout=1, allow_private=True, allow_http=True
    )
    assert asked == ["xn--bcher-kva.test"]
    assert receiver.received[0].headers["host"] == f"xn--bcher-kva.test:{port}"
