"""Reads, each scoped to what the viewer may see. Unknown and forbidden both raise Http404."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from tickets import sorts
from tickets.business_hours import Schedule, add_business_minutes
from tickets.links import link_matches
from tickets.models import (
    AgentProfile,
    Attachment,
    BusinessCalendar,
    CopiedAddress,
    Message,
    Notice,
    OutboundEmail,
    Promise,
    Queue,
    SlaPolicy,
    Ticket,
    TicketEvent,
)
from tickets.models.agent import agents, profile_of
from tickets.models.ticket import OPEN_STATUSES
from tickets.selectors_triage import tag_filtered
from tickets.sla_config import sla_config
from tickets.time_text import zone_label

AnyUser = User | AnonymousUser


def queues_for_agent(user: User) -> QuerySet[Queue]:
    if user.is_superuser:
        return Queue.objects.all()
    return Queue.objects.for_agent(user)


def _ticket_or_404(queryset: QuerySet[Ticket], reference: str) -> Ticket:
    pk = Ticket.pk_from_reference(reference)
    if pk is None:
        raise Http404("No such ticket")
    ticket = queryset.filter(pk=pk).first()
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


def ticket_get_for_agent(*, user: AnyUser, reference: str) -> Ticket:
    queryset = Ticket.objects.visible_to(user).select_related("customer", "queue", "assignee")
    return _ticket_or_404(queryset, reference)


def ticket_get_by_id(pk: int) -> Ticket | None:
    """For the submitter's own session only (it holds the id of the ticket it just made)."""
    return Ticket.objects.select_related("customer").filter(pk=pk).first()


def ticket_get_for_link(*, reference: str, token: str) -> Ticket:
    """The ticket behind a private link; a wrong token looks exactly like an unknown ticket."""
    ticket = _ticket_or_404(Ticket.objects.select_related("customer"), reference)
    if not link_matches(ticket, token):
        raise Http404("No such ticket")
    return ticket


@dataclass
class QueueFilters:
    status: str = "active"  # "active" = neither resolved nor closed; "all"; or one status
    kind: str = ""
    queue_id: int | None = None
    assignee: str = ""  # "", "mine", "unassigned" or an agent id
    sort: str = "due"  # a name in tickets.sorts.SORTS
    search: str = ""
    due: str = ""  # "", "overdue" or "soon" (due within the hour)
    tag: str = ""  # a tag's name, any case

    @property
    def open_only(self) -> bool:
        """Whether only open tickets can match (what the partial sort indexes cover)."""
        return self.status == "active" or self.status in OPEN_STATUSES

    def sort_order(self) -> sorts.Sort:
        """The sort asked for, if an index serves it for these tickets; else their default."""
        return sorts.sort_named(self.sort, open_only=self.open_only)


def ticket_list_for_agent(*, user: User, filters: QueueFilters) -> QuerySet[Ticket]:
    tickets = Ticket.objects.visible_to(user)
    if filters.status == "active":
        tickets = tickets.open()
    elif filters.status in Ticket.Status.values:
        tickets = tickets.filter(status=filters.status)
    if filters.kind in Ticket.Kind.values:
        tickets = tickets.filter(kind=filters.kind)
    if filters.queue_id:
        tickets = tickets.filter(queue_id=filters.queue_id)
    if filters.assignee == "mine":
        tickets = tickets.filter(assignee=user)
    elif filters.assignee == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    now = timezone.now()
    if filters.due == "overdue":
        tickets = sorts.due_before(tickets, now)
    elif filters.due == "soon":
        tickets = sorts.due_before(tickets, now + timedelta(hours=1), after=now)
    if filters.search:
        pk = Ticket.pk_from_reference(filters.search)
        tickets = tickets.filter(pk=pk) if pk else tickets.filter(subject__icontains=filters.search)
    # Every sort is served by an index and ends with the id (tickets/sorts.py).
    order = filters.sort_order().order_by()
    tickets = sorts.sortable(tickets)
    if filters.tag:
        tickets, order = tag_filtered(tickets, filters.tag, order)
    return tickets.order_by(*order).select_related("customer", "queue", "assignee")


def agents_for_queues(queues: QuerySet[Queue]) -> QuerySet[User]:
    return agents().of_queues(queues).order_by("first_name", "username")


def agents_for_ticket(ticket: Ticket) -> QuerySet[User]:
    return agents().of_queue(ticket.queue_id).order_by("first_name", "username")


@dataclass(frozen=True)
class FollowUps:
    follows: Ticket | None  # the earlier ticket this one continues
    followed_up_in: list[Ticket]  # later tickets that continue this one, oldest first


