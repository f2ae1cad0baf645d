"""Renaming and merging customers (tickets.services.customers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import QueueFactory
from tickets import services
from tickets.models import Customer, OutboundEmail, Ticket, TicketEvent
from tickets.services import customers as customer_services
from tickets.services.customers import customer_merge, customer_merge_allowed, customer_rename

pytestmark = pytest.mark.django_db


def submit(email: str, name: str = "Ada Lovelace", **kwargs) -> Ticket:
    return services.ticket_submit(
        name=name, email=email, kind="problem", subject="Printer", description="Blank pages.", **kwargs
    ).ticket


def test_rename_changes_the_name_and_says_whether_it_did(desk):
    ticket = submit("ada@example.com")
    assert customer_rename(customer=ticket.customer, name="  Augusta King ") is True
    assert Customer.objects.get(pk=ticket.customer_id).name == "Augusta King"
    assert customer_rename(customer=ticket.customer, name="Augusta King") is False


def test_rename_refuses_an_empty_name(desk):
    ticket = submit("ada@example.com")
    with pytest.raises(ValidationError, match="Please write the customer's name"):
        customer_rename(customer=ticket.customer, name="   ")
    assert Customer.objects.get(pk=ticket.customer_id).name == "Ada Lovelace"


def test_merge_moves_the_tickets_records_it_and_keeps_the_address(desk):
    kept = submit("ada@example.com")
    other_one = submit("ada.old@example.net", name="A. L.")
    other_two = submit("ADA.OLD@example.net")
    source = other_one.customer
    assert customer_merge(source=source, target=kept.customer, agent=desk.agent_a) == 2
    assert set(Ticket.objects.filter(customer=kept.customer)) == {kept, other_one, other_two}
    source.refresh_from_db()
    assert source.merged_into == kept.customer and source.merged_at is not None
    assert not source.tickets.exists()
    events = TicketEvent.objects.filter(kind=TicketEvent.Kind.CUSTOMER_MERGED)
    assert sorted(e.ticket_id for e in events) == sorted([other_one.pk, other_two.pk])
    assert {(e.old_value, e.new_value, e.actor) for e in events} == {
        ("ada.old@example.net", "ada@example.com", desk.agent_a)
    }


def test_a_new_request_from_a_merged_address_joins_the_kept_customer(desk):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net")
    customer_merge(source=old.customer, target=kept.customer, agent=desk.agent_a)
    later = submit("Ada.Old@example.net", name="Someone Else")
    assert later.customer_id == kept.customer_id
    ack = OutboundEmail.objects.get(key=f"ack:{later.pk}")
    assert ack.to_email == "ada@example.com"


def test_find_my_requests_from_a_merged_address_sends_the_kept_customers_links_to_their_address(desk):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net")
    customer_merge(source=old.customer, target=kept.customer, agent=desk.agent_a)
    assert services.links_resend(email="ada.old@example.net") == 2
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.TICKET_LINKS)
    assert email.to_email == "ada@example.com"


def test_the_kept_customer_takes_the_earlier_first_seen_and_a_missing_time_zone(desk):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net", timezone_name="Europe/Paris")
    earlier = timezone.now() - timedelta(days=300)
    Customer.objects.filter(pk=old.customer_id).update(created_at=earlier)
    customer_merge(source=old.customer, target=kept.customer, agent=desk.agent_a)
    target = Customer.objects.get(pk=kept.customer_id)
    assert target.timezone == "Europe/Paris" and target.created_at == earlier
    assert target.name == "Ada Lovelace" and target.email == "ada@example.com"


def test_merges_are_flattened(desk):
    first = submit("one@example.com")
    second = submit("two@example.com")
    third = submit("three@example.com")
    customer_merge(source=first.customer, target=second.customer, agent=desk.agent_a)
    customer_merge(source=second.customer, target=third.customer, agent=desk.agent_a)
    for address in ("one@example.com", "two@example.com"):
        assert Customer.objects.get(email=address).merged_into_id == third.customer_id
    assert Ticket.objects.filter(customer=third.customer).count() == 3


def test_a_customer_cannot_be_merged_into_itself_or_twice(desk):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net")
    with pytest.raises(ValidationError):
        customer_merge(source=kept.customer, target=kept.customer, agent=desk.agent_a)
    customer_merge(source=old.customer, target=kept.customer, agent=desk.agent_a)
    stale = Customer.objects.get(pk=old.customer_id)
    stale.merged_into = None  # as a page loaded before the merge holds it
    with pytest.raises(ValidationError, match="merged already"):
        customer_merge(source=stale, target=kept.customer, agent=desk.agent_a)


def test_an_agent_may_merge_only_when_every_moved_ticket_is_in_their_queues(desk):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net")
    submit("ada.old@example.net", queue=desk.queue_b)  # one of the other record's tickets is Bob's queue's
    source, target = old.customer, kept.customer
    assert not customer_merge_allowed(agent=desk.agent_a, source=source, target=target)
    with pytest.raises(ValidationError, match="ask an admin"):
        customer_merge(source=source, target=target, agent=desk.agent_a)
    assert Ticket.objects.filter(customer=source).count() == 2
    assert customer_merge_allowed(agent=desk.admin, source=source, target=target)
    assert customer_merge(source=source, target=target, agent=desk.admin) == 2


def test_an_agent_needs_to_see_the_kept_customer_too(desk):
    theirs = submit("grace@example.com", queue=desk.queue_b)
    mine = submit("ada@example.com")
    assert not customer_merge_allowed(agent=desk.agent_a, source=mine.customer, target=theirs.customer)
    shared = QueueFactory(name="Shared", slug="shared")
    shared.agents.add(desk.agent_a)
    submit("grace@example.com", queue=shared)
    assert customer_merge_allowed(agent=desk.agent_a, source=mine.customer, target=theirs.customer)


def test_a_merge_that_fails_half_way_changes_nothing(desk, monkeypatch):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net")

    def broken(ids):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(customer_services, "search_refresh", broken)
    with pytest.raises(RuntimeError):
        customer_merge(source=old.customer, target=kept.customer, agent=desk.agent_a)
    old.refresh_from_db()
    assert old.customer.email == "ada.old@example.net"
    assert Customer.objects.get(pk=old.customer_id).merged_into is None
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.CUSTOMER_MERGED).exists()
