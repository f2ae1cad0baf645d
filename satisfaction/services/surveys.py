"""One survey per solve, sent through the outbox; one rating per survey.

**Exactly once per solve.** A solve is the ticket's ``resolved_at``; ``Survey`` is unique per
(ticket, solve). Beat runs ``surveys_create_due`` every minute: it looks at tickets still solved
``survey_delay_minutes`` after their solve (a ticket solved, reopened and solved again within that
time is looked at once, for its last solve), and gives each solve a row, sent or skipped, in the
same transaction as its email's outbox row (keyed ``survey:<survey id>``). The customer's row is
locked meanwhile, so two runs at once, or two solves of one customer's tickets, queue up and the
second finds the row or the recent survey. A ticket merged or closed (spam, a duplicate) is not
solved, so it gets no survey. The customer's "Yes, this solved it" closes the ticket at once, and
so asks for its survey straight away (``survey_for_solve``).

**At most one survey per customer every N days**: a solve inside that window is recorded as
skipped. **Rating once**: the first answer counts; a second POST is told "you already rated".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from satisfaction.models import Survey
from satisfaction.services.config import settings_get
from tickets.models import Customer, Notice, OutboundEmail, Ticket, TicketEvent
from tickets.models.agent import is_agent
from tickets.services.events import event_record
from tickets.services.outbox import outbox_enqueue, outbox_enqueue_notices
from tickets.services.praise import praise_record

# Solves older than this are never surveyed: switching surveys on does not mail last month's customers.
LOOKBACK = timedelta(days=2)
BATCH = 200
COMMENT_MAX = 5000


def _due_solves(delay: timedelta, batch: int) -> list[int]:
    """Tickets solved at least ``delay`` ago (and within ``LOOKBACK``) whose solve has no row yet,
    oldest first. Solved tickets are few (the auto-close closes them after days): the partial index
    ``satisfaction_ticket_solved`` (this app's first migration) covers them."""
    now = timezone.now()
    rows = (
        Ticket.objects.filter(
            status=Ticket.Status.RESOLVED,
            merged_into__isnull=True,
            resolved_at__lte=now - delay,
            resolved_at__gte=now - LOOKBACK,
        )
        .exclude(Exists(Survey.objects.filter(ticket=OuterRef("pk"), solved_at=OuterRef("resolved_at"))))
        .order_by("resolved_at", "id")
        .values_list("id", flat=True)[:batch]
    )
    return list(rows)


def surveys_create_due(*, batch: int = BATCH) -> int:
    """Give each due solve its survey row (and email). Returns how many rows were written."""
    config = settings_get()
    written = 0
    for ticket_id in _due_solves(timedelta(minutes=config.survey_delay_minutes), batch):
        if survey_for_solve(ticket_id=ticket_id) is not None:
            written += 1
    return written


def survey_for_solve(*, ticket_id: int) -> Survey | None:
    """The survey row for the ticket's current solve, written now if missing (None: the ticket is
    not solved, or its solve has its row already). Safe to call twice at once."""
    with transaction.atomic():
        customer_id = Ticket.objects.filter(pk=ticket_id).values_list("customer_id", flat=True).first()
        if customer_id is None:
            return None
        Customer.objects.select_for_update(no_key=True).filter(pk=customer_id).values_list("pk").first()
        ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
        solved = ticket is not None and ticket.status == Ticket.Status.RESOLVED and ticket.merged_into_id is None
        if ticket is None or not solved or ticket.resolved_at is None:
            return None
        if Survey.objects.filter(ticket=ticket, solved_at=ticket.resolved_at).exists():
            return None
        return _survey_write(ticket, ticket.resolved_at)


def _survey_write(ticket: Ticket, solved_at: datetime) -> Survey:
    config = settings_get()
    now = timezone.now()
    if not config.surveys_on:
        status = Survey.Status.SKIPPED_OFF
    elif (
        config.survey_every_days
        and Survey.objects.filter(
            customer_id=ticket.customer_id,
            status=Survey.Status.SENT,
            created_at__gte=now - timedelta(days=config.survey_every_days),
        ).exists()
    ):
        status = Survey.Status.SKIPPED_RECENT
    else:
        status = Survey.Status.SENT
    survey = Survey.objects.create(
        ticket=ticket,
        solved_at=solved_at,
        customer_id=ticket.customer_id,
        queue_id=ticket.queue_id,
        agent_id=ticket.assignee_id,
        status=status,
        scale=config.scale,
        created_at=now,
    )
    if status == Survey.Status.SENT:
        outbox_enqueue(
            key=f"survey:{survey.pk}",
            kind=OutboundEmail.Kind.SURVEY,
            ticket=ticket,
            customer=ticket.customer,
            context={"survey_id": survey.pk},
        )
    return survey


@dataclass(frozen=True)
class Rated:
    survey: Survey
    recorded: bool  # False: it had been rated before; nothing changed


def rating_record(*, survey_id: int, rating: int, comment: str = "") -> Rated:
    """Record the customer's rating of one survey, once. A bad one notifies the queue's team lead
    (under the bell and by email) and opens a follow-up for them on the ticket."""
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": f"Please keep your comment under {COMMENT_MAX} characters."})
    with transaction.atomic():
        survey = Survey.objects.select_for_update(of=("self",)).select_related("ticket__queue").get(pk=survey_id)
        if survey.rated_at is not None:
            return Rated(survey=survey, recorded=False)
        if rating not in range(1, survey.scale + 1):
            raise ValidationError({"rating": "Please choose one of the answers."})
        now = timezone.now()
        survey.rating, survey.comment, survey.rated_at = rating, comment, now
        survey.save(update_fields=["rating", "comment", "rated_at"])
        event_record(
            ticket=survey.ticket, kind=TicketEvent.Kind.RATED, at=now, by_customer=True, new=survey.rating_label
        )
        if survey.is_bad:
            _bad_rating_notify(survey)
    return Rated(survey=survey, recorded=True)


def _bad_rating_notify(survey: Survey) -> None:
    """The queue's team lead hears of it (the assignee at the solve when the queue has no lead)."""
    lead = survey.ticket.queue.team_lead
    user = lead if lead is not None and is_agent(lead) else survey.agent
    if user is None or not is_agent(user):
        return  # nobody to tell: the follow-up still shows on the ticket and in the figures
    notice = Notice.objects.create(
        ticket=survey.ticket, user=user, kind=Notice.Kind.BAD_RATING, created_at=survey.rated_at or timezone.now()
    )
    outbox_enqueue_notices(notices=[notice])


def comment_praise_mark(*, survey: Survey, marked_by: User) -> Survey:
    """Mark the survey's comment as praise for the agent who solved the ticket, once.

    Raises ValidationError when there is no comment, no one to credit, or it is marked already."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("ticket").get(pk=survey.pk)
        if not survey.comment:
            raise ValidationError("This rating has no comment to mark.")
        if survey.praise_id is not None:
            raise ValidationError("This comment is already marked as praise.")
        agent = User.objects.filter(pk=survey.agent_id).first() if survey.agent_id else None
        survey.praise = praise_record(ticket=survey.ticket, marked_by=marked_by, text=survey.comment, agent=agent)
        survey.save(update_fields=["praise"])
    return survey


def follow_up_done(*, survey: Survey, agent_id: int) -> bool:
    """The lead marks a bad rating's follow-up done. False: it was done already (or not bad)."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if not survey.follow_up_open:
            return False
        survey.follow_up_done_at = timezone.now()
        survey.follow_up_done_by_id = agent_id
        survey.save(update_fields=["follow_up_done_at", "follow_up_done_by"])
    return True
