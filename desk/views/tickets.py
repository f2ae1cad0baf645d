"""The agent workspace (/desk/). Every change is a POST; every lookup is scoped to the agent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timezone import get_current_timezone as tz
from django.views.decorators.http import require_GET, require_POST

from canned_responses.services import courtesy_flags
from desk.access import AgentRequest, agent_required
from desk.composer import composer_apply, composer_choices_set, composer_use_record
from desk.forms import AgentReplyForm, QueueFilterForm, TicketUpdateForm
from helpdesk.lib.forms import add_service_errors
from helpdesk.lib.pagination import CappedPaginator
from tickets import selectors, services
from tickets.downloads import attachment_response
from tickets.models import Ticket
from tickets.promise_text import agent_waiting_note, pauses_when_waiting, zone_label
from tickets.services.promises import policy_for

PAGE_SIZE = 25


@require_GET
@agent_required
def queue(request: AgentRequest) -> HttpResponse:
    queues = selectors.queues_for_agent(request.user)
    agents = selectors.agents_for_queues(queues)
    form = QueueFilterForm(request.GET or None, queues=queues, agents=agents)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.QueueFilters(
        status=data.get("status") or "active",
        kind=data.get("kind") or "",
        queue_id=data.get("queue"),
        assignee=data.get("assignee") or "",
        sort=data.get("sort") or "due",
        search=(data.get("q") or "").strip(),
        due=data.get("due") or "",
    )
    tickets = selectors.ticket_list_for_agent(user=request.user, filters=filters)
    page = CappedPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filters": filters,
        "now": timezone.now(),
        "soon": timezone.now() + timedelta(hours=1),
    }
    return render(request, "desk/queue.html", context)


def _ticket_context(request: AgentRequest, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    agents = selectors.agents_for_ticket(ticket)
    update_form = forms.get("update_form") or TicketUpdateForm(
        agents=agents,
        initial={"status": ticket.status, "priority": ticket.priority, "assignee": ticket.assignee_id},
    )
    promise = selectors.promise_pending(ticket)
    reply_form = forms.get("reply_form") or AgentReplyForm()
    composer_choices_set(form=reply_form, user=request.user, ticket=ticket)  # one query
    policy = policy_for(ticket, with_calendar=False)
    status_after = reply_form["status_after"].value() or ticket.status  # "Keep the current status"
    return {
        "ticket": ticket,
        "promise": promise,
        # What "Waiting on customer" will do to the promise, shown before sending (static/js/promise-pick.js).
        "waiting_pauses": pauses_when_waiting(policy),
        "waiting_note": agent_waiting_note(customer_first_name=ticket.customer.first_name, policy=policy),
        "waiting_chosen": status_after == Ticket.Status.WAITING,
        "promise_stats": selectors.promise_stats_for_ticket(ticket),
        "now": timezone.now(),
        "timeline": selectors.ticket_timeline_for_agent(ticket),
        "reply_form": reply_form,
        "update_form": update_form,
    }


@require_GET
@agent_required
def ticket_detail(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    return render(request, "desk/ticket.html", _ticket_context(request, ticket))


def _courtesy_prompt(
    request: AgentRequest, ticket: Ticket, form: AgentReplyForm, *, internal: bool
) -> HttpResponse | None:
    """Blunt phrases in a public reply to a complaint: the page again, gently asking; nothing sent.

    "Send anyway" resubmits the same form with ``confirm_courtesy`` set.
    """
    if form.cleaned_data["confirm_courtesy"]:
        return None
    flagged = courtesy_flags(ticket=ticket, body=form.cleaned_data["body"], internal=internal)
    if not flagged:
        return None
    context = {**_ticket_context(request, ticket, reply_form=form), "courtesy_flags": flagged}
    return render(request, "desk/ticket.html", context)


def _reply_done(ticket: Ticket, *, internal: bool) -> str:
    """'Reply sent to Ada. Next update promised by Tue 14:00 (London time).' in the agent's zone."""
    if internal:
        return "Internal note added."
    done = f"Reply sent to {ticket.customer.name}."
    promise = selectors.promise_pending(ticket)
    if promise is not None and promise.due_at is not None:
        done += f" Next update promised by {promise.due_at.astimezone(tz()):%a %H:%M} ({zone_label(tz())})."
    elif promise is not None and promise.is_paused:
        done += f" The clock waits for {ticket.customer.first_name}'s answer; no update time is promised."
    return done


@require_POST
@agent_required
def ticket_reply(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    if "apply_canned" in request.POST:  # "Insert" a canned response: nothing is sent
        form = composer_apply(request=request, user=request.user, ticket=ticket, form_class=AgentReplyForm)
        return render(request, "desk/ticket.html", _ticket_context(request, ticket, reply_form=form))
    form = AgentReplyForm(request.POST, request.FILES)
    if form.is_valid():
        internal = form.cleaned_data["visibility"] == "note"
        prompt = _courtesy_prompt(request, ticket, form, internal=internal)
        if prompt is not None:
            return prompt
        try:
            next_due_at = None
            if not internal:
                next_due_at = services.agent_due_choice(
                    ticket=ticket,
                    choice=form.cleaned_data["next_update"],
                    custom=form.cleaned_data["next_update_at"],
                    at=timezone.now(),
                )
            services.agent_reply_post(
                ticket=ticket,
                agent=request.user,
                body=form.cleaned_data["body"],
                internal=internal,
                status_after=form.cleaned_data["status_after"] or None,
                files=form.cleaned_data["attachments"],
                next_due_at=next_due_at,
            )
            composer_use_record(canned_id=form.cleaned_data["canned_id"], user=request.user, ticket=ticket)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _reply_done(ticket, internal=internal))
            return redirect("desk:ticket", reference=ticket.reference)
    context = _ticket_context(request, ticket, reply_form=form)
    return render(request, "desk/ticket.html", context, status=400)


@require_POST
@agent_required
def ticket_update(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    form = TicketUpdateForm(request.POST, agents=selectors.agents_for_ticket(ticket))
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.ticket_update(
                ticket=ticket,
                agent=request.user,
                status=data["status"],
                priority=data["priority"],
                assignee_id=data["assignee"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Ticket updated." if changed else "Nothing to change.")
            return redirect("desk:ticket", reference=ticket.reference)
    ticket.refresh_from_db()
    context = _ticket_context(request, ticket, update_form=form)
    return render(request, "desk/ticket.html", context, status=400)


@require_GET
@agent_required
def attachment_download(request: AgentRequest, reference: str, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get_for_agent(user=request.user, reference=reference, attachment_id=attachment_id)
    return attachment_response(attachment)
