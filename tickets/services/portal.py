"""What customers do: submit a ticket, reply through the private link, ask for links again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.links import link_token, new_link_secret
from tickets.models import Customer, Message, OutboundEmail, Queue, Ticket, TicketEvent
from tickets.selectors import outbox_acks_recent
from tickets.services.check_ins import check_in_answer_open
from tickets.services.common import attachments_save, text_required, ticket_save
from tickets.services.complaints import complaint_to_lead, complaints_queue
from tickets.services.events import event_record, events_deferred
from tickets.services.notices import customer_reply_notify
from tickets.services.outbox import outbox_enqueue
from tickets.services.promises import promise_at_intake
from tickets.services.search_index import search_refresh
from tickets.services.status import STATUS_FIELDS, status_apply

SUBJECT_MAX = 200
BODY_MAX = 50_000
FULL_BODY_MAX = 200_000  # an email's whole text beside its trimmed body; the raw message has the rest
NAME_MAX = 200


@dataclass(frozen=True)
class Submitted:
    ticket: Ticket
    token: str
    duplicate: bool = False


def _customer_for(*, email: str, name: str) -> Customer:
    """The customer ``email`` belongs to (the one it was merged into, for a merged address), its row
    locked: a rename or a merge of that customer finishes first, or waits for this ticket
    (tickets.services.customers), so the ticket's search document holds the current name.

    The lookup takes the lock itself, and reads the row as the merge or rename it waited for
    left it. A customer made here needs no lock: no other transaction sees the row before ours
    commits."""
    locked = Customer.objects.select_for_update(no_key=True)
    found = locked.with_email(email).first()
    if found is None:
        try:
            with transaction.atomic():
                return Customer.objects.create(email=email, name=name, created_at=timezone.now())
        except IntegrityError:  # the same address, written a moment ago by another request
            found = locked.with_email(email).get()
    return found if found.merged_into_id is None else locked.get(pk=found.merged_into_id)


@cache
def _zone_names() -> frozenset[str]:
    """The IANA zone names, read from the zone database's files once per process."""
    return frozenset(available_timezones())


def _default_queue() -> Queue:
    queue = Queue.objects.order_by("-is_default", "id").first()
    if queue is None:
        raise ValidationError("The desk has no queue yet: an admin must create one.")
    return queue


def ticket_submit(
    *,
    name: str,
    email: str,
    kind: str,
    subject: str,
    description: str,
    files: list[UploadedFile[bytes]] | None = None,
    channel: str = Ticket.Channel.WEB,
    submission_key: str | None = None,
    timezone_name: str = "",
    queue: Queue | None = None,
    acknowledge: bool = True,
    follows: Ticket | None = None,
    full_description: str = "",
) -> Submitted:
    """Open a ticket for a customer and owe them an acknowledgement.

    Customer, ticket, first message, attachments, event and the outbox row commit
    together; the email task is queued after commit. A repeated ``submission_key``
    (a double-clicked form) returns the first ticket instead of making a second.
    ``queue``: where the ticket starts (a mailbox's queue), else the default queue.
    ``acknowledge=False``: no acknowledgement at all, for a message written by a machine
    (an autoresponder, a mailing list: RFC 3834), which must never be answered automatically.
    ``follows``: the earlier ticket this one continues (``tickets.services.follow_up``).
    ``full_description``: the whole text when ``description`` is only the part the customer newly
    wrote (an email with its quoted history trimmed); agents can read it, the customer's page shows
    ``description``.
    """
    name = text_required(name, "name", "your name", NAME_MAX)
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Please give an email address like name@example.com."}) from None
    if kind not in Ticket.Kind.values:
        raise ValidationError({"kind": "Please choose what this is about."})
    subject = text_required(subject, "subject", "a subject", SUBJECT_MAX)
    description = text_required(description, "description", "what happened", BODY_MAX)
    full_description = _full_text(full_description, description)
    try:
        with transaction.atomic(), events_deferred():
            return _ticket_create(
                name=name,
                email=email,
                kind=kind,
                subject=subject,
                description=description,
                files=files or [],
                channel=channel,
                submission_key=submission_key or None,
                timezone_name=timezone_name,
                queue=queue,
                acknowledge=acknowledge,
                follows=follows,
                full_description=full_description,
            )
    except IntegrityError:
        # The key's ticket exists (a double click, or another request with it won the race): the
        # ticket's unique key refused this one and everything rolled back; answer with the first.
        # Not looked up beforehand: that would cost every submission a query, for the rare repeat.
        existing = Ticket.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return Submitted(ticket=existing, token=link_token(existing), duplicate=True)


