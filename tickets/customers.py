"""Reads about customers for the desk: the ticket page's customer panel and the customer page.

An agent sees a customer through their tickets: only tickets in the agent's queues are counted or
listed, and a customer none of whose tickets the agent may see is unknown to them (404), exactly
like a ticket outside their queues.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import User
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from tickets.models import Customer, Ticket

PANEL_TICKETS = 5
CLOSED = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


def customer_get_for_agent(*, user: User, customer_id: int) -> Customer:
    """The customer (the one it was merged into, for a merged address) if ``user`` may see one of
    their tickets; Http404 for an unknown customer and a forbidden one alike."""
    found = Customer.objects.filter(pk=customer_id).select_related("merged_into").first()
    if found is None:
        raise Http404("No such customer")
    customer = found.merged_into or found
    if not Ticket.objects.visible_to(user).filter(customer=customer).exists():
        raise Http404("No such customer")
    return customer


def customer_for_email(*, user: User, email: str) -> Customer | None:
    """The customer an address belongs to (their own or a merged one), if ``user`` may see one of their tickets."""
    found = Customer.objects.with_email(email).select_related("merged_into").first()
    if found is None:
        return None
    customer = found.merged_into or found
    return customer if Ticket.objects.visible_to(user).filter(customer=customer).exists() else None


def customer_tickets_for_agent(*, user: User, customer: Customer) -> QuerySet[Ticket]:
    """The customer's tickets in ``user``'s queues: open ones first, then the newest."""
    closed = Case(When(status__in=CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        Ticket.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("queue", "assignee")
        .annotate(is_closed=closed)
        .order_by("is_closed", "-created_at", "-pk")
    )


def customer_has_other_addresses(customer: Customer) -> bool:
    return customer.aliases.exists()


def customer_aliases(customer: Customer) -> list[str]:
    """The addresses merged into this customer."""
    return list(customer.aliases.order_by("email").values_list("email", flat=True))


@dataclass(frozen=True)
class CustomerFacts:
    customer: Customer
    total: int  # tickets in the agent's queues
    open: int
    others: list[Ticket]  # a few of them (not the one in view), open first
    excluded: bool = False  # the ticket in view counts in ``total`` but is not in ``others``

    @property
    def zone(self) -> ZoneInfo | None:
        try:
            return ZoneInfo(self.customer.timezone) if self.customer.timezone else None
        except (ZoneInfoNotFoundError, ValueError):
            return None

    @property
    def local_time(self) -> str:
        """The day and time where the customer is ("Tue 14:05"); empty when their zone isn't known."""
        return f"{timezone.now().astimezone(self.zone):%a %H:%M}" if self.zone else ""

    @property
    def more(self) -> int:
        """Tickets not listed in ``others``."""
        return max(self.total - len(self.others) - (1 if self.excluded else 0), 0)


def customer_facts(
    *, user: User, customer: Customer, ticket: Ticket | None = None, listed: int = PANEL_TICKETS
) -> CustomerFacts:
    """Counts of the customer's tickets in ``user``'s queues, and the first ``listed`` of them (two
    queries; one when ``listed`` is 0). ``ticket``: the one in view, left out of the list."""
    tickets = customer_tickets_for_agent(user=user, customer=customer)
    counts = tickets.order_by().aggregate(total=Count("pk"), open=Count("pk", filter=~Q(status__in=CLOSED)))
    others = tickets.exclude(pk=ticket.pk) if ticket is not None else tickets
    return CustomerFacts(
        customer=customer,
        total=counts["total"],
        open=counts["open"],
        others=list(others[:listed]) if listed else [],
        excluded=ticket is not None,
    )
