"""Goodwill gestures on a complaint: recorded by an agent, approved by a team lead above the limit.

A gesture within the currency's ``GoodwillLimit`` (or with no amount: an apology, an upgrade) is
promised on the spot. Above it, or in a currency with no limit, it waits for the queue's team lead:
a notice under the lead's bell and by email (the admins', when the queue has no lead), and the
lead approves or declines it on the ticket's desk page.
Only a promised gesture counts as promised to the customer. Every way in records gestures through
``gesture_record``, so none can promise more than the limit without a lead. The queue's lead, or
a superuser, records a gesture of any amount as promised at once (they are the approver).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.models import Gesture, GoodwillLimit, Notice, Ticket, TicketEvent
from tickets.services.events import event_record
from tickets.services.outbox import outbox_enqueue_notices

NEEDS_AMOUNT = (Gesture.Type.REFUND, Gesture.Type.CREDIT)
AMOUNT_MAX = Decimal("99999999.99")
APPROVERS_MAX = 20  # admins asked when a queue has no lead: a desk has a handful


def may_approve(user: User, ticket: Ticket) -> bool:
    """Whether ``user`` approves gestures on ``ticket``: the queue's team lead, or a superuser."""
    return user.is_superuser or (user.pk is not None and user.pk == ticket.queue.team_lead_id)


def _amount(raw: str | Decimal | None) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError({"amount": "Write the amount as a number, like 25 or 25.50."}) from None
    if not amount.is_finite() or amount <= 0 or amount > AMOUNT_MAX or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": "Write an amount above 0 with at most two decimals."})
    return amount.quantize(Decimal("0.01"))  # "50" reads "50.00", as the database gives it back


def needs_approval(amount: Decimal | None, currency: str) -> bool:
    """Above the currency's limit (any amount in a currency with no limit) needs a lead."""
    if amount is None:
        return False
    limit = GoodwillLimit.objects.filter(currency=currency).values_list("amount", flat=True).first()
    return limit is None or amount > limit


def gesture_record(
    *,
    ticket: Ticket,
    agent: User,
    type: str,
    amount: str | Decimal | None = None,
    currency: str = "",
    details: str = "",
) -> Gesture:
    """Record a gesture on a complaint the agent may see: promised, or awaiting the lead."""
    if ticket.kind != Ticket.Kind.COMPLAINT:
        raise ValidationError("Goodwill gestures are recorded on complaints.")
    if type not in Gesture.Type.values:
        raise ValidationError({"type": "Choose the kind of gesture."})
    value = None if type == Gesture.Type.APOLOGY else _amount(amount)
    currency = currency.strip().upper() if value is not None else ""
    if type in NEEDS_AMOUNT and value is None:
        raise ValidationError({"amount": f"A {Gesture.Type(type).label.lower()} needs its amount."})
    if value is not None and (len(currency) != 3 or not currency.isalpha()):
        raise ValidationError({"currency": "Give the currency's three-letter code, like EUR."})
    details = details.strip()
    if type == Gesture.Type.OTHER and not details:
        raise ValidationError({"details": "Say what the gesture is."})
    now = timezone.now()
    approver = may_approve(agent, ticket)
    waits = needs_approval(value, currency) and not approver
    with transaction.atomic():
        gesture = Gesture.objects.create(
            ticket=ticket,
            type=type,
            amount=value,
            currency=currency,
            details=details[:300],
            status=Gesture.Status.AWAITING if waits else Gesture.Status.PROMISED,
            requested_by=agent,
            requested_at=now,
            decided_by=agent if approver and value is not None else None,
            decided_at=now if approver and value is not None else None,
        )
        label = _label(gesture)
        event_record(ticket=ticket, kind=TicketEvent.Kind.GESTURE_RECORDED, at=now, actor=agent, new=label)
        if waits:
            notices = [
                Notice(ticket=ticket, user=user, kind=Notice.Kind.APPROVAL, created_at=now)
                for user in gesture_approvers(ticket)
            ]
            outbox_enqueue_notices(notices=Notice.objects.bulk_create(notices))
    return gesture


def deciding_lead(ticket: Ticket) -> User | None:
    """The queue's team lead, who decides gestures on ``ticket``; None when the admins do (the
    queue has no lead, or the lead's account is switched off)."""
    lead = ticket.queue.team_lead
    return lead if lead is not None and lead.is_active else None


def gesture_approvers(ticket: Ticket) -> list[User]:
    """Who is asked to approve a gesture on ``ticket``: the queue's team lead, else the admins
    (superusers)."""
    lead = deciding_lead(ticket)
    if lead is not None:
        return [lead]
    return list(User.objects.filter(is_superuser=True, is_active=True).order_by("pk")[:APPROVERS_MAX])


def _label(gesture: Gesture) -> str:
    label = gesture.get_type_display()
    if gesture.amount is not None:
        label += f" {gesture.amount_label}"
    if gesture.status == Gesture.Status.AWAITING:
        label += " (awaiting approval)"
    return label


def gesture_decide(*, gesture_id: int, ticket: Ticket, lead: User, approve: bool) -> Gesture:
    """The lead approves (it is now promised) or declines a gesture awaiting approval."""
    if not may_approve(lead, ticket):
        raise ValidationError("Only the queue's team lead or an admin can approve or decline a gesture.")
    with transaction.atomic():
        gesture = Gesture.objects.select_for_update().filter(pk=gesture_id, ticket=ticket).first()
        if gesture is None:
            raise ValidationError("That gesture is not on this ticket.")
        if gesture.status != Gesture.Status.AWAITING:
            raise ValidationError(f"This gesture was already {gesture.get_status_display().lower()}.")
        now = timezone.now()
        gesture.status = Gesture.Status.PROMISED if approve else Gesture.Status.DECLINED
        gesture.decided_by, gesture.decided_at = lead, now
        gesture.save(update_fields=["status", "decided_by", "decided_at"])
        kind = TicketEvent.Kind.GESTURE_APPROVED if approve else TicketEvent.Kind.GESTURE_DECLINED
        event_record(ticket=ticket, kind=kind, at=now, actor=lead, new=_label(gesture))
        if not Gesture.objects.filter(ticket=ticket, status=Gesture.Status.AWAITING).exists():
            Notice.objects.filter(ticket=ticket, kind=Notice.Kind.APPROVAL, read_at__isnull=True).update(read_at=now)
    return gesture
