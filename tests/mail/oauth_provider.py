"""A tiny OAuth 2.0 provider on 127.0.0.1 that plays Microsoft's or Google's part in tests.

Two endpoints, both real HTTP: ``/token`` (RFC 6749: the refresh-token and client-credentials
grants, answering errors as RFC 6749 §5.2 says) and ``/introspect`` (RFC 7662), which is what
dovecot's oauth2 passdb asks whether an access token is good and whose it is. Every token request
is kept so a test can see exactly what the desk sent.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Provider:
    client_id: str
    client_secret: str
    refresh_token: str
    username: str
    lifetime_seconds: int = 3600
    rotate_refresh_tokens: bool = False  # as Microsoft does: each refresh answers a new one too
    url: str = ""
    token_requests: list[dict[str, str]] = field(default_factory=list)
    introspected: list[str] = field(default_factory=list)
    refusal: str = ""  # when set, every refresh is refused with invalid_grant and this description
    _valid_refresh_tokens: set[str] = field(default_factory=set)
    _access_tokens: dict[str, str] = field(default_factory=dict)
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def introspection_url(self) -> str:
        return f"{self.url}/introspect"

    def revoke_access_tokens(self) -> None:
        """Every access token issued so far stops working (the refresh token still works)."""
        with self._lock:
            self._access_tokens.clear()

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.token_requests.append(form)
            if form.get("client_id") != self.client_id or form.get("client_secret", "") != self.client_secret:
                return 401, {"error": "invalid_client", "error_description": "Unknown client or wrong secret."}
            grant = form.get("grant_type")
            if grant == "refresh_token":
                if self.refusal or form.get("refresh_token") not in self._valid_refresh_tokens | {self.refresh_token}:
                    description = self.refusal or "The refresh token is not valid."
                    return 400, {"error": "invalid_grant", "error_description": f"{description}\r\nTrace ID: 1234"}
            elif grant != "client_credentials":
                return 400, {"error": "unsupported_grant_type"}
            n = next(self._counter)
            answer: dict[str, Any] = {
                "access_token": f"access-{n}",
                "token_type": "Bearer",
                "expires_in": self.lifetime_seconds,
            }
            self._access_tokens[answer["access_token"]] = self.username
            if grant == "refresh_token" and self.rotate_refresh_tokens:
                answer["refresh_token"] = f"rotated-{n}"
                self._valid_refresh_tokens.add(answer["refresh_token"])
            return 200, answer

    def introspect(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            token = form.get("token", "")
            self.introspected.append(token)
            username = self._access_tokens.get(token)
            return 200, ({"active": True, "username": username} if username else {"active": False})


@contextmanager
def oauth_provider(**kwargs: Any) -> Iterator[Provider]:
    provider = Provider(**kwargs)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            routes = {"/token": provider.token, "/introspect": provider.introspect}
            status, answer = routes[self.path](form) if self.path in routes else (404, {"error": "not_found"})
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
