"""Care on the desk's ticket page: record a goodwill gesture, approve or decline one (the queue's
team lead), record a complaint's resolution, mark a customer's message as praise. Each is a POST
on /desk/t/<reference>/...; each looks the ticket up in the agent's queues (404 otherwise), calls
one service, says what happened and stays on the ticket, or shows the page again with the form's
errors beside its fields."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from desk.access import AgentRequest, agent_required
from desk.forms_care import GestureForm, ResolutionForm
from desk.views.tickets import ticket_page
from helpdesk.lib.forms import add_service_errors
from tickets import selectors
from tickets.models import Gesture, RootCause, Ticket
from tickets.services import gestures, praise, resolutions


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("desk:ticket", reference=ticket.reference)


@require_POST
@agent_required
def gesture_record(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    form = GestureForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            gesture = gestures.gesture_record(
                ticket=ticket,
                agent=request.user,
                type=data["type"],
                amount=data["amount"],
                currency=data["currency"],
                details=data["details"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if gesture.status == Gesture.Status.AWAITING:
                who = "the team lead" if gestures.deciding_lead(ticket) else "an admin"
                messages.success(
                    request, f"Recorded. It's above your limit, so {who} must approve it before you promise it."
                )
            else:
                messages.success(request, "Recorded: you can promise it to the customer.")
            return _back(ticket)
    return ticket_page(request, ticket, status=400, gesture_form=form)


@require_POST
@agent_required
def gesture_decide(request: AgentRequest, reference: str, gesture_id: int) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    approve = request.POST.get("decision") == "approve"
    try:
        gestures.gesture_decide(gesture_id=gesture_id, ticket=ticket, lead=request.user, approve=approve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Approved: it can be promised now." if approve else "Declined.")
    return _back(ticket)


@require_POST
@agent_required
def resolution_record(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    form = ResolutionForm(request.POST, causes=list(RootCause.objects.filter(active=True)))
    if form.is_valid():
        try:
            resolutions.resolution_record(
                ticket=ticket,
                agent=request.user,
                note=form.cleaned_data["note"],
                root_cause_id=form.cleaned_data["root_cause"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Resolution recorded: the complaint can be solved now.")
            return _back(ticket)
    return ticket_page(request, ticket, status=400, resolution_form=form)


@require_POST
@agent_required
def praise_mark(request: AgentRequest, reference: str, message_id: int) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    try:
        marked = praise.praise_mark(ticket=ticket, message_id=message_id, marked_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = marked.agent.get_full_name() or marked.agent.get_username()
        messages.success(request, f"Marked as praise for {name}.")
    return _back(ticket)
