"""Email intake: one raw message for a mailbox joins a ticket or opens one, exactly once.

Matching, in order (a header alone never writes into someone else's ticket):
1. a signed reply address (``tickets.reply_address``) in To, Cc, Delivered-To or X-Original-To:
   the signature proves the writer holds one of that ticket's emails;
2. In-Reply-To/References naming a Message-ID we sent for a ticket (the outbox) or received for
   it, and only when the sender is that ticket's customer: Message-IDs travel in quoted mail and
   are easy to copy, so the sender must match too;
3. a reference in the subject ("Re: [HD-1014] ..."), again only when the sender is that
   ticket's customer: anyone can type a reference;
4. anything else opens a new ticket in the mailbox's queue, as the mailbox's kind.

A delivery report (a bounce, ``mail.bounces``) is never a ticket nor a customer's message: it
is recorded on the outbox row and ticket it concerns (``tickets.services.bounces``), or only
kept when it concerns none of our emails.

The people a (human) writer copied, in Cc or in To besides our mailboxes, are kept on the ticket
(``tickets.services.copies``) for the agent's replies.

A message about a ticket goes through ``tickets.services.customer_write``, as on the private
page: a resolved ticket reopens within ``REOPEN_WITHIN_DAYS``; later, or on a closed ticket, a
new ticket follows the old one. A message written by a machine (RFC 3834: Auto-Submitted,
Precedence bulk/junk/list, X-Autoreply, List-Id, a mailer-daemon or our own address) is kept but
never acknowledged, and on an existing ticket it does not count as the customer's answer. Every
message is stored first (raw, compressed) under its key (``mail.dedup``): the same message
again, in this mailbox or another one, is a duplicate and files nothing. A message that cannot
be handled (no usable sender, say) stays stored as quarantined with the reason, for the admin.
Any other error while filing it quarantines it too (logged with its traceback);
``inbound_retry`` files a quarantined message again, once. Connection-level
database errors propagate: the caller (an MTA pipe, the IMAP poll) retries, and the key makes
the retry safe.

What reaches the ticket: the text the writer newly wrote (``mail.trimming``) as the message's
body, the whole text beside it when that differs (``Message.full_body``), and the files the web
form would accept (winmail.dat unpacked by ``mail.tnef``; files over the size limit never decoded,
``mail.big_parts``); every refused file is listed under the body.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from mail import tnef
from mail.bounces import DeliveryReport, delivery_report
from mail.dedup import Arrival, inbound_store
from mail.models import InboundMessage, Mailbox
from mail.parsing import Attachment, Parsed, fallback_key, parse
from mail.tokens import new_token
from mail.trimming import trim
from tickets import services
from tickets.attachments import check_upload, safe_filename
from tickets.models import Customer, OutboundEmail, Ticket
from tickets.reply_address import support_address, ticket_pk_from_reply_address
from tickets.selectors_triage import ticket_continued_in
from tickets.services.bounces import DeliveryFailure
from tickets.services.portal import BODY_MAX, FULL_BODY_MAX, NAME_MAX, SUBJECT_MAX

logger = logging.getLogger(__name__)
NO_SUBJECT = "(no subject)"
NO_TEXT = "(This email had no text.)"
# A ticket reference anywhere in the subject: "Re: [HD-1014] Printer", "HD-1014 again".
SUBJECT_REFERENCE = re.compile(rf"\b{re.escape(settings.TICKET_REFERENCE_PREFIX)}-\d{{1,15}}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Ingested:
    inbound: InboundMessage
    duplicate: bool = False


def email_ingest(*, mailbox: Mailbox, raw: bytes) -> Ingested:
    parsed, unreadable = _parse(raw, mailbox)
    key = parsed.message_id or fallback_key(raw)
    with transaction.atomic():
        inbound, arrival = inbound_store(
            mailbox=mailbox,
            key=key[:255],
            fields={
                "message_id_header": parsed.message_id,
                "sender": parsed.sender_email[:254],
                "subject": parsed.subject[:300],
                "raw_compressed": zlib.compress(raw),
                "raw_size": len(raw),
                "status": InboundMessage.Status.QUARANTINED,
                "received_at": timezone.now(),
            },
        )
        if arrival is not Arrival.FIRST:  # this mailbox had it already, or another mailbox did
            return Ingested(inbound=inbound, duplicate=True)
        if unreadable:
            inbound.reason = unreadable[:2000]
        else:
            _file(inbound, mailbox, parsed, raw)
        inbound.save()
    return Ingested(inbound=inbound)


def _parse(raw: bytes, mailbox: Mailbox) -> tuple[Parsed, str]:
    """The parsed message, and why it could not be read ("" when it could)."""
    try:
        return parse(raw, files_up_to=settings.ATTACHMENT_MAX_BYTES), ""
    except Exception as exc:  # parse() is written not to raise; if a message still finds a way, keep it
        logger.exception("Could not parse an email for mailbox %s", mailbox.name)
        return Parsed("", "", "", "", "", [], [], ""), f"Unreadable message: {type(exc).__name__}: {exc}"


def _file(inbound: InboundMessage, mailbox: Mailbox, parsed: Parsed, raw: bytes) -> None:
    """File a stored message (a delivery report, a reply or a new ticket) on ``inbound``; the
    caller saves it. Anything that goes wrong leaves it quarantined with the reason."""
    inbound.status, inbound.reason = InboundMessage.Status.QUARANTINED, ""
    try:
        with transaction.atomic():  # a savepoint: a refused message leaves only its stored row
            report = delivery_report(raw)
            if report is not None:
                _file_bounce(inbound, report)
            else:
                _route(inbound, mailbox, parsed)
                _address_works(inbound, parsed)
    except ValidationError as exc:
        inbound.status = InboundMessage.Status.QUARANTINED
        inbound.reason = "; ".join(exc.messages)[:2000]
        logger.warning("Quarantined email %s from %s: %s", inbound.dedup_key, parsed.sender_email, inbound.reason)
    except (OperationalError, InterfaceError):
        raise  # the database itself is failing: nothing is stored, the caller retries
    except Exception as exc:  # a message that trips a bug is kept for the admin, never re-fetched forever
        logger.exception("Quarantined email %s from %s after an error", inbound.dedup_key, parsed.sender_email)
        inbound.status = InboundMessage.Status.QUARANTINED
        inbound.reason = f"Could not be filed: {type(exc).__name__}: {exc}"[:2000]
    if inbound.status == InboundMessage.Status.QUARANTINED:
        inbound.ticket = inbound.message = None  # whatever was set was rolled back with its savepoint


def _route(inbound: InboundMessage, mailbox: Mailbox, parsed: Parsed) -> None:
    automatic = parsed.automatic or _from_us(parsed.sender_email, mailbox)
    inbound.automatic = bool(automatic)
    body, full, files = _body_and_files(parsed)
    ticket = _ticket_for(parsed)
    ticket = ticket_continued_in(ticket) if ticket is not None else None  # a merged duplicate's replies join its target
    if ticket is not None:  # reopens it, or opens a follow-up of a closed or long-solved one
        written = services.customer_write(
            ticket=ticket,
            body=body,
            full_body=full,
            files=files,
            automatic=bool(automatic),
            author_email=parsed.sender_email,
            author_name=parsed.sender_name.strip(),
            channel=Ticket.Channel.EMAIL,
        )
        status = InboundMessage.Status.NEW_TICKET if written.opened else InboundMessage.Status.REPLY
        inbound.status, inbound.ticket, inbound.message = status, written.ticket, written.message
        ticket = written.ticket
    else:
        submitted = services.ticket_submit(
            name=(parsed.sender_name.strip() or parsed.sender_email.partition("@")[0] or "Customer")[:NAME_MAX],
            email=parsed.sender_email,
            kind=mailbox.default_kind,
            subject=(parsed.subject.strip() or NO_SUBJECT)[:SUBJECT_MAX],
            description=body,
            full_description=full,
            files=files,
            channel=Ticket.Channel.EMAIL,
            queue=mailbox.queue,
            acknowledge=not automatic,
        )
        inbound.status, inbound.ticket = InboundMessage.Status.NEW_TICKET, submitted.ticket
        inbound.message = submitted.ticket.messages.order_by("id").first()
        ticket = submitted.ticket
    if automatic:
        inbound.reason = f"Written by a machine ({automatic}): nothing sent back."
    else:  # the people the customer copied, to offer on the agent's replies (never a machine's list)
        ours = [*Mailbox.objects.values_list("address", flat=True), parsed.sender_email]
        services.ticket_copies_add(ticket=ticket, addresses=parsed.addressed, at=timezone.now(), leave_out=ours)


def _from_us(sender: str, mailbox: Mailbox) -> str:
    ours = {support_address(), mailbox.address.lower()}
    local, _, domain = sender.partition("@")
    if sender in ours or f"{local.partition('+')[0]}@{domain}" in ours:
        return f"sent from our own address {sender}"
    return ""


def _ticket_for(parsed: Parsed) -> Ticket | None:
    """The ticket a message joins, by the three rules of this module's docstring, or None."""
    for address in parsed.recipients:
        pk = ticket_pk_from_reply_address(address)
        if pk is not None:
            ticket = Ticket.objects.filter(pk=pk).first()
            if ticket is not None:
                return ticket
    if not parsed.sender_email:
        return None
    # The sender's tickets: theirs, or, for an address merged into another customer, that customer's.
    sender = Customer.objects.with_email(parsed.sender_email).first()
    theirs = Ticket.objects.filter(customer_id=sender.kept_id) if sender else Ticket.objects.none()
    if parsed.references:
        ids = set(
            OutboundEmail.objects.filter(message_id_header__in=parsed.references).values_list("ticket_id", flat=True)
        )
        ids |= set(
            InboundMessage.objects.filter(message_id_header__in=parsed.references, ticket__isnull=False).values_list(
                "ticket_id", flat=True
            )
        )
        ticket = theirs.filter(pk__in=[pk for pk in ids if pk]).order_by("-id").first()
        if ticket is not None:
            return ticket
    pks = [pk for pk in map(Ticket.pk_from_reference, SUBJECT_REFERENCE.findall(parsed.subject)) if pk is not None]
    return theirs.filter(pk__in=pks).order_by("-id").first() if pks else None