def ticket_follow_ups_for_agent(*, user: AnyUser, ticket: Ticket) -> FollowUps:
    """The tickets linked to ``ticket`` as follow-ups, both ways, that ``user`` may see. One query.

    Short by construction: a writer whose follow-up still takes replies writes into it, and one
    that no longer does gets its own follow-up (``tickets.services.follow_up``)."""
    linked = Ticket.objects.visible_to(user).filter(Q(pk=ticket.follows_id) | Q(follows=ticket)).order_by("id")
    rows = list(linked.only("pk", "follows_id", "subject", "status"))
    earlier = next((t for t in rows if t.pk == ticket.follows_id), None)
    return FollowUps(follows=earlier, followed_up_in=[t for t in rows if t.follows_id == ticket.pk])


def ticket_copies(ticket: Ticket) -> list[CopiedAddress]:
    """The people the customer copied, in the order they were first copied (at most COPIES_MAX)."""
    return list(ticket.copied.order_by("added_at", "id"))


def ticket_ack_held(ticket: Ticket) -> bool:
    """Whether the ticket's acknowledgement was held by the per-recipient cap (never sent)."""
    return ticket.events.filter(kind=TicketEvent.Kind.ACK_HELD).exists()


def attachment_get_for_agent(*, user: AnyUser, reference: str, attachment_id: int) -> Attachment:
    ticket = ticket_get_for_agent(user=user, reference=reference)
    attachment = Attachment.objects.filter(pk=attachment_id, ticket=ticket).first()
    if attachment is None:
        raise Http404("No such file")
    return attachment


def attachment_get_for_link(*, reference: str, token: str, attachment_id: int) -> Attachment:
    ticket = ticket_get_for_link(reference=reference, token=token)
    attachment = Attachment.objects.filter(
        pk=attachment_id, ticket=ticket, message__visibility=Message.Visibility.PUBLIC
    ).first()
    if attachment is None:
        raise Http404("No such file")
    return attachment


def promise_pending(ticket: Ticket) -> Promise | None:
    """The ticket's one pending promise (running or paused), with its policy: the one way to ask."""
    return Promise.objects.select_related("policy").pending_for(ticket)


@dataclass(frozen=True)
class PromiseStats:
    made: int
    kept: int
    broken: int

    @property
    def kept_rate(self) -> float | None:
        settled = self.kept + self.broken
        return self.kept / settled if settled else None


def promise_stats_for_ticket(ticket: Ticket) -> PromiseStats:
    counts = ticket.promises.aggregate(
        made=Count("id"),
        kept=Count("id", filter=Q(state=Promise.State.KEPT)),
        broken=Count("id", filter=Q(state=Promise.State.BROKEN)),
    )
    return PromiseStats(**counts)


# --- The agent: the desk's top bar, /desk/me/ and the notices under the bell ---------------------


@dataclass(frozen=True)
class DeskAgent:
    """What every desk page needs to know about the signed-in agent (one query)."""

    unread: int
    switch_on: bool
    on_duty: bool
    zone: ZoneInfo
    hours_label: str

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)


UNREAD_COUNTED = 100  # the bell shows "99+" beyond 99


def desk_agent_for(user: User, at: datetime | None = None) -> DeskAgent:
    """The top bar and the zone desk pages are shown in: unread notices, the switch, on duty, zone."""
    at = at or timezone.now()
    # Counted no further than the bell shows ("99+"): an index-only look at most UNREAD_COUNTED rows
    # of notice_user_unread, where counting them all grew with the agent's backlog (an agent sent
    # every notice of a million-ticket desk made each desk page 70 ms slower).
    first_unread = Notice.objects.filter(user=OuterRef(OuterRef("pk")), read_at__isnull=True).order_by().values("pk")
    unread = Notice.objects.filter(pk__in=first_unread[:UNREAD_COUNTED]).order_by().values("user")
    row = (
        User.objects.filter(pk=user.pk)
        .select_related("agent_profile")
        .annotate(unread=Subquery(unread.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()))
        .first()
    )
    profile = profile_of(row) if row is not None else None
    return DeskAgent(
        unread=(row.unread or 0) if row is not None else 0,
        switch_on=profile is None or profile.on_duty,
        on_duty=profile is None or profile.on_duty_at(at),
        zone=profile.zone if profile is not None else ZoneInfo(settings.TIME_ZONE),
        hours_label=profile.hours_label if profile is not None else "",
    )


def agent_settings_initial(user: User) -> dict[str, object]:
    """The agent's settings as /desk/me/ shows them (empty for an agent who never saved any)."""
    profile = AgentProfile.objects.filter(user=user).first()
    if profile is None:
        return {}
    return {
        "timezone": profile.timezone,
        "duty_days": [int(day) for day in profile.duty_days],
        "duty_start": profile.duty_start,
        "duty_end": profile.duty_end,
    }


