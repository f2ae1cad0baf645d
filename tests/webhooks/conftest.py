"""A real receiving HTTP server on 127.0.0.1, and the settings that let webhooks reach it."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from tickets.models import Message, Notice, Ticket, TicketEvent
from tickets.services.portal import ticket_submit
from webhooks.events import EventType
from webhooks.models import DispatchCursor, WebhookEndpoint
from webhooks.services.endpoints import endpoint_create


@dataclass
class Reply:
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    drip: float = 0.0  # seconds between the body's bytes: a receiver that answers slowly, a byte at a time


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Answers each POST with the next scripted ``Reply`` (then 200s), and records what it got."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.script: list[Reply] = []
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    reply = receiver.script.pop(0) if receiver.script else Reply()
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if not reply.drip:
                    self.wfile.write(reply.body)
                    return
                try:
                    for byte in reply.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply.drip)
                except OSError:
                    pass  # the sender hung up: what the test wants

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received if r.path == "/hooks"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    settings.WEBHOOKS_SETTLE_SECONDS = 60


def start_cursors() -> None:
    """The dispatcher's cursors at the history's end, as the migration leaves them on a live desk.

    On PostgreSQL ids are not reused after a test's rollback, so the cursor starts at the sequence's
    last value (else it would sit behind a gap of the ids earlier tests used).
    """
    for name, model in (("events", TicketEvent), ("messages", Message), ("reminders", Notice)):
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
                sequence = cursor.fetchone()[0]
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - a name from the catalogue
                value, called = cursor.fetchone()
                last = value if called else value - 1
        DispatchCursor.objects.update_or_create(name=name, defaults={"last_id": last})


@pytest.fixture
def endpoint(desk, receiver) -> WebhookEndpoint:
    start_cursors()
    return endpoint_create(url=receiver.url, events=list(EventType.values), description="CRM")


def submit(subject: str = "Printer prints blank pages", email: str = "carol@example.com") -> Ticket:
    """A ticket opened through the real intake: its history row and first message are written."""
    return ticket_submit(
        name="Carol Customer", email=email, kind=Ticket.Kind.PROBLEM, subject=subject, description="It is blank."
    ).ticket
