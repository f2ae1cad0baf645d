"""One POST to a checked address: no proxies, no redirects, bounded in time and size.

``http.client`` is used directly: it reads no proxy settings from the environment, follows no
redirects (a 3xx is just a status the sender counts as a failure), and lets us connect to the
address ``netguard`` approved while the Host header and TLS (SNI and the certificate check)
use the name from the URL.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from webhooks.netguard import AddressRefused, resolve_public

SNIPPET_CHARS = 500
READ_LIMIT = 64 * 1024  # the most of a response body we read: the log keeps only the start


@dataclass(frozen=True)
class PostResult:
    status_code: int
    snippet: str


class UrlRefused(AddressRefused):
    """The URL itself is not one we call (scheme, host)."""


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with the certificate checked against the URL's host name."""

    def __init__(self, address: str, port: int, *, server_name: str, timeout: float) -> None:
        super().__init__(address, port, timeout=timeout, context=ssl.create_default_context())
        self._server_name = server_name

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)  # type: ignore[attr-defined]


def post(
    url: str, *, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool, allow_http: bool
) -> PostResult:
    """POST ``body`` to ``url``.

    Raises ``AddressRefused``, ``OSError`` (timeouts included) or ``http.client.HTTPException``.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not allow_http):
        raise UrlRefused(f"{parts.scheme or 'no'} scheme: only https is allowed")
    if not parts.hostname:
        raise UrlRefused("no host in the URL")
    try:
        hostname = parts.hostname.encode("idna").decode("ascii")  # an international name, as DNS and TLS spell it
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (UnicodeError, ValueError) as exc:
        raise UrlRefused(f"not a usable host or port: {exc}") from exc
    address = resolve_public(hostname, port, allow_private=allow_private)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(address, port, server_name=hostname, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    # The socket timeout bounds each connect and read; the watchdog bounds the whole POST, so a
    # receiver that drips a byte at a time cannot hold the sender.
    watchdog = _Watchdog(connection, timeout)
    host_header = f"[{hostname}]" if ":" in hostname else hostname  # an IPv6 literal goes in brackets
    if parts.port is not None:
        host_header += f":{parts.port}"
    try:
        watchdog.start()
        connection.connect()
        # Kept here: once the answer says it ends the connection, http.client hands the socket to
        # the response and forgets it.
        watchdog.sock = connection.sock
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.putrequest("POST", target, skip_host=True, skip_accept_encoding=True)
        send_headers = {
            "Host": host_header,
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "User-Agent": "helpdesk-webhooks/1",
            **headers,
        }
        for name, value in send_headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        chunks: list[bytes] = []
        read = 0
        while read < READ_LIMIT:
            chunk = response.read1(READ_LIMIT - read)
            if not chunk:
                break
            chunks.append(chunk)
            read += len(chunk)
        snippet = b"".join(chunks).decode("utf-8", errors="replace")[:SNIPPET_CHARS]
    except (OSError, http.client.HTTPException):
        if watchdog.fired:
            raise TimeoutError(f"no complete answer within {timeout:g} s") from None
        raise
    finally:
        watchdog.cancel()
        connection.close()
    if watchdog.fired:  # it cut the body short just as the last read returned
        raise TimeoutError(f"no complete answer within {timeout:g} s")
    return PostResult(status_code=response.status, snippet=snippet)


class _Watchdog:
    """Shuts the connection's socket down when the time is up, which ends a blocked read at once."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.fired = False
        self.sock: socket.socket | None = None
        self._connection = connection
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        sock = self.sock or self._connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
