"""What agents change about a customer: their name, and merging two records of one person.

Callers pass customers the agent may see (``tickets.customers.customer_get_for_agent``). Both
changes rewrite the search documents of the customer's tickets in the same transaction, so search
finds the new name (and a merged address) at once.

Locks, in this order: the customers' rows (FOR NO KEY UPDATE, by id), then their tickets' rows (by
id). A reply or a note locks its ticket before reading the customer, so a rename and a reply to
one of the customer's tickets wait for each other and the later one's document holds both.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.models import Customer, Ticket, TicketEvent
from tickets.services.common import text_required
from tickets.services.search_index import search_refresh

NAME_MAX = 200


def _locked(*customer_ids: int) -> dict[int, Customer]:
    rows = Customer.objects.select_for_update(no_key=True).filter(pk__in=customer_ids).order_by("pk")
    return {customer.pk: customer for customer in rows}


def _tickets_locked(*customer_ids: int) -> list[tuple[int, int]]:
    """(ticket id, customer id) of the customers' tickets, each row locked."""
    rows = Ticket.objects.select_for_update(no_key=True).filter(customer_id__in=customer_ids).order_by("pk")
    return list(rows.values_list("pk", "customer_id"))


def customer_rename(*, customer: Customer, name: str) -> bool:
    """Change the name the desk knows the customer by (and greets them with in replies)."""
    name = text_required(name, "name", "the customer's name", NAME_MAX)
    with transaction.atomic():
        customer = _locked(customer.pk)[customer.pk]
        tickets = _tickets_locked(customer.pk)
        if customer.name == name:
            return False
        customer.name = name
        customer.save(update_fields=["name"])
        search_refresh(pk for pk, _ in tickets)
    return True


def customer_merge_allowed(*, agent: User, source: Customer, target: Customer) -> bool:
    """May ``agent`` merge ``source`` into ``target``? Admins may; an agent may when they can see one
    of ``target``'s tickets and every one of ``source``'s: merging moves those tickets, and changes
    the address their replies go to, so an agent never moves a ticket of a queue they don't work in."""
    if agent.is_superuser:
        return True
    visible = Ticket.objects.visible_to(agent)
    hidden_source_tickets = Ticket.objects.filter(customer=source).exclude(pk__in=visible.values("pk"))
    return (
        visible.filter(customer=target).exists()
        and visible.filter(customer=source).exists()
        and not hidden_source_tickets.exists()
    )


def customer_merge(*, source: Customer, target: Customer, agent: User) -> int:
    """Merge two records of one person: ``source``'s tickets move to ``target``.

    ``source`` stays, without tickets, as ``target``'s second address: a new request or a "find my
    requests" from it reaches ``target`` (``Customer.merged_into``), and search finds ``target``'s
    tickets by it. Addresses merged into ``source`` earlier move along. Each moved ticket records
    the merge in its history. ``target`` keeps its name and address, takes ``source``'s time zone
    if it had none, and the earlier first-seen date. One transaction; returns how many tickets moved.
    """
    if source.pk == target.pk:
        raise ValidationError({"email": "That is this customer's own address."})
    with transaction.atomic():
        locked = _locked(source.pk, target.pk)
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id is not None or target.merged_into_id is not None:
            raise ValidationError({"email": "That address was merged already; reload the page."})
        if not customer_merge_allowed(agent=agent, source=source, target=target):
            raise ValidationError(
                {"email": "Some of that customer's tickets are in queues you don't work in: ask an admin."}
            )
        tickets = _tickets_locked(source.pk, target.pk)
        moved = [pk for pk, customer_id in tickets if customer_id == source.pk]
        now = timezone.now()
        Ticket.objects.filter(pk__in=moved).update(customer=target, updated_at=now)
        TicketEvent.objects.bulk_create(
            TicketEvent(
                ticket_id=pk,
                kind=TicketEvent.Kind.CUSTOMER_MERGED,
                actor=agent,
                old_value=source.email[:200],
                new_value=target.email[:200],
                created_at=now,
            )
            for pk in moved
        )
        Customer.objects.filter(merged_into=source).update(merged_into=target)
        source.merged_into, source.merged_at = target, now
        source.save(update_fields=["merged_into", "merged_at"])
        target.timezone = target.timezone or source.timezone
        target.created_at = min(target.created_at, source.created_at)
        target.save(update_fields=["timezone", "created_at"])
        search_refresh(pk for pk, _ in tickets)
    return len(moved)


def customer_search_refresh(customer: Customer) -> None:
    """After an admin edits a name or an address: the documents of the tickets it belongs to."""
    with transaction.atomic():
        kept = customer.merged_into_id or customer.pk
        search_refresh(pk for pk, _ in _tickets_locked(kept))
