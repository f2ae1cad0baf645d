"""Goodwill gestures: within the limit promised at once; above it (or in a currency with no limit)
waiting for the queue's team lead, who alone approves or declines it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import TicketFactory, UserFactory
from tickets.models import Gesture, GoodwillLimit, Notice, OutboundEmail, Ticket, TicketEvent
from tickets.services.gestures import gesture_decide, gesture_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(desk) -> Ticket:
    """A complaint in Billing, whose lead is Bob; agents promise up to 50 EUR alone."""
    desk.queue_a.team_lead = desk.agent_b
    desk.queue_a.save()
    GoodwillLimit.objects.create(currency="EUR", amount=Decimal("50"))
    return TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT)


def test_within_the_limit_it_is_promised_at_once(desk, complaint):
    gesture = gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="50", currency="eur")
    assert gesture.status == Gesture.Status.PROMISED
    assert (gesture.amount, gesture.currency, gesture.decided_by) == (Decimal("50.00"), "EUR", None)
    assert complaint.events.get(kind=TicketEvent.Kind.GESTURE_RECORDED).new_value == "Refund 50.00 EUR"
    assert not Notice.objects.exists()


def test_an_agent_cannot_promise_more_than_the_limit_without_the_lead(desk, complaint):
    gesture = gesture_record(ticket=complaint, agent=desk.agent_a, type="credit", amount="50.01", currency="EUR")
    assert gesture.status == Gesture.Status.AWAITING
    notice = Notice.objects.get()
    assert (notice.user, notice.kind, notice.ticket) == (desk.agent_b, Notice.Kind.APPROVAL, complaint)
    # The agent who asked cannot approve it themselves.
    with pytest.raises(ValidationError, match="team lead"):
        gesture_decide(gesture_id=gesture.pk, ticket=complaint, lead=desk.agent_a, approve=True)
    gesture.refresh_from_db()
    assert gesture.status == Gesture.Status.AWAITING


def test_the_lead_is_emailed_what_waits_for_approval(desk, complaint):
    from django.core import mail

    from tickets.emails import build_email
    from tickets.services.outbox import outbox_send

    gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="120", currency="EUR", details="March")
    email = OutboundEmail.objects.get(notice__kind=Notice.Kind.APPROVAL)
    assert email.to_email == desk.agent_b.email
    outbox_send(email_id=email.pk)
    sent = mail.outbox[-1]
    assert sent.subject == f"Approve a goodwill gesture: {complaint.reference} {complaint.subject}"
    assert "- Refund 120.00 EUR: March\n  asked by Alice Agent" in sent.body
    assert f"/desk/t/{complaint.reference}/#goodwill-heading" in sent.body
    assert f"you lead the {desk.queue_a.name} queue" in sent.body
    assert "Refund 120.00 EUR</strong>: March" in sent.alternatives[0][0]

    gesture_decide(gesture_id=Gesture.objects.get().pk, ticket=complaint, lead=desk.agent_b, approve=True)
    late = build_email(email)  # built after the lead decided: it says so rather than asking
    assert "it was decided before this email went out" in late.body and "Refund" not in late.body


@pytest.mark.parametrize("lead", ["none", "switched off"])
def test_without_a_lead_the_admins_are_asked(desk, complaint, lead):
    from tickets.emails import build_email

    if lead == "none":
        complaint.queue.team_lead = None
        complaint.queue.save()
    else:
        desk.agent_b.is_active = False
        desk.agent_b.save()
    UserFactory(username="former", is_superuser=True, is_active=False)
    gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="120", currency="EUR")
    notice = Notice.objects.get()
    assert (notice.user, notice.kind) == (desk.admin, Notice.Kind.APPROVAL)
    built = build_email(OutboundEmail.objects.get(notice=notice))
    assert built.to == [desk.admin.email]
    assert f"you are an admin and the {desk.queue_a.name} queue has no team lead to approve it" in built.body


def test_the_lead_approves_and_only_then_it_is_promised(desk, complaint):
    gesture = gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="120", currency="EUR")
    gesture_decide(gesture_id=gesture.pk, ticket=complaint, lead=desk.agent_b, approve=True)
    gesture.refresh_from_db()
    assert (gesture.status, gesture.decided_by) == (Gesture.Status.PROMISED, desk.agent_b)
    assert complaint.events.filter(kind=TicketEvent.Kind.GESTURE_APPROVED, actor=desk.agent_b).exists()
    assert Notice.objects.get().read_at is not None  # nothing left to approve
    with pytest.raises(ValidationError, match="already promised"):
        gesture_decide(gesture_id=gesture.pk, ticket=complaint, lead=desk.agent_b, approve=False)


def test_the_lead_declines(desk, complaint):
    gesture = gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="120", currency="EUR")
    gesture_decide(gesture_id=gesture.pk, ticket=complaint, lead=desk.agent_b, approve=False)
    gesture.refresh_from_db()
    assert gesture.status == Gesture.Status.DECLINED
    assert complaint.events.filter(kind=TicketEvent.Kind.GESTURE_DECLINED).exists()


def test_a_currency_with_no_limit_always_needs_approval(desk, complaint):
    gesture = gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="1", currency="USD")
    assert gesture.status == Gesture.Status.AWAITING


def test_the_lead_or_a_superuser_records_any_amount_as_promised(desk, complaint):
    by_lead = gesture_record(ticket=complaint, agent=desk.agent_b, type="refund", amount="500", currency="EUR")
    by_admin = gesture_record(ticket=complaint, agent=desk.admin, type="refund", amount="500", currency="EUR")
    assert [by_lead.status, by_admin.status] == [Gesture.Status.PROMISED] * 2
    assert (by_lead.decided_by, by_admin.decided_by) == (desk.agent_b, desk.admin)


def test_an_apology_or_an_upgrade_needs_no_amount(desk, complaint):
    apology = gesture_record(ticket=complaint, agent=desk.agent_a, type="apology", amount="999", currency="EUR")
    upgrade = gesture_record(ticket=complaint, agent=desk.agent_a, type="upgrade", details="Pro plan for a year")
    assert (apology.amount, apology.status) == (None, Gesture.Status.PROMISED)
    assert upgrade.status == Gesture.Status.PROMISED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"type": "refund"}, "amount"),
        ({"type": "refund", "amount": "ten", "currency": "EUR"}, "amount"),
        ({"type": "refund", "amount": "-5", "currency": "EUR"}, "amount"),
        ({"type": "credit", "amount": "5.001", "currency": "EUR"}, "amount"),
        ({"type": "credit", "amount": "5", "currency": "E"}, "currency"),
        ({"type": "other"}, "details"),
        ({"type": "bribe"}, "type"),
    ],
)
def test_incomplete_gestures_are_refused_beside_their_field(desk, complaint, fields, field):
    with pytest.raises(ValidationError) as caught:
        gesture_record(ticket=complaint, agent=desk.agent_a, **fields)
    assert field in caught.value.error_dict
    assert not Gesture.objects.exists()


def test_only_complaints_take_gestures(desk):
    problem = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.PROBLEM)
    with pytest.raises(ValidationError, match="complaints"):
        gesture_record(ticket=problem, agent=desk.agent_a, type="apology")


def test_a_gesture_is_decided_only_on_its_own_ticket(desk, complaint):
    other = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT)
    gesture = gesture_record(ticket=complaint, agent=desk.agent_a, type="refund", amount="80", currency="EUR")
    with pytest.raises(ValidationError, match="not on this ticket"):
        gesture_decide(gesture_id=gesture.pk, ticket=other, lead=desk.agent_b, approve=True)
