"""Email in, end to end: a message piped to `manage.py ingest_email` (a real process, as Postfix
runs it) on PostgreSQL, acknowledged by the real worker through Redis to a real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from mail.models import InboundMessage, Mailbox
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker
from tickets.models import Message, Ticket
from tickets.reply_address import reply_address

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
QUIET_SECONDS = 2.0


def pipe(raw: bytes) -> str:
    """What Postfix's pipe(8) does: the message on standard input, the exit code judged."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "manage.py", "ingest_email", "--mailbox", "support"],
        input=raw, capture_output=True, cwd=ROOT, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


def written(*, sender: str, to: str, subject: str, text: str, msgid: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = sender, to, subject, msgid
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


def test_an_emailed_request_is_acknowledged_with_reply_to_and_the_replies_join_it(
    desk: Any, smtp_server: SmtpSink, celery_worker_process: Worker
) -> None:
    Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    first = written(
        sender="Grace Hopper <grace@example.org>", to="support@localhost", subject="The printer prints blank pages",
        text="Since this morning every page comes out blank.", msgid="<first@mail.example.org>",
    )  # fmt: skip
    out = pipe(first)
    ticket = Ticket.objects.get()
    assert out == f"opened a ticket: {ticket.reference}"
    assert (ticket.channel, ticket.queue_id) == (Ticket.Channel.EMAIL, desk.queue_a.pk)

    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "grace@example.org"
    assert ack["Reply-To"] == reply_address(ticket)
    assert ack["Auto-Submitted"] == "auto-replied"
    assert "just reply to this email" in str(ack.get_body(("plain",)).get_content())  # type: ignore[union-attr]

    ack_id = str(ack["Message-ID"])
    # Grace presses Reply: her client answers to the Reply-To and threads under our Message-ID.
    reply = written(
        sender="Grace Hopper <grace@example.org>", to=str(ack["Reply-To"]), subject=f"Re: {ack['Subject']}",
        text="It is the LaserJet on the 2nd floor.\n\nOn Mon, Support wrote:\n> We've got your request",
        msgid="<second@mail.example.org>", **{"In-Reply-To": ack_id, "References": ack_id},
    )  # fmt: skip
    assert pipe(reply) == f"added to a ticket: {ticket.reference}"
    assert pipe(reply) == f"duplicate of {ticket.reference}"  # Postfix retried: nothing new
    # The unassigned ticket's queue agent on duty (Alice) hears of the reply, once.
    told = smtp_server.wait_for(2)[1]
    assert told["To"] == desk.agent_a.email
    assert told["Subject"] == f"Customer replied: {ticket.reference} {ticket.subject}"

    # Her out-of-office answers our acknowledgement too: kept on the ticket, answered by nothing.
    away = written(
        sender="grace@example.org", to=str(ack["Reply-To"]), subject=f"Automatic reply: {ack['Subject']}",
        text="I am out of the office until Monday.", msgid="<away@mail.example.org>",
        **{"Auto-Submitted": "auto-replied", "In-Reply-To": ack_id},
    )  # fmt: skip
    assert pipe(away) == f"added to a ticket: {ticket.reference}"
    smtp_server.wait_quiet(2, QUIET_SECONDS)  # no acknowledgement, and nobody told of an out-of-office

    bodies = list(ticket.messages.filter(author_kind=Message.Author.CUSTOMER).values_list("body", "full_body"))
    assert bodies == [
        ("Since this morning every page comes out blank.", ""),
        # What she newly wrote is shown; the quote of our acknowledgement waits behind "Show the full email".
        (
            "It is the LaserJet on the 2nd floor.",
            "It is the LaserJet on the 2nd floor.\n\nOn Mon, Support wrote:\n> We've got your request",
        ),
        ("I am out of the office until Monday.", ""),
    ]
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.filter(automatic=True).count() == 1