def _ticket_create(
    *,
    name: str,
    email: str,
    kind: str,
    subject: str,
    description: str,
    files: list[UploadedFile[bytes]],
    channel: str,
    submission_key: str | None,
    timezone_name: str,
    queue: Queue | None,
    acknowledge: bool,
    follows: Ticket | None,
    full_description: str,
) -> Submitted:
    now = timezone.now()
    customer = _customer_for(email=email, name=name)
    if timezone_name and timezone_name in _zone_names() and customer.timezone != timezone_name:
        customer.timezone = timezone_name
        customer.save(update_fields=["timezone"])
    salt, link_hash = new_link_secret()
    if kind == Ticket.Kind.COMPLAINT:  # complaints go to the complaints queue, whatever the way in
        queue = complaints_queue() or queue
    ticket = Ticket.objects.create(
        kind=kind,
        priority=Ticket.Priority.HIGH if kind == Ticket.Kind.COMPLAINT else Ticket.Priority.NORMAL,
        channel=channel,
        queue=queue or _default_queue(),
        customer=customer,
        subject=subject,
        link_salt=salt,
        link_hash=link_hash,
        submission_key=submission_key,
        follows=follows,
        created_at=now,
        updated_at=now,
    )
    message = Message.objects.create(
        ticket=ticket,
        visibility=Message.Visibility.PUBLIC,
        author_kind=Message.Author.CUSTOMER,
        body=description,
        full_body=full_description,
        created_at=now,
    )
    attachments_save(message=message, files=files, at=now)
    search_refresh([ticket.pk])
    event_record(ticket=ticket, kind=TicketEvent.Kind.CREATED, at=now, by_customer=True)
    if kind == Ticket.Kind.COMPLAINT:
        complaint_to_lead(ticket, now)
        if ticket.assignee_id is not None:
            ticket.save(update_fields=["assignee"])
    intake = promise_at_intake(ticket=ticket, at=now)  # writes the ticket's next_due_at itself
    if not acknowledge:
        return Submitted(ticket=ticket, token=link_token(ticket))
    held = ack_cap_reached(customer=customer, at=now)
    outbox_enqueue(
        key=f"ack:{ticket.pk}",
        kind=OutboundEmail.Kind.ACKNOWLEDGEMENT,
        ticket=ticket,
        customer=customer,
        message=message,
        context={"busy": intake.busy},
        hold=held,
    )
    if held:
        event_record(ticket=ticket, kind=TicketEvent.Kind.ACK_HELD, at=now)
    return Submitted(ticket=ticket, token=link_token(ticket))


def ack_cap_reached(*, customer: Customer, at: datetime) -> bool:
    """True when ``customer``'s address already had its hour's share of acknowledgements.

    Anyone can type someone else's address into the public form, from as many client addresses
    as they like, so the per-address form limit alone would let them mail-bomb that person. The
    cap (``ACK_PER_RECIPIENT_PER_HOUR``) counts the acknowledgement rows in the outbox, not the
    cache, so it holds across processes and when Redis is down. Held rows don't count: at most
    the cap goes out in any hour, and sending resumes an hour after the earliest one.

    Race safety: the caller's transaction holds the customer row locked (one row per address,
    whatever its case; ``_customer_for`` takes the lock) while counting, so two submissions to one
    address count one after the other.

    A held acknowledgement stays held and is never sent, since sending it later would still
    flood; the ticket, its promise and its private link are made as usual, the desk shows
    "Acknowledgement held" on the ticket, and the agent's first reply reaches the customer.
    """
    since = at - timedelta(hours=1)
    return outbox_acks_recent(to_email=customer.email, since=since) >= settings.ACK_PER_RECIPIENT_PER_HOUR


