"""The triage cards of the desk's ticket page: their context and forms, for every view that renders
the page (``desk.views.tickets.ticket_page``) and for the triage actions (``desk.views.triage``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from desk.forms_triage import LinkForm, MergeForm, TagsForm, TriageForm
from tickets.models import Ticket
from tickets.selectors_triage import ticket_continued_in, triage_panel_for

FORM_NAMES = ("triage_form", "tags_form", "link_form", "merge_form")


def page_context(*, user: User, ticket: Ticket, forms: dict[str, Any], queue_agents: Iterable[User]) -> dict[str, Any]:
    """The triage panel (six queries) and its forms, fresh where ``forms`` has none.

    ``queue_agents``: the ticket's queue's agents, as the page already loaded them (for "Take it").
    """
    panel = triage_panel_for(user=user, ticket=ticket)
    return {
        "triage": panel,
        # "Take it": unassigned, and the agent works its queue.
        "can_take": ticket.assignee_id is None and any(agent.pk == user.pk for agent in queue_agents),
        "triage_form": forms.get("triage_form")
        or TriageForm(queues=panel.queues, initial={"queue": ticket.queue_id, "kind": ticket.kind}),
        "tags_form": forms.get("tags_form") or TagsForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        "merge_form": forms.get("merge_form") or MergeForm(),
    }


def merged_redirect(request: HttpRequest, ticket: Ticket) -> HttpResponse | None:
    """A merged duplicate's page sends the agent to the ticket it continues in, when they may see
    it; None (show the duplicate, which says where it went) when they may not."""
    target = ticket_continued_in(ticket)
    if target.pk == ticket.pk or not Ticket.objects.visible_to(request.user).filter(pk=target.pk).exists():
        return None
    messages.info(request, f"{ticket.reference} was merged into {target.reference}: its conversation continues here.")
    return redirect("desk:ticket", reference=target.reference)
