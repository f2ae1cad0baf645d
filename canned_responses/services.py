"""Every write to canned responses (views, admin, import alike); the courtesy check is a selector."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from canned_responses import placeholders, selectors
from canned_responses.models import (
    BODY_MAX,
    SUGGESTED_NEXT_UPDATE_CHOICES,
    SUGGESTED_STATUS_CHOICES,
    TITLE_MAX,
    CannedResponse,
    CannedResponseUse,
)
from tickets.models import Message, Promise, Queue, Ticket
from tickets.services import CopyChoice, agent_reply_write

SHORTCUT = re.compile(r"/[a-z0-9][a-z0-9_-]{0,30}")
KINDS = {kind.value for kind in Ticket.Kind}


def shortcut_normalise(value: str) -> str:
    value = value.strip().lower()
    return f"/{value}" if value and not value.startswith("/") else value


def canned_response_clean(
    *,
    title: str,
    body: str,
    shortcut: str,
    kinds: list[str],
    suggested_status: str,
    suggested_next_update: str,
    owner: User | None,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    """Checked and normalised fields, or a ``ValidationError`` keyed by field."""
    errors: dict[str, str] = {}
    title = " ".join(title.split())
    if not title:
        errors["title"] = "Please give the response a short title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Please keep the title under {TITLE_MAX} characters (it has {len(title)})."
    body = body.strip()
    if not body:
        errors["body"] = "Please write the response."
    elif len(body) > BODY_MAX:
        errors["body"] = f"This response is {len(body):,} characters; the limit is {BODY_MAX:,}. Shorten it."
    else:
        try:
            placeholders.validate(body)
        except ValidationError as exc:
            errors["body"] = exc.messages[0]
    shortcut = shortcut_normalise(shortcut)
    if shortcut and not SHORTCUT.fullmatch(shortcut):
        errors["shortcut"] = "A shortcut is “/” then up to 31 lowercase letters, digits, “-” or “_”, e.g. /refund."
    elif shortcut:
        clash = _shortcut_clash(shortcut=shortcut, owner=owner, exclude_pk=exclude_pk)
        if clash:
            errors["shortcut"] = clash
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        errors["kinds"] = f"Unknown ticket kind: {', '.join(unknown)}."
    if suggested_status not in dict(SUGGESTED_STATUS_CHOICES):
        errors["suggested_status"] = "Pick a status from the list."
    if suggested_next_update not in dict(SUGGESTED_NEXT_UPDATE_CHOICES):
        errors["suggested_next_update"] = "Pick a next update from the list."
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "body": body,
        "shortcut": shortcut,
        "kinds": sorted(set(kinds)),
        "suggested_status": suggested_status,
        "suggested_next_update": suggested_next_update,
    }


def _shortcut_clash(*, shortcut: str, owner: User | None, exclude_pk: int | None) -> str:
    same = CannedResponse.objects.filter(shortcut=shortcut)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if owner is None and same.filter(owner__isnull=True).exists():
        return f"{shortcut} is already the shortcut of another shared response."
    if owner is not None and same.filter(owner=owner).exists():
        return f"{shortcut} is already the shortcut of another of your responses."
    if owner is not None and same.filter(owner__isnull=True).exists():
        return f"{shortcut} is already the shortcut of a shared response; pick another."
    return ""


def _check_may_manage(*, actor: User, shared: bool, owner: User | None) -> None:
    if shared and not actor.is_superuser:
        raise PermissionDenied("Only admins manage shared responses.")
    if not shared and owner is not None and owner.pk != actor.pk and not actor.is_superuser:
        raise PermissionDenied("Agents manage only their own responses.")


def canned_response_create(
    *,
    actor: User,
    title: str,
    body: str,
    shared: bool,
    owner: User | None = None,
    shortcut: str = "",
    kinds: list[str] | None = None,
    queues: list[Queue] | None = None,
    is_active: bool = True,
    suggested_status: str = "",
    suggested_next_update: str = "",
) -> CannedResponse:
    """A new response: shared (admins only), the actor's own, or (admins) another agent's."""
    owner = None if shared else (owner or actor)
    _check_may_manage(actor=actor, shared=shared, owner=owner)
    fields = canned_response_clean(
        title=title,
        body=body,
        shortcut=shortcut,
        kinds=kinds or [],
        suggested_status=suggested_status,
        suggested_next_update=suggested_next_update,
        owner=owner,
    )
    with transaction.atomic():
        response = CannedResponse.objects.create(owner=owner, is_active=is_active, **fields)
        response.queues.set(queues or [])
    return response


def canned_response_update(
    *,
    response: CannedResponse,
    actor: User,
    title: str,
    body: str,
    shortcut: str = "",
    kinds: list[str] | None = None,
    queues: list[Queue] | None = None,
    is_active: bool = True,
    suggested_status: str = "",
    suggested_next_update: str = "",
) -> CannedResponse:
    _check_may_manage(actor=actor, shared=response.is_shared, owner=response.owner)
    fields = canned_response_clean(
        title=title,
        body=body,
        shortcut=shortcut,
        kinds=kinds or [],
        suggested_status=suggested_status,
        suggested_next_update=suggested_next_update,
        owner=response.owner,
        exclude_pk=response.pk,
    )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(response, name, value)
        response.is_active = is_active
        response.save()
        response.queues.set(queues or [])
    return response


def canned_response_delete(*, response: CannedResponse, actor: User) -> None:
    _check_may_manage(actor=actor, shared=response.is_shared, owner=response.owner)
    response.delete()


def canned_response_use_record(
    *, response: CannedResponse, agent: User, ticket: Ticket, at: datetime
) -> CannedResponseUse:
    """A reply made from this response was sent: count it (mere insertion doesn't count)."""
    with transaction.atomic():
        CannedResponse.objects.filter(pk=response.pk).update(usage_count=F("usage_count") + 1, last_used_at=at)
        return CannedResponseUse.objects.create(response=response, agent=agent, ticket=ticket, used_at=at)


@dataclass(frozen=True)
class ReplyPosted:
    message: Message
    promise: Promise | None  # the ticket's pending promise after the reply (None: none pending)
    canned_use: CannedResponseUse | None


def canned_reply_post(
    *,
    ticket: Ticket,
    agent: User,
    body: str,
    internal: bool = False,
    status_after: str | None = None,
    files: list[UploadedFile[bytes]] | None = None,
    next_due_at: datetime | None = None,
    canned_id: int | None = None,
    copies: CopyChoice | None = None,
    seen_event_id: int | None = None,
) -> ReplyPosted:
    """The desk's "Send": ``agent_reply_post`` and, in the same transaction, one use of the
    canned response the body came from (``canned_id``; ignored if this agent may not use it
    on this ticket). Returns the new pending promise, so the page can say what was promised.
    Raises ``ConversationChanged`` (nothing written) when the ticket changed since ``seen_event_id``."""

    def reply() -> ReplyPosted:
        replied = agent_reply_write(
            ticket=ticket,
            agent=agent,
            body=body,
            internal=internal,
            status_after=status_after,
            files=files,
            next_due_at=next_due_at,
            copies=copies,
            seen_event_id=seen_event_id,
        )
        return ReplyPosted(message=replied.message, promise=replied.promise, canned_use=None)

    if not canned_id:  # nothing else to write: the reply's own transaction is the whole of it
        return reply()
    with transaction.atomic():
        posted = reply()
        try:
            response = selectors.canned_get_for_ticket(user=agent, ticket=ticket, pk=canned_id)
        except Http404:
            response = None
        if response is None:
            return posted
        use = canned_response_use_record(response=response, agent=agent, ticket=ticket, at=timezone.now())
    return ReplyPosted(message=posted.message, promise=posted.promise, canned_use=use)
