"""Emails counted at a real SMTP server, sent by a real worker on Redis, on PostgreSQL.

docs/reliability.md §1: each email customers are owed arrives exactly once, with the
Message-ID its outbox row recorded, whatever happens to the broker or the task.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import Mailbox, Worker, broker_unreachable
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SITE_URL = "https://help.example.test"
QUIET_SECONDS = 2.0


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = SITE_URL


def submit_form(client: Client, key: str | None = None, email: str = "ada@example.com") -> Any:
    """Fill in /support/new/ as a browser would, keeping the page's one-time submission key."""
    page = client.get(reverse("portal:new"))
    assert page.status_code == 200
    if key is None:
        match = re.search(r'name="submission_key" value="([^"]+)"', page.content.decode())
        assert match, "the form carries a submission key"
        key = match.group(1)
    return client.post(
        reverse("portal:new"),
        {
            "name": "Ada Lovelace",
            "email": email,
            "kind": Ticket.Kind.PROBLEM,
            "subject": "The engine stops at step 12",
            "description": "It halts with no error message.",
            "submission_key": key,
        },
    )


def bodies(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None, "the email has a text and an HTML part"
    return str(text.get_content()), str(html.get_content())


def private_link(message: EmailMessage) -> str:
    text, html = bodies(message)
    match = re.search(r"https?://\S+/support/t/[^/\s]+/[^/\s]+/", text)
    assert match, f"the email carries a private link:\n{text}"
    assert match.group(0) in html
    return match.group(0)


def submitted(**kwargs: Any) -> Ticket:
    return services.ticket_submit(
        name="Ada Lovelace",
        email=kwargs.pop("email", "ada@example.com"),
        kind=Ticket.Kind.PROBLEM,
        subject="The engine stops at step 12",
        description="It halts with no error message.",
        **kwargs,
    ).ticket


def test_web_form_ticket_gets_exactly_one_acknowledgement(
    desk: Any, smtp_server: Mailbox, celery_worker_process: Worker
) -> None:
    response = submit_form(Client())

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submitted")
    ticket = Ticket.objects.get()
    row = OutboundEmail.objects.get(ticket=ticket)
    [ack] = smtp_server.wait_for(1)
    smtp_server.wait_quiet(1, QUIET_SECONDS)
    assert ack["Message-ID"] == row.message_id_header
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["To"] == "ada@example.com"
    assert ticket.reference in ack["Subject"]
    text, html = bodies(ack)
    assert ticket.reference in text
    assert ticket.reference in html
    link = private_link(ack)
    assert link.startswith(f"{SITE_URL}/support/t/{ticket.reference}/")
    page = Client().get(link.removeprefix(SITE_URL))  # the customer's mail client: no session
    assert page.status_code == 200
    assert "The engine stops at step 12" in page.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 1)


def test_the_same_form_posted_twice_gives_one_ticket_and_one_acknowledgement(
    desk: Any, smtp_server: Mailbox, celery_worker_process: Worker
) -> None:
    client = Client()
    key = "b3f0c1d2e4a5968778695a4b3c2d1e0f"

    first, second = submit_form(client, key=key), submit_form(client, key=key)

    assert first.status_code == second.status_code == 302
    assert Ticket.objects.count() == 1
    smtp_server.wait_for(1)
    smtp_server.wait_quiet(1, QUIET_SECONDS)


def test_public_reply_emails_the_customer_once_in_the_same_thread(
    desk: Any, alice: Client, smtp_server: Mailbox, celery_worker_process: Worker
) -> None:
    ticket = submitted()
    [ack] = smtp_server.wait_for(1)

    response = alice.post(
        reverse("desk:reply", args=[ticket.reference]),
        {"visibility": "public", "body": "Please try turning the crank twice.", "status_after": ""},
    )

    assert response.status_code == 302
    _, reply = smtp_server.wait_for(2)
    smtp_server.wait_quiet(2, QUIET_SECONDS)
    assert reply["To"] == "ada@example.com"
    assert reply["Message-ID"] == OutboundEmail.objects.get(kind=OutboundEmail.Kind.AGENT_REPLY).message_id_header
    assert reply["In-Reply-To"] == ack["Message-ID"]  # mail clients thread it under the acknowledgement
    text, html = bodies(reply)
    assert "Please try turning the crank twice." in text
    assert "Please try turning the crank twice." in html


