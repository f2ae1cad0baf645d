"""A bad rating's follow-up on the desk: the ticket page's "Mark followed up" (a POST)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from desk.access import AgentRequest, agent_required
from satisfaction import selectors as csat
from satisfaction.services.surveys import follow_up_done
from tickets import selectors


@require_POST
@agent_required
def follow_up_mark_done(request: AgentRequest, reference: str, survey_id: int) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    survey = csat.survey_of_ticket(ticket=ticket, survey_id=survey_id)
    if survey is None:
        raise Http404
    done = follow_up_done(survey=survey, agent_id=request.user.pk)
    messages.success(request, "Follow-up marked done." if done else "That follow-up was already done.")
    return redirect("desk:ticket", reference=ticket.reference)