def takes_replies(ticket: Ticket, at: datetime) -> bool:
    """Whether a customer's message goes onto ``ticket`` (reopening it if resolved) at ``at``:
    not once it is closed, nor ``REOPEN_WITHIN_DAYS`` after it was resolved; except the answer to a
    follow-up email sent lately (``CHECK_IN_ANSWER_DAYS``), which a solved ticket always takes."""
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        return True
    resolved_at = ticket.resolved_at or ticket.updated_at
    if ticket.status == Ticket.Status.RESOLVED and resolved_at >= at - timedelta(days=settings.REOPEN_WITHIN_DAYS):
        return True
    return ticket.merged_into_id is None and check_in_answer_open(ticket, at)


def _full_text(full: str, shown: str) -> str:
    """The whole text to keep beside ``shown``: blank when ``shown`` already is all of it."""
    full = full.strip()
    if len(full) > FULL_BODY_MAX:
        raise ValidationError(f"The whole text is longer than {FULL_BODY_MAX} characters.")
    return "" if full == shown else full


def customer_reply_post(
    *,
    ticket: Ticket,
    body: str,
    files: list[UploadedFile[bytes]] | None = None,
    automatic: bool = False,
    author_email: str = "",
    author_name: str = "",
    full_body: str = "",
) -> Message:
    """The customer answers (through the private link or by email); the ticket comes back to the desk.

    Callers go through ``tickets.services.follow_up.customer_write``, which decides whether the
    ticket still takes replies: a closed ticket, or one solved more than ``REOPEN_WITHIN_DAYS``
    ago, is refused here (a ValidationError), and gets a follow-up ticket there.

    ``automatic``: the message was written by a machine on the customer's side (an out-of-office
    reply, RFC 3834). It is kept on the ticket for the agent to read, but it is not the customer's
    answer: a waiting or resolved ticket stays as it is, so an autoresponder cannot restart a clock,
    and nobody is notified. A real answer notifies the assignee (or the queue's agents on duty)
    once, under the bell and by email (``customer_reply_notify``).
    ``author_email``/``author_name``: who wrote it when not the ticket's customer (someone copied
    on the thread, answering our email); recorded on the message and shown as its author.
    ``full_body``: the whole text when ``body`` is only the part the customer newly wrote.
    """
    body = text_required(body, "body", "a message", BODY_MAX)
    full_body = _full_text(full_body, body)
    with transaction.atomic():
        ticket = _reply_target(ticket)
        now = timezone.now()
        if ticket.status == Ticket.Status.CLOSED and not takes_replies(ticket, now):
            raise ValidationError(
                {"body": "This request is closed, so it can't take replies. Please start a new request."}
            )
        if not takes_replies(ticket, now):
            raise ValidationError({"body": "This request was solved a while ago. Please start a new request."})
        someone_else = bool(author_email) and author_email.strip().lower() != ticket.customer.email.lower()
        message = Message.objects.create(
            ticket=ticket,
            visibility=Message.Visibility.PUBLIC,
            author_kind=Message.Author.CUSTOMER,
            author_email=author_email.strip()[:254] if someone_else else "",
            author_display=author_name.strip()[:200] if someone_else else "",
            body=body,
            full_body=full_body,
            created_at=now,
        )
        attachments_save(message=message, files=files or [], at=now)
        search_refresh([ticket.pk])
        event_record(ticket=ticket, kind=TicketEvent.Kind.CUSTOMER_REPLIED, at=now, by_customer=True)
        if not automatic and ticket.status in (Ticket.Status.WAITING, Ticket.Status.RESOLVED):
            # Back to the desk; a paused clock restarts with a fresh target from this reply.
            status_apply(ticket=ticket, status=Ticket.Status.OPEN, at=now, by_customer=True)
        ticket.updated_at = now
        ticket_save(ticket, *STATUS_FIELDS)
        if not automatic:
            customer_reply_notify(message=message, at=now)
    return message


