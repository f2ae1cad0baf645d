"""IMAP polling against a real IMAP server (dovecot on loopback), on PostgreSQL, with the real
worker on Redis sending the acknowledgement to a real SMTP server: a message appended to the
mailbox becomes one ticket, is flagged \\Seen only once committed, and never becomes two."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from django.utils import timezone

from helpdesk.celery import app
from mail import imap
from mail.models import ImapSecurity, InboundMessage, Mailbox
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker, _poll, free_port
from tests.e2e.imap_server import ImapServer, dovecot
from tests.services import require_dovecot
from tickets.models import Message, Ticket
from tickets.reply_address import reply_address

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

QUIET_SECONDS = 2.0
PASSWORD_ENV = "MAILBOX_SUPPORT_PASSWORD"


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    require_dovecot()
    with dovecot(free_port()) as server:
        yield server


@pytest.fixture
def mailbox(desk: Any, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    monkeypatch.setenv(PASSWORD_ENV, imap_server.password)  # read from the environment, never stored
    return Mailbox.objects.create(
        name="support", address="support@localhost", queue=desk.queue_a, imap_host=imap_server.host,
        imap_port=imap_server.port, imap_security=ImapSecurity.PLAIN, imap_username=imap_server.user,
        imap_password_env=PASSWORD_ENV,
    )  # fmt: skip


def written(*, sender: str, to: str, subject: str, text: str, msgid: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = sender, to, subject, msgid
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


FIRST = written(
    sender="Grace Hopper <grace@example.org>", to="support@localhost", subject="The printer prints blank pages",
    text="Since this morning every page comes out blank.", msgid="<first@mail.example.org>",
)  # fmt: skip


def test_an_appended_message_becomes_one_acknowledged_ticket_and_the_reply_joins_it(
    mailbox: Mailbox, imap_server: ImapServer, smtp_server: SmtpSink, celery_worker_process: Worker
) -> None:
    imap_server.append(FIRST)
    # The beat's task, by its registered name, run by the real worker.
    app.send_task("mail.tasks.poll_mailboxes")
    assert _poll(lambda: Ticket.objects.exists() and imap_server.unseen() == 0, 20), "the poll filed nothing"
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.queue_id, ticket.subject) == (
        Ticket.Channel.EMAIL, mailbox.queue_id, "The printer prints blank pages",
    )  # fmt: skip
    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "grace@example.org"
    assert ack["Reply-To"] == reply_address(ticket)

    # Polling again finds nothing unseen, and the same message once more is a duplicate.
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult()
    imap_server.append(FIRST)
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, duplicates=1)
    assert Ticket.objects.count() == 1

    ack_id = str(ack["Message-ID"])
    imap_server.append(
        written(
            sender="Grace Hopper <grace@example.org>", to=str(ack["Reply-To"]), subject=f"Re: {ack['Subject']}",
            text="It is the LaserJet on the 2nd floor.", msgid="<second@mail.example.org>",
            **{"In-Reply-To": ack_id, "References": ack_id},
        )
    )  # fmt: skip
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, stored=1)
    bodies = list(ticket.messages.filter(author_kind=Message.Author.CUSTOMER).values_list("body", flat=True))
    assert bodies == ["Since this morning every page comes out blank.", "It is the LaserJet on the 2nd floor."]
    assert (Ticket.objects.count(), imap_server.unseen(), imap_server.total()) == (1, 0, 3)
    # One acknowledgement to the customer in all; the reply tells the desk once, never the customer.
    _, notice = smtp_server.wait_for(2)
    assert notice["To"] != "grace@example.org" and ticket.reference in str(notice["Subject"])
    smtp_server.wait_quiet(2, QUIET_SECONDS)
    assert [str(m["To"]) for m in smtp_server.messages].count("grace@example.org") == 1


def test_a_crash_between_commit_and_flag_refetches_without_a_duplicate(
    mailbox: Mailbox, imap_server: ImapServer, smtp_server: SmtpSink, celery_worker_process: Worker,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    imap_server.append(FIRST)
    flag = imap.mark_seen
    calls: list[int] = []

    def connection_lost_once(client: Any, uid: int) -> None:
        calls.append(uid)
        if len(calls) == 1:
            raise ConnectionResetError("connection reset by peer")  # after the commit, before the flag
        flag(client, uid)

    monkeypatch.setattr(imap, "mark_seen", connection_lost_once)
    with caplog.at_level(logging.WARNING, logger="mail.imap"):
        first = imap.mailbox_poll(mailbox_id=mailbox.pk)
    assert first == imap.PollResult(fetched=1, stored=1, error="ConnectionResetError: connection reset by peer")
    assert "the next run retries" in caplog.text
    assert (Ticket.objects.count(), imap_server.unseen()) == (1, 1)  # committed, still unseen on the server

    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, duplicates=1)
    assert (Ticket.objects.count(), InboundMessage.objects.count(), imap_server.unseen()) == (1, 1, 0)
    smtp_server.wait_for(1)
    smtp_server.wait_quiet(1, QUIET_SECONDS)


def test_a_mailbox_another_run_holds_or_a_wrong_password_flags_nothing(
    mailbox: Mailbox, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    imap_server.append(FIRST)
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_lease_until=timezone.now() + timedelta(minutes=1))
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) is None  # a second beat's run: it leaves the mailbox alone
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_lease_until=None)

    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    with caplog.at_level(logging.WARNING, logger="mail.imap"):
        result = imap.mailbox_poll(mailbox_id=mailbox.pk)
    refused = "sign-in refused by the IMAP server: [AUTHENTICATIONFAILED] Authentication failed."
    assert result == imap.PollResult(error=refused)
    [logged] = [record for record in caplog.records if record.name == "mail.imap"]  # one line, no traceback
    assert refused in logged.getMessage() and logged.exc_info is None
    assert (Ticket.objects.exists(), imap_server.unseen()) == (False, 1)
    mailbox.refresh_from_db()
    assert mailbox.imap_lease_until is None  # released for the next run
    assert (mailbox.imap_error, mailbox.imap_polled_at is not None) == (refused, True)  # for the admin

    monkeypatch.setenv(PASSWORD_ENV, imap_server.password)
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, stored=1)
    mailbox.refresh_from_db()
    assert mailbox.imap_error == ""  # a good run clears it


def test_a_message_that_cannot_be_filed_is_quarantined_and_flagged_never_fetched_again(
    mailbox: Mailbox, imap_server: ImapServer
) -> None:
    imap_server.append(b"Subject: Who am I?\r\nMessage-ID: <nobody@example.org>\r\n\r\nNo sender at all.\r\n")
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult(fetched=1, quarantined=1)
    assert imap.mailbox_poll(mailbox_id=mailbox.pk) == imap.PollResult()
    stuck = InboundMessage.objects.get()
    assert (stuck.status, stuck.subject, imap_server.unseen()) == (InboundMessage.Status.QUARANTINED, "Who am I?", 0)
    assert not Ticket.objects.exists()