def _body_and_files(parsed: Parsed) -> tuple[str, str, list[UploadedFile[bytes]]]:
    """The visible text (quoted history and signature trimmed, ``mail.trimming``), the whole text
    when that was trimmed or cut (else ""), and the attachments the web form would accept; refused
    ones are listed under the visible text, never dropped."""
    trimmed = trim(parsed.text, subject=parsed.subject)
    text = trimmed.visible or NO_TEXT
    files: list[UploadedFile[bytes]] = []
    refused: list[str] = []
    for attachment in _unwrapped(parsed.attachments, refused):
        upload, reason = _checked(attachment, len(files))
        if upload is None:
            refused.append(f"Attachment refused: {safe_filename(attachment.filename)} ({reason})")
        else:
            files.append(upload)
    note = "\n\n" + "\n".join(refused) if refused else ""
    shown = _cut(text, BODY_MAX - len(note))
    full = _cut(trimmed.full, FULL_BODY_MAX) if trimmed.trimmed or shown != text else ""
    return shown + note, full, files


def _unwrapped(attachments: list[Attachment], refused: list[str]) -> list[Attachment]:
    """The attachments with each Outlook winmail.dat replaced by the files inside it (``mail.tnef``)."""
    unwrapped: list[Attachment] = []
    for attachment in attachments:
        inside = tnef.unpack(attachment.content) if tnef.is_tnef(attachment) else [attachment]
        if inside is None:
            name = safe_filename(attachment.filename)
            refused.append(f"Attachment refused: {name} (an Outlook winmail.dat that could not be unpacked)")
        else:
            unwrapped.extend(inside)
    return unwrapped


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 40].rstrip() + "\n\n[Cut here: the full email is kept.]"


