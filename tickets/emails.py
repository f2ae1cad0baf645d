"""Build the email for an outbox row from its templates (subject, text and HTML)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from tickets.links import link_url
from tickets.models import OutboundEmail, Ticket
from tickets.models.ticket import CUSTOMER_STATUS_LABELS

TEMPLATES = {
    OutboundEmail.Kind.ACKNOWLEDGEMENT: "emails/ticket_ack",
    OutboundEmail.Kind.AGENT_REPLY: "emails/agent_reply",
    OutboundEmail.Kind.TICKET_LINKS: "emails/ticket_links",
}


def _context(email: OutboundEmail) -> dict[str, Any]:
    context: dict[str, Any] = {
        "customer": email.customer,
        "desk_name": settings.HELPDESK_NAME,
        "site_url": settings.SITE_URL,
    }
    if email.ticket is not None:
        context["ticket"] = email.ticket
        context["ticket_link"] = link_url(email.ticket)
        context["status_label"] = CUSTOMER_STATUS_LABELS[email.ticket.status]
    if email.message is not None:
        context["message"] = email.message
        context["attachments"] = list(email.message.attachments.all())
    if email.kind == OutboundEmail.Kind.TICKET_LINKS:
        ids = email.context.get("ticket_ids", [])
        tickets = Ticket.objects.filter(pk__in=ids, customer=email.customer).order_by("id")
        context["tickets"] = [(t, link_url(t)) for t in tickets]
    return context


def _headers(email: OutboundEmail) -> dict[str, str]:
    headers = {"Message-ID": email.message_id_header}
    if email.kind == OutboundEmail.Kind.ACKNOWLEDGEMENT:
        # RFC 3834: an automatic answer to the customer's message; autoresponders must not reply.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    elif email.kind == OutboundEmail.Kind.TICKET_LINKS:
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    if email.ticket is not None and email.kind == OutboundEmail.Kind.AGENT_REPLY:
        ack = email.ticket.emails.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).first()
        if ack is not None:
            headers["In-Reply-To"] = ack.message_id_header
            headers["References"] = ack.message_id_header
    return headers


def build_email(email: OutboundEmail) -> EmailMultiAlternatives:
    base = TEMPLATES[OutboundEmail.Kind(email.kind)]
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
    )
    message.attach_alternative(html, "text/html")
    return message