def test_internal_note_emails_nobody(
    desk: Any, alice: Client, smtp_server: Mailbox, celery_worker_process: Worker
) -> None:
    ticket = submitted()
    smtp_server.wait_for(1)

    response = alice.post(
        reverse("desk:reply", args=[ticket.reference]),
        {"visibility": "note", "body": "Customer sounds like a VIP.", "status_after": ""},
    )

    assert response.status_code == 302
    note = Message.objects.get(ticket=ticket, visibility=Message.Visibility.NOTE)
    assert not OutboundEmail.objects.filter(message=note).exists()
    smtp_server.wait_quiet(1, 3.0)


def test_running_the_send_task_again_sends_nothing_more(
    desk: Any, smtp_server: Mailbox, celery_worker_process: Worker
) -> None:
    from tickets.tasks import send_customer_emails_task, send_outbound_email_task

    ticket = submitted()
    smtp_server.wait_for(1)
    row = OutboundEmail.objects.get(ticket=ticket)

    send_customer_emails_task.delay()
    send_customer_emails_task.delay()
    send_outbound_email_task.delay(row.pk)  # the one-row task, for messages queued before the batches

    runs = celery_worker_process.wait_for_runs(4)
    nothing = "sent=0 skipped=0 retry=0 failed=0 more=no"
    assert [run.result for run in runs] == [nothing.replace("sent=0", "sent=1"), nothing, nothing, "skipped"]
    smtp_server.wait_quiet(1, QUIET_SECONDS)


def test_broker_down_at_submit_still_gives_one_acknowledgement_once_requeued(
    desk: Any, settings: Any, smtp_server: Mailbox, celery_worker_process: Worker
) -> None:
    client = Client()
    with broker_unreachable(celery_worker_process.app):
        response = submit_form(client)

    assert response.status_code == 302
    assert "We've got your request" in client.get(response["Location"]).content.decode()
    ticket = Ticket.objects.get()
    row = OutboundEmail.objects.get(ticket=ticket)
    assert (row.status, row.attempts) == (OutboundEmail.Status.PENDING, 0)
    smtp_server.wait_quiet(0, 1.0)  # nothing reached the broker, so nothing can be sent yet
    assert services.outbox_requeue_due() == 0, "a row within its grace period is left alone"

    later = timezone.now() + timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS + 5)
    with time_machine.travel(later, tick=True):
        assert services.outbox_requeue_due() == 1

    [ack] = smtp_server.wait_for(1)
    smtp_server.wait_quiet(1, QUIET_SECONDS)
    assert ack["Message-ID"] == row.message_id_header
    assert ticket.reference in bodies(ack)[0]


def test_permanent_smtp_rejection_marks_the_email_failed_once(
    desk: Any, smtp_server: Mailbox, celery_worker_process: Worker
) -> None:
    smtp_server.reject.add("nobody@example.com")

    ticket = submitted(email="nobody@example.com")

    [run] = celery_worker_process.wait_for_runs(1)
    assert run.result == "sent=0 skipped=0 retry=0 failed=1 more=no"
    row = OutboundEmail.objects.get(ticket=ticket)
    assert (row.status, row.attempts) == (OutboundEmail.Status.FAILED, 1)
    assert "550" in row.last_error
    assert "no such user" in row.last_error
    smtp_server.wait_quiet(0, QUIET_SECONDS)
    assert smtp_server.refused == ["nobody@example.com"], "one attempt, no retry storm"
    assert len(celery_worker_process.runs) == 1
