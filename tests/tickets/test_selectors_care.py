"""The figures the reports read: gestures by type and currency, resolutions by root cause, each
over a date range and in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.factories import TicketFactory
from tickets.models import GoodwillLimit, RootCause, Ticket
from tickets.selectors_care import gestures_awaiting, gestures_summary, resolutions_by_root_cause
from tickets.services.gestures import gesture_record
from tickets.services.resolutions import resolution_record

pytestmark = pytest.mark.django_db


def test_gestures_promised_in_the_range_counted_and_summed(desk, django_assert_num_queries):
    GoodwillLimit.objects.create(currency="EUR", amount=Decimal("100"))
    complaint = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT)
    for amount in ("10", "15.50"):
        gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount=amount, currency="EUR")
    gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="5", currency="GBP")  # awaiting
    gesture_record(ticket=complaint, agent=desk.agent_a, type="apology")
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="99", currency="EUR")
    now = timezone.now()
    with django_assert_num_queries(1):
        figures = gestures_summary(start=now - timedelta(days=30), end=now + timedelta(minutes=1))
    assert [(f.type_label, f.currency, f.count, f.total) for f in figures] == [
        ("Apology only", "", 1, None),
        ("Refund", "EUR", 2, Decimal("25.50")),
    ]
    assert [g.currency for g in gestures_awaiting(desk.admin)] == ["GBP"]
    assert list(gestures_awaiting(desk.agent_b)) == []  # leads no queue


def test_resolutions_by_root_cause_most_frequent_first(desk):
    late, ours = (
        RootCause.objects.get_or_create(name="Delay")[0],
        RootCause.objects.get_or_create(name="Our mistake")[0],
    )
    for cause in (late, ours, ours):
        complaint = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT)
        resolution_record(ticket=complaint, agent=desk.agent_a, note="x", root_cause_id=cause.pk)
    now = timezone.now()
    assert resolutions_by_root_cause(start=now - timedelta(days=1), end=now + timedelta(minutes=1)) == [
        ("Our mistake", 2),
        ("Delay", 1),
    ]
    assert resolutions_by_root_cause(start=now + timedelta(minutes=1), end=now + timedelta(days=1)) == []
