"""A customer in the desk (/desk/customers/<id>/): their tickets in the agent's queues, their name,
and merging another record of the same person into them.

An agent who shares no queue with any of the customer's tickets gets a 404, as for an unknown
customer. A merged address's page is the customer it was merged into.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from desk.access import PAGE_SIZE, AgentRequest, agent_required
from desk.customer_forms import CustomerMergeForm, CustomerNameForm
from helpdesk.lib.forms import add_service_errors
from helpdesk.lib.pagination import CappedPaginator
from tickets.customers import (
    customer_aliases,
    customer_facts,
    customer_for_email,
    customer_get_for_agent,
    customer_tickets_for_agent,
)
from tickets.models import Customer
from tickets.services.customers import customer_merge, customer_rename


def customer_page(request: AgentRequest, customer: Customer, *, status: int = 200, **forms: Any) -> HttpResponse:
    tickets = customer_tickets_for_agent(user=request.user, customer=customer)
    page = CappedPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "facts": customer_facts(user=request.user, customer=customer, listed=0),  # the page lists them all
        "aliases": customer_aliases(customer),
        "page": page,
        "now": timezone.now(),
        "name_form": forms.get("name_form") or CustomerNameForm(initial={"name": customer.name}),
        "merge_form": forms.get("merge_form") or CustomerMergeForm(),
    }
    return render(request, "desk/customer.html", context, status=status)


@require_GET
@agent_required
def customer_detail(request: AgentRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_agent(user=request.user, customer_id=customer_id)
    if customer.pk != customer_id:
        return redirect("desk:customer", customer_id=customer.pk)
    return customer_page(request, customer)


@require_POST
@agent_required
def customer_name(request: AgentRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_agent(user=request.user, customer_id=customer_id)
    form = CustomerNameForm(request.POST)
    if form.is_valid():
        try:
            changed = customer_rename(customer=customer, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = f"Name changed to {form.cleaned_data['name'].strip()}." if changed else "Nothing to change."
            messages.success(request, text)
            return redirect("desk:customer", customer_id=customer.pk)
    return customer_page(request, customer, status=400, name_form=form)


@require_POST
@agent_required
def customer_merge_view(request: AgentRequest, customer_id: int) -> HttpResponse:
    """Two steps: the address typed, then "Merge" on a page saying what will happen."""
    customer = customer_get_for_agent(user=request.user, customer_id=customer_id)
    form = CustomerMergeForm(request.POST)
    if not form.is_valid():
        return customer_page(request, customer, status=400, merge_form=form)
    other = customer_for_email(user=request.user, email=form.cleaned_data["email"])
    if other is None:
        form.add_error("email", "No customer with that address has tickets in your queues.")
        return customer_page(request, customer, status=400, merge_form=form)
    if other.pk == customer.pk:
        form.add_error("email", f"That address is already {customer.name}'s.")
        return customer_page(request, customer, status=400, merge_form=form)
    if not form.cleaned_data["confirm"]:
        context = {
            "customer": customer,
            "other": other,
            "facts": customer_facts(user=request.user, customer=customer, listed=0),
            "other_facts": customer_facts(user=request.user, customer=other, listed=0),
            "form": CustomerMergeForm(initial={"email": other.email, "confirm": True}),
        }
        return render(request, "desk/customer_merge.html", context)
    try:
        moved = customer_merge(source=other, target=customer, agent=request.user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return customer_page(request, customer, status=400, merge_form=form)
    messages.success(
        request,
        f"Merged: {moved} ticket{'s' if moved != 1 else ''} moved from {other.email}, "
        f"now {customer.name}'s second address.",
    )
    return redirect("desk:customer", customer_id=customer.pk)
