"""A customer writes about a ticket, by email or on its private page: one rule for both.

- An open ticket (new, open, waiting) takes the message as a reply.
- A resolved ticket takes it too, and is reopened, within ``REOPEN_WITHIN_DAYS`` of being
  resolved. Later, or once the ticket is closed, the message opens a **new** ticket that
  follows the old one (``Ticket.follows``), in the old one's queue, as its kind, under its
  subject; the old ticket's timeline says so. The desk links the two both ways.
- A writer who already has a follow-up of that ticket which still takes replies writes into
  it instead, so a customer answering an old email twice opens one follow-up, not two.

The old ticket's row is locked while this is decided, so two messages at once cannot both
open a follow-up. The web page and mail intake call ``customer_write``; nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tickets.models import Message, Ticket, TicketEvent
from tickets.selectors_triage import MERGE_HOPS
from tickets.services.check_ins import check_ins_cancel
from tickets.services.events import event_record
from tickets.services.portal import customer_reply_post, takes_replies, ticket_submit

__all__ = ["Written", "customer_write", "takes_replies"]

# How far along a chain of follow-ups (each closed in turn) a message is carried.
FOLLOW_UP_DEPTH = 20


@dataclass(frozen=True)
class Written:
    """Where the message went: ``ticket`` (the one written to, or the new follow-up)."""

    ticket: Ticket
    message: Message
    opened: bool  # a new follow-up ticket was opened for it


def _locked(pk: int) -> Ticket:
    return Ticket.objects.select_for_update(no_key=True, of=("self",)).select_related("customer", "queue").get(pk=pk)


def _locked_continuation(pk: int) -> Ticket:
    """Ticket ``pk`` locked, or the ticket it was merged into (a merged duplicate's replies join
    its target, whichever way they come in), following later merges."""
    for _ in range(MERGE_HOPS):
        ticket = _locked(pk)
        if ticket.merged_into_id is None:
            return ticket
        pk = ticket.merged_into_id
    return _locked(pk)


def customer_write(
    *,
    ticket: Ticket,
    body: str,
    full_body: str = "",
    files: list[UploadedFile[bytes]] | None = None,
    automatic: bool = False,
    author_email: str = "",
    author_name: str = "",
    channel: str = Ticket.Channel.WEB,
) -> Written:
    """File a message a customer (or, by email, someone on the ticket's thread) wrote about ``ticket``.

    ``author_email``/``author_name``: who wrote it, when that is not the ticket's customer (an
    email to the ticket's signed address from another address); a follow-up is theirs.
    ``full_body``: the whole text when ``body`` is only what the writer newly wrote (an email
    with its quoted history trimmed).
    ``automatic``: written by a machine (RFC 3834): never reopens, never acknowledged.
    """
    with transaction.atomic():
        target = _locked_continuation(ticket.pk)
        now = timezone.now()
        writer = (author_email or target.customer.email).strip()
        for _ in range(FOLLOW_UP_DEPTH):
            if takes_replies(target, now):
                break
            later = target.follow_ups.filter(customer__email__iexact=writer).order_by("-id").first()
            if later is None:
                break
            target = _locked(later.pk)
        if not automatic:  # the customer wrote meanwhile: no "is everything still working?" now
            check_ins_cancel(ticket=target, at=now)
        if takes_replies(target, now):
            message = customer_reply_post(
                ticket=target,
                body=body,
                full_body=full_body,
                files=files,
                automatic=automatic,
                author_email=author_email,
                author_name=author_name,
            )
            return Written(ticket=target, message=message, opened=False)
        same_person = writer.lower() == target.customer.email.lower()
        submitted = ticket_submit(
            name=target.customer.name if same_person else (author_name or writer.partition("@")[0]),
            email=writer,
            kind=target.kind,
            subject=target.subject,
            description=body,
            full_description=full_body,
            files=files,
            channel=channel,
            queue=target.queue,
            acknowledge=not automatic,
            follows=target,
        )
        event_record(
            ticket=target,
            kind=TicketEvent.Kind.FOLLOWED_UP,
            at=now,
            by_customer=True,  # the customer's side wrote (the customer, or someone on their thread)
            new=submitted.ticket.reference,
        )
        first = submitted.ticket.messages.order_by("id").first()
        if first is None:  # ticket_submit always writes the first message
            raise RuntimeError(f"Follow-up {submitted.ticket.reference} has no message")
        return Written(ticket=submitted.ticket, message=first, opened=True)