def _checked(attachment: Attachment, accepted: int) -> tuple[UploadedFile[bytes] | None, str]:
    """The web form's checks (``check_upload``), with a short reason for the agent when one fails."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if accepted >= settings.ATTACHMENT_MAX_FILES:
        return None, f"more than {settings.ATTACHMENT_MAX_FILES} files"
    if attachment.size > limit:
        return None, f"{filesizeformat(attachment.size)}, over the {filesizeformat(limit)} limit"
    if not attachment.content:
        return None, "empty"
    upload = SimpleUploadedFile(safe_filename(attachment.filename), attachment.content)
    try:
        check_upload(upload)
    except ValidationError:
        return None, "not an allowed type"
    return upload, ""


def _file_bounce(inbound: InboundMessage, report: DeliveryReport) -> None:
    """A delivery report: recorded on the ticket and outbox row it concerns, never a ticket of its own."""
    email, ticket = _bounced(report)
    failures = [DeliveryFailure(address=f.address, permanent=f.permanent, detail=f.detail) for f in report.failures]
    flagged = services.email_bounce_record(ticket=ticket, email=email, failures=failures, at=timezone.now())
    inbound.status, inbound.automatic, inbound.ticket = InboundMessage.Status.BOUNCE, True, ticket
    said = "; ".join(f"{f.address} {'failed' if f.permanent else 'delayed'}: {f.detail}" for f in report.failures)
    about = f"the {email.get_kind_display().lower()} ({email.key})" if email is not None else "its signed address"
    inbound.reason = " ".join(
        [
            f"Delivery report: {said or 'no failed delivery in it'}.",
            f"Attached to {ticket.reference}, found by {about}."
            if ticket
            else "Matched none of our emails: filed only.",
            f"{flagged.email} is now flagged as bouncing." if flagged else "",
        ]
    ).strip()[:2000]


def _bounced(report: DeliveryReport) -> tuple[OutboundEmail | None, Ticket | None]:
    """Which of our emails a report is about, by the returned message: our Message-ID, else our
    signed Reply-To address, else a ticket reference in its subject when the failed address is that
    ticket's customer's (a reference alone is easy to copy)."""
    email = (
        OutboundEmail.objects.filter(message_id_header__in=report.message_ids[:50])
        .select_related("ticket__customer")
        .order_by("-pk")
        .first()
    )
    if email is not None:
        return email, email.ticket
    for address in report.addresses[:50]:
        pk = ticket_pk_from_reply_address(address)
        ticket = Ticket.objects.select_related("customer").filter(pk=pk).first() if pk else None
        if ticket is not None:
            return None, ticket
    failed = {a for f in report.failures for a in (f.address, f.final_address)}
    pattern = re.compile(rf"\b{re.escape(settings.TICKET_REFERENCE_PREFIX)}-\d+\b", re.IGNORECASE)
    for reference in (ref for subject in report.subjects for ref in pattern.findall(subject)):
        pk = Ticket.pk_from_reference(reference)
        ticket = Ticket.objects.select_related("customer").filter(pk=pk).first() if pk else None
        if ticket is not None and ticket.customer.email.lower() in failed:
            return None, ticket
    return None, None


def _address_works(inbound: InboundMessage, parsed: Parsed) -> None:
    """A customer whose address was bouncing wrote in from it: it works again."""
    if inbound.ticket is None or inbound.automatic:
        return
    customer = inbound.ticket.customer
    if customer.email_bouncing_since is not None and customer.email.lower() == parsed.sender_email:
        services.customer_bounce_clear(customer=customer, ticket=inbound.ticket, by_customer=True, at=timezone.now())


@dataclass(frozen=True)
class Retried:
    inbound: InboundMessage
    was_quarantined: bool

    @property
    def summary(self) -> str:
        """'Filed as HD-1042', 'Still quarantined: <reason>': what the admin is told."""
        inbound = self.inbound
        reference = inbound.ticket.reference if inbound.ticket else ""
        if not self.was_quarantined:
            return f"Already filed ({inbound.get_status_display().lower()} {reference}).".replace(" )", ")")
        if inbound.status == InboundMessage.Status.QUARANTINED:
            return f"Still quarantined: {inbound.reason}"
        if inbound.status == InboundMessage.Status.REPLY:
            return f"Added to {reference}"
        if inbound.status == InboundMessage.Status.BOUNCE:
            return f"Filed as a bounce on {reference}" if reference else "Filed as a bounce (matched no ticket)"
        return f"Filed as {reference}"


def inbound_retry(*, inbound: InboundMessage) -> Retried:
    """File a quarantined message again from its stored raw bytes, through the same routing as
    when it arrived (the admin's "Retry filing", once the cause is fixed).

    The row is locked and re-read first: a message that is no longer quarantined (filed by an
    earlier retry, even one running at the same moment) is left alone, so retrying twice never
    opens two tickets.
    """
    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update(of=("self",)).select_related("mailbox").get(pk=inbound.pk)
        if locked.status != InboundMessage.Status.QUARANTINED:
            return Retried(inbound=locked, was_quarantined=False)
        raw = locked.raw
        parsed, unreadable = _parse(raw, locked.mailbox)
        if unreadable:
            locked.reason = unreadable[:2000]
        else:
            _file(locked, locked.mailbox, parsed, raw)
        locked.save()
    logger.info("Retried quarantined email %s: %s", locked.pk, locked.status)
    return Retried(inbound=locked, was_quarantined=True)


def inbound_token_rotate(*, mailbox: Mailbox) -> str:
    """Give ``mailbox`` a new token for the inbound endpoint (the old one stops working) and
    return it: only its SHA-256 is stored, so this is the one time anyone sees it."""
    token, digest = new_token()
    mailbox.inbound_token_hash = digest
    mailbox.save(update_fields=["inbound_token_hash"])
    return token
