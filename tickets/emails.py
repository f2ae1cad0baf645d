"""Build the email for an outbox row from its templates (subject, text and HTML)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from knowledgebase.selectors import articles_for_ack
from tickets.emails_digest import DIGEST_TEMPLATE, digest_context, is_digest
from tickets.links import link_token, link_url
from tickets.models import Gesture, Notice, OutboundEmail, Ticket
from tickets.models.agent import profile_of
from tickets.models.ticket import CUSTOMER_STATUS_LABELS
from tickets.promise_text import customer_promise_text, intake_sentence
from tickets.reply_address import reply_address
from tickets.selectors import promise_pending
from tickets.selectors_triage import ticket_followed_by
from tickets.time_text import full_moment, relative

TEMPLATES = {
    OutboundEmail.Kind.ACKNOWLEDGEMENT: "emails/ticket_ack",
    OutboundEmail.Kind.AGENT_REPLY: "emails/agent_reply",
    OutboundEmail.Kind.REPLY_COPY: "emails/reply_copy",
    OutboundEmail.Kind.TICKET_LINKS: "emails/ticket_links",
    OutboundEmail.Kind.NEW_LINK: "emails/link_new",
    OutboundEmail.Kind.NOTICE: "emails/promise_notice",
    OutboundEmail.Kind.MERGED: "emails/ticket_merged",
    OutboundEmail.Kind.STATUS: "emails/ticket_status",
    OutboundEmail.Kind.CHECK_IN: "emails/check_in",
}
# Emails of an app above this one (the satisfaction survey): its template and the context it adds,
# registered by that app at start-up (``register_email``), so this module never imports it.
ContextBuilder = Callable[[OutboundEmail], dict[str, Any]]
EXTRA_CONTEXT: dict[str, ContextBuilder] = {}


def register_email(kind: str, template: str, context: ContextBuilder) -> None:
    TEMPLATES[OutboundEmail.Kind(kind)] = template
    EXTRA_CONTEXT[kind] = context


def _solved_links(ticket: Ticket) -> dict[str, str]:
    """A solved ticket's email asks "Did this solve it?": two links to confirmation pages on the
    private page (a GET only shows the question; the page's button does it)."""
    kwargs = {"reference": ticket.reference, "token": link_token(ticket)}
    return {
        "solved_yes_url": settings.SITE_URL + reverse("portal:solved_yes", kwargs=kwargs),
        "solved_no_url": settings.SITE_URL + reverse("portal:solved_no", kwargs=kwargs),
    }


def _notice_reason(notice: Notice, ticket: Ticket) -> str:
    if notice.user_id == ticket.assignee_id:
        return "you are assigned to this ticket"
    if notice.kind == Notice.Kind.CUSTOMER_REPLY and ticket_followed_by(ticket, notice.user_id):
        return "you follow this ticket"
    if notice.user_id == ticket.queue.team_lead_id and notice.kind == Notice.Kind.BREACH:
        return f"you lead the {ticket.queue.name} queue"
    return f"you work the {ticket.queue.name} queue and the ticket has no active assignee"


def _reply_notice_context(notice: Notice) -> dict[str, Any]:
    """An agent's "customer replied" notice: the ticket and the reply's opening, never the customer's link."""
    ticket = notice.ticket
    return {
        "desk_name": settings.HELPDESK_NAME,
        "site_url": settings.SITE_URL,
        "notice": notice,
        "ticket": ticket,
        "customer": ticket.customer,
        "message": notice.message,
        "ticket_url": settings.SITE_URL + reverse("desk:ticket", kwargs={"reference": ticket.reference}),
        "notices_url": settings.SITE_URL + reverse("desk:notices"),
        "reason": _notice_reason(notice, ticket),
    }


def _mention_notice_context(notice: Notice) -> dict[str, Any]:
    """An agent @mentioned in an internal note: who, the note's opening and the ticket."""
    context = _reply_notice_context(notice)
    author = notice.message.author_name if notice.message is not None else "An agent"
    context.update(author=author, reason=f"{author} mentioned you in an internal note")
    if notice.message_id is not None:  # straight to the note on the ticket page
        context["ticket_url"] += f"?message={notice.message_id}#message-{notice.message_id}"
    return context


def _approval_notice_context(notice: Notice) -> dict[str, Any]:
    """A lead asked to approve goodwill on a complaint: what waits (as it stands when the email is
    built: a gesture decided in the meantime is no longer listed) and the ticket's Goodwill card."""
    context = _reply_notice_context(notice)
    awaiting = Gesture.objects.filter(ticket=notice.ticket, status=Gesture.Status.AWAITING)
    context["gestures"] = list(awaiting.select_related("requested_by").order_by("requested_at", "pk"))
    queue = notice.ticket.queue
    if notice.user_id != queue.team_lead_id:  # the admins, asked when the queue has no lead
        context["reason"] = f"you are an admin and the {queue.name} queue has no team lead to approve it"
    else:
        context["reason"] = f"you lead the {queue.name} queue"
    context["ticket_url"] += "#goodwill-heading"
    return context


def _reader_zone(notice: Notice) -> ZoneInfo:
    """The notified agent's own zone (set on /desk/me/), else the desk's."""
    profile = profile_of(notice.user) if notice.user is not None else None
    return profile.zone if profile is not None else ZoneInfo(settings.TIME_ZONE)


def _notice_context(email: OutboundEmail, now: datetime) -> dict[str, Any]:
    """An agent's reminder or breach notice: the ticket and its promise, never the customer's link."""
    notice = email.notice
    if notice is None:
        raise ValueError(f"Notice email {email.key} has no notice")
    if notice.kind == Notice.Kind.CUSTOMER_REPLY:
        return _reply_notice_context(notice)
    if notice.kind == Notice.Kind.MENTION:
        return _mention_notice_context(notice)
    if notice.kind == Notice.Kind.BAD_RATING:
        context = _reply_notice_context(notice)
        context["reason"] = f"you lead the {notice.ticket.queue.name} queue"
        return context
    if notice.kind == Notice.Kind.APPROVAL:
        return _approval_notice_context(notice)
    ticket, promise = notice.ticket, notice.promise
    if promise is None:
        raise ValueError(f"Notice email {email.key} has no promise")
    due_at = promise.due_at or promise.settled_at or notice.created_at
    due_relative = relative(due_at, now)  # "in 30 min", "overdue 2 min"
    breach = notice.kind == Notice.Kind.BREACH
    if breach:
        headline = "Promise broken"
    elif due_at > now:
        headline = f"Due {due_relative}"  # "Due in 30 min"
    else:  # a reminder sent late (the outbox retried it): say how it stands now
        headline = due_relative.capitalize()  # "Overdue 3 min"
    return {
        "desk_name": settings.HELPDESK_NAME,
        "site_url": settings.SITE_URL,
        "notice": notice,
        "promise": promise,
        "ticket": ticket,
        "customer": ticket.customer,
        "headline": headline,
        "is_breach": breach,
        "overdue": due_at <= now,
        "due_label": full_moment(due_at, _reader_zone(notice)),
        "due_relative": due_relative,
        "ticket_url": settings.SITE_URL + reverse("desk:ticket", kwargs={"reference": ticket.reference}),
        "notices_url": settings.SITE_URL + reverse("desk:notices"),
        "reason": _notice_reason(notice, ticket),
    }


def _promise_context(email: OutboundEmail, now: datetime) -> dict[str, Any]:
    """When the customer will hear from us next, in their own time zone (or that the clock waits for them).

    The words come from ``tickets.promise_text``, as on the customer's page and the success page."""
    ticket = email.ticket
    if ticket is None:
        return {}
    promise = promise_pending(ticket)
    due, waits = customer_promise_text(ticket, promise, now)
    context: dict[str, Any] = {"busy": bool(email.context.get("busy")), "promise_due": due, "promise_waits": waits}
    if due and email.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT:
        context["promise_sentence"] = intake_sentence(due, busy=context["busy"])
    return context


def complaint_owner(ticket: Ticket) -> str:
    """Who answers a complaint, for the acknowledgement: "Priya from the Billing team" (the
    assignee's first name, or the queue lead's), else "our Billing team"."""
    person = ticket.assignee or ticket.queue.team_lead
    first = (person.first_name or person.get_full_name()).strip() if person is not None else ""
    team = ticket.queue.name.strip()
    team = team if team.lower().endswith("team") else f"{team} team"
    return f"{first} from the {team}" if first else f"our {team}"


def _kb_articles(subject: str) -> list[tuple[str, str]]:
    """The best three public help articles for an info request's subject: (title, absolute link)."""
    return [
        (article.title, settings.SITE_URL + reverse("kb:article", kwargs={"slug": article.slug}))
        for article in articles_for_ack(subject, limit=3)
    ]


def _context(email: OutboundEmail) -> dict[str, Any]:
    if is_digest(email):
        return digest_context(email, timezone.now(), _reader_zone)
    if email.kind == OutboundEmail.Kind.NOTICE:
        return _notice_context(email, timezone.now())
    context: dict[str, Any] = {
        "customer": email.customer,
        "desk_name": settings.HELPDESK_NAME,
        "site_url": settings.SITE_URL,
    }
    if email.ticket is not None and email.kind == OutboundEmail.Kind.REPLY_COPY:
        # Someone the customer copied: the reply, never the private link (tickets.services.copies).
        context["ticket"] = email.ticket
        context["customer"] = email.ticket.customer
    elif email.ticket is not None:
        context["ticket"] = email.ticket
        context["ticket_link"] = link_url(email.ticket)
        context["status_label"] = CUSTOMER_STATUS_LABELS[email.ticket.status]
        context.update(_promise_context(email, timezone.now()))
        if email.ticket.status == Ticket.Status.RESOLVED and email.kind in SOLVED_ASKS:
            context.update(_solved_links(email.ticket))
        if email.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT and email.ticket.kind == Ticket.Kind.INFO:
            context["articles"] = _kb_articles(email.ticket.subject)
        if email.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT and email.ticket.is_complaint:
            context["complaint_owner"] = complaint_owner(email.ticket)
    if email.message is not None:
        context["message"] = email.message
        context["attachments"] = list(email.message.attachments.all())
    if email.message is not None and email.kind == OutboundEmail.Kind.AGENT_REPLY:
        copies = OutboundEmail.objects.filter(message=email.message, kind=OutboundEmail.Kind.REPLY_COPY)
        context["copied_to"] = list(copies.order_by("id").values_list("to_email", flat=True))
    if email.kind == OutboundEmail.Kind.MERGED:
        context["merged_reference"] = email.context.get("merged_reference", "")
        context["merged_subject"] = email.context.get("merged_subject", "")
    if email.kind == OutboundEmail.Kind.CHECK_IN:
        context["check_in_text"] = email.context.get("text", "")
    if email.kind == OutboundEmail.Kind.TICKET_LINKS:
        ids = email.context.get("ticket_ids", [])
        tickets = Ticket.objects.filter(pk__in=ids, customer=email.customer).order_by("id")
        context["tickets"] = [(t, link_url(t)) for t in tickets]
    if email.kind in EXTRA_CONTEXT:
        context.update(EXTRA_CONTEXT[email.kind](email))
    return context


# The emails that tell the customer their request is solved (an agent's reply that solves it, or a
# status email) ask whether it is: "Yes, this solved it" / "No, I still need help".
SOLVED_ASKS = (OutboundEmail.Kind.AGENT_REPLY, OutboundEmail.Kind.STATUS)


def _headers(email: OutboundEmail) -> dict[str, str]:
    headers = {"Message-ID": email.message_id_header}
    if email.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT:
        # RFC 3834: an automatic answer to the customer's message; autoresponders must not reply.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    elif email.kind in (
        OutboundEmail.Kind.TICKET_LINKS,
        OutboundEmail.Kind.NEW_LINK,
        OutboundEmail.Kind.NOTICE,
        OutboundEmail.Kind.STATUS,
        OutboundEmail.Kind.CHECK_IN,  # an answer is welcome, but not from an autoresponder
        OutboundEmail.Kind.SURVEY,
    ):
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    if email.ticket is not None and email.kind == OutboundEmail.Kind.AGENT_REPLY:
        ack = email.ticket.emails.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).first()
        if ack is not None:
            headers["In-Reply-To"] = ack.message_id_header
            headers["References"] = ack.message_id_header
    return headers


def _reply_to(email: OutboundEmail) -> list[str]:
    """A customer's email about a ticket answers to that ticket's signed address (mail intake threads it)."""
    if email.ticket is None or email.kind == OutboundEmail.Kind.NOTICE:
        return []
    return [reply_address(email.ticket)]


NOTICE_TEMPLATES = {
    Notice.Kind.CUSTOMER_REPLY: "emails/customer_replied",
    Notice.Kind.MENTION: "emails/mention",
    Notice.Kind.BAD_RATING: "emails/bad_rating",
    Notice.Kind.APPROVAL: "emails/gesture_approval",
}


def _template(email: OutboundEmail) -> str:
    if is_digest(email):
        return DIGEST_TEMPLATE
    if email.notice is not None and email.notice.kind in NOTICE_TEMPLATES:
        return NOTICE_TEMPLATES[Notice.Kind(email.notice.kind)]
    return TEMPLATES[OutboundEmail.Kind(email.kind)]


def build_email(email: OutboundEmail) -> EmailMultiAlternatives:
    base = _template(email)
    context = _context(email)
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        headers=_headers(email),
        reply_to=_reply_to(email),
    )
    message.attach_alternative(html, "text/html")
    return message