def notice_list_for_user(user: User) -> QuerySet[Notice]:
    """The user's notices, newest first, with what the list shows (ticket, customer, promise)."""
    return (
        Notice.objects.filter(user=user)
        .select_related("ticket__customer", "promise", "message__author_user")  # a mention names its note's author
        .order_by("-created_at", "-id")
    )


# --- promises: the policy, its hours, the load ---------------------------------------------------

# A busy queue's promises stretch with the load, at most this many times the policy's target.
MAX_STRETCH = 5.0


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy for the ticket's kind, priority and queue (no query: the
    process's copy of the configuration, tickets/sla_config.py)."""
    config = sla_config(queue_id=ticket.queue_id)
    return config.policy_for(kind=ticket.kind, queue_id=ticket.queue_id, priority=ticket.priority)


def schedule_for(ticket: Ticket, policy: SlaPolicy | None) -> Schedule:
    """The business hours ``policy`` counts in for ``ticket``: the policy's calendar, else its queue's."""
    return sla_config(queue_id=ticket.queue_id).schedule_for(queue_id=ticket.queue_id, policy=policy)


def default_next_update(ticket: Ticket, at: datetime) -> tuple[datetime | None, SlaPolicy | None]:
    policy = policy_for(ticket)
    if policy is None:
        return None, None
    return add_business_minutes(schedule_for(ticket, policy), at, policy.next_update_minutes), policy


def busy_factor(ticket: Ticket, at: datetime | None = None) -> float:
    """How far the desk is over its threshold: 1.0 when it isn't (honest promises under load)."""
    threshold = ticket.queue.busy_threshold
    if not threshold:
        return 1.0
    on_duty = max(len(agents().of_queue(ticket.queue_id).on_duty(at or timezone.now())), 1)
    # Counted no further than where the stretch stops growing: a constant cost however deep the backlog.
    cap = math.ceil(threshold * on_duty * MAX_STRETCH) + 1
    unassigned = Ticket.objects.open().filter(queue=ticket.queue_id, assignee__isnull=True).order_by()
    waiting = unassigned.values("pk")[:cap].count()
    load = waiting / on_duty
    return min(load / threshold, MAX_STRETCH) if load > threshold else 1.0


# --- the SLA admin's preview ----------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyPreview:
    """The due times a policy would promise a ticket created now, and what they were counted on."""

    first_due: datetime
    resolution_due: datetime
    zone: str
    queue: Queue | None  # the policy's queue, else the default queue it is previewed on
    calendar: BusinessCalendar | None  # the calendar counted on, if any


def policy_preview(policy: SlaPolicy, now: datetime) -> PolicyPreview:
    """Raises ScheduleError when the calendar cannot give a due time (e.g. closed for good)."""
    # A policy for every queue is previewed on the default queue, where public-form tickets land.
    queue = policy.queue or Queue.objects.filter(is_default=True).select_related("calendar").first()
    queue_calendar = queue.calendar if queue else None
    schedule = policy.schedule(queue_calendar)
    calendar = policy.calendar or queue_calendar
    return PolicyPreview(
        first_due=add_business_minutes(schedule, now, policy.first_response_minutes),
        resolution_due=add_business_minutes(schedule, now, policy.resolution_minutes),
        zone=calendar.zone if calendar else schedule.zone,
        queue=queue,
        calendar=calendar,
    )


# --- the outbox ---------------------------------------------------------------------------------


def outbox_acks_recent(*, to_email: str, since: datetime) -> int:
    """Acknowledgements owed or sent to ``to_email`` (any case) since ``since``; held ones excluded."""
    return acks_recent_queryset(to_email=to_email, since=since).count()


def acks_recent_queryset(*, to_email: str, since: datetime) -> QuerySet[OutboundEmail]:
    """Served by the ``outbox_ack_to_recent`` index (lower(to_email), created_at where kind = ack)."""
    return (
        OutboundEmail.objects.annotate(to_lower=Lower("to_email"))
        .filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT, to_lower=to_email.lower(), created_at__gte=since)
        .exclude(status=OutboundEmail.Status.HELD)
    )


def outbox_due_ids(limit: int = 500) -> list[int]:
    """Unsent rows no sender run is on its way to: never tried and overdue by the re-queue grace
    (their run was queued at commit, presumably lost), a retry whose time has come (nothing else
    queues it), or a claim that expired."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    return list(
        OutboundEmail.objects.filter(
            Q(status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at__lte=grace)
            | Q(status=OutboundEmail.Status.PENDING, attempts__gt=0, next_attempt_at__lte=now)
            | Q(status=OutboundEmail.Status.SENDING, claimed_until__lt=now),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
