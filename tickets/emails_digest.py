"""The notice digest: one email listing an agent's several reminders and breaches from one sweep.

Each notice stays its own row (the bell); the digest only saves the inbox (tickets.services.sweep).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from tickets.models import Notice, OutboundEmail
from tickets.time_text import full_moment, relative

DIGEST_TEMPLATE = "emails/notice_digest"
DIGEST_MAX_LINES = 50  # the rest are counted, and all are on the notices page


def is_digest(email: OutboundEmail) -> bool:
    return email.kind == OutboundEmail.Kind.NOTICE and email.notice_id is None and bool(email.context.get("notices"))


def _line(notice: Notice, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    ticket, promise = notice.ticket, notice.promise
    due_at = (promise.due_at or promise.settled_at) if promise is not None else None
    due_at = due_at or notice.created_at
    breach = notice.kind == Notice.Kind.BREACH
    due_relative = relative(due_at, now)
    headline = "Promise broken" if breach else (f"Due {due_relative}" if due_at > now else due_relative.capitalize())
    return {
        "headline": headline,
        "is_breach": breach,
        "ticket": ticket,
        "customer": ticket.customer,
        "due_label": full_moment(due_at, zone),
        "ticket_url": settings.SITE_URL + reverse("desk:ticket", kwargs={"reference": ticket.reference}),
    }


def digest_context(email: OutboundEmail, now: datetime, reader_zone: Callable[[Notice], ZoneInfo]) -> dict[str, Any]:
    """The digest's notices, breaches first, each with its ticket and how its promise stands now."""
    ids = [int(pk) for pk in email.context.get("notices", [])]
    notices = list(
        Notice.objects.filter(pk__in=ids).select_related("promise", "ticket__customer", "user__agent_profile")
    )
    notices.sort(key=lambda n: (n.kind != Notice.Kind.BREACH, n.pk))
    if not notices:
        raise ValueError(f"Digest email {email.key} has no notices")
    zone = reader_zone(notices[0])
    lines = [_line(notice, now, zone) for notice in notices[:DIGEST_MAX_LINES]]
    breaches = sum(1 for notice in notices if notice.kind == Notice.Kind.BREACH)
    return {
        "desk_name": settings.HELPDESK_NAME,
        "site_url": settings.SITE_URL,
        "lines": lines,
        "count": len(notices),
        "breaches": breaches,
        "reminders": len(notices) - breaches,
        "more": max(0, len(notices) - DIGEST_MAX_LINES),
        "notices_url": settings.SITE_URL + reverse("desk:notices"),
    }
