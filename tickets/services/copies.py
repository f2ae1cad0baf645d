"""People the customer copied on their email, and the copies of agents' replies they get.

Kept: every address in Cc, and in To besides ours, of each email the customer (or someone on
their thread) sends about a ticket, once per address whatever its case, never the customer's own
address nor one of ours (the support address, its plus-addresses such as the signed reply
addresses, and the mailboxes mail intake passes in ``leave_out``). At most ``COPIES_MAX`` per ticket.

Sent: a public reply goes to the customer as always, with the private link; to each copied
address the agent keeps ticked, a **separate** email (``REPLY_COPY``) with the reply's text and
no private link, since the link opens the whole ticket to whoever holds it. Its Reply-To is the
ticket's signed address, so an answer from a copied person joins the ticket, recorded as theirs
(``Message.author_email``). The customer's email says who got a copy. The agent's ticks are
remembered per ticket (``CopiedAddress.copy_replies``) for the next reply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tickets.models import CopiedAddress, Message, OutboundEmail, Ticket, TicketEvent
from tickets.reply_address import support_address
from tickets.services.events import event_record
from tickets.services.outbox import outbox_enqueue

COPIES_MAX = 20


@dataclass(frozen=True)
class CopyChoice:
    """The composer's copy boxes: the addresses it offered, and those left ticked."""

    offered: list[str]
    chosen: list[str]


def _base(address: str) -> str:
    """``support+HD-1014-abc@host`` as ``support@host``: plus-addresses are the same mailbox."""
    local, _, domain = address.rpartition("@")
    return f"{local.partition('+')[0]}@{domain}"


def _usable(raw: str) -> str:
    address = parseaddr(raw)[1].strip()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def ticket_copies_add(
    *, ticket: Ticket, addresses: Iterable[str], at: datetime, leave_out: Iterable[str] = ()
) -> list[str]:
    """Keep the new ones among ``addresses`` on ``ticket``; returns those added. Call in a transaction.

    ``leave_out``: more addresses never to keep, with their plus-addresses (the mailboxes, the writer).
    """
    excluded = {ticket.customer.email.lower(), support_address()} | {_base(a.lower()) for a in leave_out}
    known = {email.lower() for email in ticket.copied.values_list("email", flat=True)}
    room = COPIES_MAX - len(known)
    added: list[str] = []
    for raw in addresses:
        address = _usable(raw)
        lowered = address.lower()
        if not address or lowered in known or lowered in excluded or _base(lowered) in excluded:
            continue
        if len(added) >= room:
            break
        known.add(lowered)
        added.append(address)
    CopiedAddress.objects.bulk_create(
        [CopiedAddress(ticket=ticket, email=address[:254], added_at=at) for address in added], ignore_conflicts=True
    )
    if added:
        event_record(ticket=ticket, kind=TicketEvent.Kind.COPIED, at=at, by_customer=True, new=", ".join(added))
    return added


def reply_copies_send(*, ticket: Ticket, message: Message, choice: CopyChoice | None) -> list[str]:
    """Owe a copy of the public reply ``message`` to each copied address chosen; remember the choice.

    ``choice`` None: the ticket's remembered choice, unchanged. An address that is not one of the
    ticket's is refused: a reply never goes anywhere the customer did not copy.
    """
    copies = list(ticket.copied.all())
    by_address = {copy.email.lower(): copy for copy in copies}
    if choice is None:
        chosen = [copy for copy in copies if copy.copy_replies]
    else:
        unknown = [a for a in [*choice.chosen, *choice.offered] if a.lower() not in by_address]
        if unknown:
            raise ValidationError({"copy_to": f"{unknown[0]} is not copied on this ticket."})
        picked = {a.lower() for a in choice.chosen}
        for address in choice.offered:
            copy = by_address[address.lower()]
            if copy.copy_replies != (address.lower() in picked):
                copy.copy_replies = address.lower() in picked
                copy.save(update_fields=["copy_replies"])
        chosen = [copy for copy in copies if copy.email.lower() in picked]
    for copy in chosen:
        outbox_enqueue(
            key=f"replycopy:{message.pk}:{copy.pk}",
            kind=OutboundEmail.Kind.REPLY_COPY,
            to_email=copy.email,
            ticket=ticket,
            message=message,
        )
    return [copy.email for copy in chosen]
