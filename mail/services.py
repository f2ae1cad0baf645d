"""Email intake: one raw message for a mailbox joins a ticket or opens one, exactly once.

Matching, in order (a header alone never writes into someone else's ticket):
1. a signed reply address (``tickets.reply_address``) in To, Cc, Delivered-To or X-Original-To:
   the signature proves the writer holds one of that ticket's emails;
2. In-Reply-To/References naming a Message-ID we sent for a ticket (the outbox) or received for
   it, and only when the sender is that ticket's customer: Message-IDs travel in quoted mail and
   are easy to copy, so the sender must match too;
3. anything else opens a new ticket in the mailbox's queue, as the mailbox's kind.

A reply to a closed ticket opens a new ticket, as on the private page. A message written by a
machine (RFC 3834: Auto-Submitted, Precedence bulk/junk/list, X-Autoreply, List-Id, a
mailer-daemon or our own address) is kept but never acknowledged, and on an existing ticket it
does not count as the customer's answer. Every message is stored first (raw, compressed) under a
per-mailbox key; the same message again is a duplicate and does nothing. A message that cannot be
handled (no usable sender, say) stays stored as quarantined with the reason, for the admin.
Any other error while filing it quarantines it too (logged with its traceback). Connection-level
database errors propagate: the caller (an MTA pipe, the IMAP poll) retries, and the key makes the
retry safe.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from mail.models import InboundMessage, Mailbox
from mail.parsing import Attachment, Parsed, fallback_key, parse
from mail.tokens import new_token
from tickets import services
from tickets.attachments import check_upload, safe_filename
from tickets.models import OutboundEmail, Ticket
from tickets.reply_address import support_address, ticket_pk_from_reply_address
from tickets.selectors_triage import ticket_continued_in
from tickets.services.portal import BODY_MAX, NAME_MAX, SUBJECT_MAX

logger = logging.getLogger(__name__)
NO_SUBJECT = "(no subject)"
NO_TEXT = "(This email had no text.)"


@dataclass(frozen=True)
class Ingested:
    inbound: InboundMessage
    duplicate: bool = False


def email_ingest(*, mailbox: Mailbox, raw: bytes) -> Ingested:
    try:
        parsed, unreadable = parse(raw), ""
    except Exception as exc:  # parse() is written not to raise; if a message still finds a way, keep it
        logger.exception("Could not parse an email for mailbox %s", mailbox.name)
        parsed, unreadable = Parsed("", "", "", "", "", [], [], ""), f"Unreadable message: {type(exc).__name__}: {exc}"
    key = parsed.message_id or fallback_key(raw)
    with transaction.atomic():
        inbound, created = InboundMessage.objects.get_or_create(
            mailbox=mailbox,
            dedup_key=key[:255],
            defaults={
                "message_id_header": parsed.message_id,
                "sender": parsed.sender_email[:254],
                "subject": parsed.subject[:300],
                "raw_compressed": zlib.compress(raw),
                "raw_size": len(raw),
                "status": InboundMessage.Status.QUARANTINED,
                "received_at": timezone.now(),
            },
        )
        if not created:
            return Ingested(inbound=inbound, duplicate=True)
        if unreadable:
            inbound.reason = unreadable[:2000]
            inbound.save()
            return Ingested(inbound=inbound)
        try:
            with transaction.atomic():  # a savepoint: a refused message leaves only its stored row
                _route(inbound, mailbox, parsed)
        except ValidationError as exc:
            inbound.status = InboundMessage.Status.QUARANTINED
            inbound.reason = "; ".join(exc.messages)[:2000]
            logger.warning("Quarantined email %s from %s: %s", key, parsed.sender_email, inbound.reason)
        except (OperationalError, InterfaceError):
            raise  # the database itself is failing: nothing is stored, the caller retries
        except Exception as exc:  # a message that trips a bug is kept for the admin, never re-fetched forever
            logger.exception("Quarantined email %s from %s after an error", key, parsed.sender_email)
            inbound.status = InboundMessage.Status.QUARANTINED
            inbound.reason = f"Could not be filed: {type(exc).__name__}: {exc}"[:2000]
        if inbound.status == InboundMessage.Status.QUARANTINED:
            inbound.ticket = inbound.message = None  # whatever _route set was rolled back with its savepoint
        inbound.save()
    return Ingested(inbound=inbound)


def _route(inbound: InboundMessage, mailbox: Mailbox, parsed: Parsed) -> None:
    automatic = parsed.automatic or _from_us(parsed.sender_email, mailbox)
    inbound.automatic = bool(automatic)
    body, files = _body_and_files(parsed)
    ticket = _ticket_for(parsed)
    ticket = ticket_continued_in(ticket) if ticket is not None else None  # a merged duplicate's replies join its target
    if ticket is not None and ticket.status != Ticket.Status.CLOSED:
        message = services.customer_reply_post(ticket=ticket, body=body, files=files, automatic=bool(automatic))
        inbound.status, inbound.ticket, inbound.message = InboundMessage.Status.REPLY, ticket, message
    else:
        submitted = services.ticket_submit(
            name=(parsed.sender_name.strip() or parsed.sender_email.partition("@")[0] or "Customer")[:NAME_MAX],
            email=parsed.sender_email,
            kind=mailbox.default_kind,
            subject=(parsed.subject.strip() or NO_SUBJECT)[:SUBJECT_MAX],
            description=body,
            files=files,
            channel=Ticket.Channel.EMAIL,
            queue=mailbox.queue,
            acknowledge=not automatic,
        )
        inbound.status, inbound.ticket = InboundMessage.Status.NEW_TICKET, submitted.ticket
        inbound.message = submitted.ticket.messages.order_by("id").first()
    if automatic:
        inbound.reason = f"Written by a machine ({automatic}): nothing sent back."


def _from_us(sender: str, mailbox: Mailbox) -> str:
    ours = {support_address(), mailbox.address.lower()}
    local, _, domain = sender.partition("@")
    if sender in ours or f"{local.partition('+')[0]}@{domain}" in ours:
        return f"sent from our own address {sender}"
    return ""


def _ticket_for(parsed: Parsed) -> Ticket | None:
    for address in parsed.recipients:
        pk = ticket_pk_from_reply_address(address)
        if pk is not None:
            ticket = Ticket.objects.filter(pk=pk).first()
            if ticket is not None:
                return ticket
    if not parsed.references or not parsed.sender_email:
        return None
    ids = set(OutboundEmail.objects.filter(message_id_header__in=parsed.references).values_list("ticket_id", flat=True))
    ids |= set(
        InboundMessage.objects.filter(message_id_header__in=parsed.references, ticket__isnull=False).values_list(
            "ticket_id", flat=True
        )
    )
    return (
        Ticket.objects.filter(pk__in=[pk for pk in ids if pk], customer__email__iexact=parsed.sender_email)
        .order_by("-id")
        .first()
    )


def _body_and_files(parsed: Parsed) -> tuple[str, list[UploadedFile[bytes]]]:
    """The visible text, and the attachments the web form would accept; refused ones are listed."""
    text = parsed.text.strip() or NO_TEXT
    files: list[UploadedFile[bytes]] = []
    refused: list[str] = []
    for attachment in parsed.attachments:
        upload, reason = _checked(attachment, len(files))
        if upload is None:
            refused.append(f"Attachment refused: {safe_filename(attachment.filename)} ({reason})")
        else:
            files.append(upload)
    note = "\n\n" + "\n".join(refused) if refused else ""
    if len(text) + len(note) > BODY_MAX:
        text = text[: BODY_MAX - len(note) - 40].rstrip() + "\n\n[Cut here: the full email is kept.]"
    return text + note, files


def _checked(attachment: Attachment, accepted: int) -> tuple[UploadedFile[bytes] | None, str]:
    """The web form's checks (``check_upload``), with a short reason for the agent when one fails."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if accepted >= settings.ATTACHMENT_MAX_FILES:
        return None, f"more than {settings.ATTACHMENT_MAX_FILES} files"
    if len(attachment.content) > limit:
        return None, f"{filesizeformat(len(attachment.content))}, over the {filesizeformat(limit)} limit"
    if not attachment.content:
        return None, "empty"
    upload = SimpleUploadedFile(safe_filename(attachment.filename), attachment.content)
    try:
        check_upload(upload)
    except ValidationError:
        return None, "not an allowed type"
    return upload, ""


def inbound_token_rotate(*, mailbox: Mailbox) -> str:
    """Give ``mailbox`` a new token for the inbound endpoint (the old one stops working) and
    return it: only its SHA-256 is stored, so this is the one time anyone sees it."""
    token, digest = new_token()
    mailbox.inbound_token_hash = digest
    mailbox.save(update_fields=["inbound_token_hash"])
    return token
