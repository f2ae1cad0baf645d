"""The per-recipient acknowledgement cap in ``ticket_submit`` (``ack_cap_reached``) and what the
desk shows for a held acknowledgement."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from tests.services import require_postgres
from tickets import services
from tickets.models import OutboundEmail, Ticket, TicketEvent
from tickets.selectors import acks_recent_queryset, outbox_due_ids
from tickets.services.outbox import outbox_retry

HELD_TEXT = "Acknowledgement held: too many to this address in the last hour"

pytestmark = pytest.mark.django_db


def submit(email: str = "victim@example.com", **overrides):
    data = {
        "name": "Someone",
        "email": email,
        "kind": Ticket.Kind.INFO,
        "subject": "Hello",
        "description": "Please help.",
    }
    return services.ticket_submit(**{**data, **overrides}).ticket


def acks(status: str) -> int:
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT, status=status).count()


def test_acks_over_the_cap_are_held_and_every_ticket_is_made(desk, settings, django_capture_on_commit_callbacks):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 3
    with django_capture_on_commit_callbacks() as callbacks:
        tickets = [submit() for _ in range(5)]
    assert Ticket.objects.count() == 5
    assert acks(OutboundEmail.Status.PENDING) == 3
    assert acks(OutboundEmail.Status.HELD) == 2
    assert [cb.__name__ for cb in callbacks] == ["_kick_mail"] * 3  # a sender run per sent ack; none for a held one
    held = [t for t in tickets if t.events.filter(kind=TicketEvent.Kind.ACK_HELD).exists()]
    assert held == tickets[3:]
    for ticket in held:  # nothing lost: the promise and the first message are there
        assert ticket.promises.exists()
        assert ticket.messages.count() == 1


def test_the_cap_counts_the_address_whatever_its_case_and_no_other(desk, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 2
    submit("Victim@Example.com")
    submit("victim@example.COM")
    submit("other@example.com")
    submit("victim@example.com")
    assert acks(OutboundEmail.Status.HELD) == 1
    assert OutboundEmail.objects.get(status=OutboundEmail.Status.HELD).ticket.customer.email.lower() == (
        "victim@example.com"
    )


def test_the_cap_frees_up_an_hour_after_the_earliest_ack(desk, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit()
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        submit()
        submit()  # held: two in the last hour
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        submit()  # the first has left the hour; the held one does not count
        submit()  # held again: the 30-minute one and this hour's
    statuses = list(OutboundEmail.objects.order_by("created_at", "id").values_list("status", flat=True))
    assert statuses == ["pending", "pending", "held", "pending", "held"]


def test_held_acks_never_go_to_the_outbox_requeue_or_resend(desk, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 0
    submit()
    held = OutboundEmail.objects.get()
    assert held.status == OutboundEmail.Status.HELD
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert held.pk not in outbox_due_ids()
        assert outbox_retry(email_ids=[held.pk]) == []
    held.refresh_from_db()
    assert held.status == OutboundEmail.Status.HELD and held.sent_at is None


def test_the_agent_sees_the_held_acknowledgement_on_the_ticket(desk, settings, alice):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 1
    sent = submit()
    held = submit()
    page = html.unescape(alice.get(f"/desk/t/{held.reference}/").content.decode())
    assert HELD_TEXT in page
    assert "System: acknowledgement held" in page  # and in the timeline
    assert HELD_TEXT not in html.unescape(alice.get(f"/desk/t/{sent.reference}/").content.decode())


@pytest.mark.postgres
def test_the_count_reads_the_recent_acks_index(desk):
    require_postgres()
    for n in range(3):
        submit(f"someone-{n}@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = acks_recent_queryset(to_email="Someone-1@Example.com", since=timezone.now() - timedelta(hours=1)).explain()
    assert "outbox_ack_to_recent" in plan
    [condition] = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "lower((to_email)::text) = 'someone-1@example.com'" in condition  # the address, not only the time
    assert "created_at >=" in condition
