"""Ratings on the desk's ticket page: a bad rating's "Mark followed up", and "Mark as praise" on a
rating's comment (each a POST)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from desk.access import AgentRequest, agent_required
from satisfaction import selectors as csat
from satisfaction.services.surveys import comment_praise_mark, follow_up_done
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


@require_POST
@agent_required
def comment_praise(request: AgentRequest, reference: str, survey_id: int) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    survey = csat.survey_of_ticket(ticket=ticket, survey_id=survey_id)
    if survey is None:
        raise Http404
    try:
        survey = comment_praise_mark(survey=survey, marked_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        credited = survey.praise.agent if survey.praise is not None else None
        messages.success(request, f"Marked as praise for {credited.get_full_name() if credited else 'the agent'}.")
    return redirect("desk:ticket", reference=ticket.reference)