MERGE_HOPS = 10  # a merged ticket's target may itself have been merged since; never loop forever


def _reply_target(ticket: Ticket) -> Ticket:
    """The ticket a customer's reply joins, row-locked: ``ticket`` itself, or the ticket it was
    merged into (following later merges). The pointers are read without locks and only the ticket
    written to is locked; should it be merged while we wait for its lock, we follow it once more."""
    pk = ticket.pk
    for _ in range(MERGE_HOPS):
        merged_into = Ticket.objects.filter(pk=pk).values_list("merged_into", flat=True).first()
        if merged_into is None:
            locked = Ticket.objects.select_for_update(no_key=True).get(pk=pk)
            if locked.merged_into_id is None:
                return locked
            merged_into = locked.merged_into_id
        pk = merged_into
    return Ticket.objects.select_for_update(no_key=True).get(pk=pk)


def links_resend(*, email: str) -> int:
    """Email the working private links of ``email``'s open tickets again.

    The links are not rotated: anyone who knows a customer's address can ask for this,
    so it must not be able to break links the customer already holds. (Only the holder
    of a link can replace it, with ``link_revoke``.) Returns how many tickets were
    included; callers must not tell the visitor, so the page never reveals whether an
    address is known. At most ``LINKS_PER_RECIPIENT_PER_HOUR`` such emails go to one address
    in an hour; past that nothing is sent and the answer is the same.
    """
    with transaction.atomic():
        found = Customer.objects.with_email(email).select_related("merged_into").first()
        if found is None:
            return 0
        customer = found.merged_into or found  # a merged address: the links go to the kept one's address
        tickets = list(Ticket.objects.filter(customer=customer).open().order_by("id"))
        if not tickets:
            return 0
        now = timezone.now()
        # Anyone can type this address, from as many client addresses as they like: cap the
        # emails per recipient too, so the form can't be used to flood the customer's inbox.
        Customer.objects.select_for_update(no_key=True).filter(pk=customer.pk).values_list("pk").first()
        recent = customer.emails.filter(kind=OutboundEmail.Kind.TICKET_LINKS, created_at__gte=now - timedelta(hours=1))
        if recent.count() >= settings.LINKS_PER_RECIPIENT_PER_HOUR:
            return 0
        for ticket in tickets:
            event_record(ticket=ticket, kind=TicketEvent.Kind.LINK_RESENT, at=now, by_customer=True)
        outbox_enqueue(
            key=f"links:{customer.pk}:{uuid.uuid4().hex}",
            kind=OutboundEmail.Kind.TICKET_LINKS,
            customer=customer,
            context={"ticket_ids": [t.pk for t in tickets]},
        )
    return len(tickets)


def link_revoke(*, ticket: Ticket) -> Ticket:
    """The link's holder replaces it: the old link stops working, the new one goes by email.

    Only someone who holds the current link can call this (the view finds the ticket by
    it), and the new link is never shown on the page: it goes to the customer's address,
    so whoever saw the old link learns nothing about the new one. The email rebuilds the
    link when it is sent, so it always carries the ticket's current link.
    """
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(no_key=True, of=("self",)).select_related("customer").get(pk=ticket.pk)
        )
        ticket.link_salt, ticket.link_hash = new_link_secret()
        ticket.save(update_fields=["link_salt", "link_hash"])
        event_record(ticket=ticket, kind=TicketEvent.Kind.LINK_REVOKED, at=timezone.now(), by_customer=True)
        outbox_enqueue(
            key=f"newlink:{ticket.pk}:{uuid.uuid4().hex}",
            kind=OutboundEmail.Kind.NEW_LINK,
            ticket=ticket,
            customer=ticket.customer,
        )
    return ticket
