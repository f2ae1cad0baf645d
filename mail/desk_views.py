"""The original of an email, for agents: /desk/t/<reference>/email/<message id>/ (and raw/).

The desk's ticket page shows what the customer newly wrote, with the whole text one click away
(``Message.full_body``); this page, linked from there, shows the email as it arrived: its
headers decoded, its whole text, and the raw message to download while it is kept
(``MAIL_RAW_RETENTION_DAYS``). The same rule as the ticket decides who sees it: an agent of the
ticket's queue; anyone else gets 404 (a visitor who is not signed in, the sign-in page).
The text is escaped, never rendered: nothing in an email runs or loads anything here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mail.parsing import display_headers, parse
from mail.selectors import inbound_get_for_agent
from tickets.selectors import desk_agent_for
from tickets.services.portal import FULL_BODY_MAX


@require_GET
@login_required
def original(request: HttpRequest, reference: str, message_id: int) -> HttpResponse:
    inbound = inbound_get_for_agent(user=request.user, reference=reference, message_id=message_id)
    message = inbound.message
    if message is None:  # never: the selector found the inbound message through it
        raise Http404("No such email")
    raw = inbound.raw
    if raw:
        headers, text = display_headers(raw), parse(raw, files_up_to=0).text.strip()
    else:  # cleared under the retention setting: what the ticket kept
        headers, text = [("From", inbound.sender), ("Subject", inbound.subject)], message.full_body or message.body
    context = {
        "ticket": message.ticket,
        "inbound": inbound,
        "headers": headers,
        "text": text[:FULL_BODY_MAX],
        "text_cut": len(text) > FULL_BODY_MAX,
    }
    agent = desk_agent_for(request.user)  # type: ignore[arg-type]  # an agent: the selector found the ticket
    request.desk_agent = agent  # type: ignore[attr-defined]  # the desk's top bar reads it (desk.context)
    with timezone.override(agent.zone):  # times in the agent's zone, as on every desk page
        return render(request, "mail/original.html", context)


@require_GET
@login_required
def original_raw(request: HttpRequest, reference: str, message_id: int) -> HttpResponse:
    inbound = inbound_get_for_agent(user=request.user, reference=reference, message_id=message_id)
    raw = inbound.raw
    if not raw or inbound.message is None:  # cleared under the retention setting: the page says so
        raise Http404("The raw email was cleared")
    response = HttpResponse(raw, content_type="message/rfc822")
    filename = f"{inbound.message.ticket.reference}-email-{inbound.pk}.eml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
