"""The customer in the desk: the ticket page's panel and /desk/customers/<id>/ (name, merge)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory, QueueFactory, TicketFactory
from tickets import services
from tickets.models import Customer, Ticket, TicketEvent
from tickets.search import SearchFilters, ticket_search

# session, user, the agent's bell/duty/zone, the customer, may the agent see them, counts,
# the capped count of their tickets, a page of them, the addresses merged into them
CUSTOMER_QUERIES = 9

pytestmark = pytest.mark.django_db


def submit(email: str = "ada@example.com", subject: str = "Printer", **kwargs) -> Ticket:
    kwargs.setdefault("name", "Ada Lovelace")
    return services.ticket_submit(email=email, kind="problem", subject=subject, description="Details.", **kwargs).ticket


def url(customer_id: int, action: str = "") -> str:
    return f"/desk/customers/{customer_id}/{action + '/' if action else ''}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_ticket_page_shows_the_customers_other_tickets_open_first(desk, alice):
    now = timezone.now()
    customer = CustomerFactory(name="Ada Lovelace", timezone="Europe/Paris", created_at=now - timedelta(days=400))
    closed = TicketFactory(queue=desk.queue_a, customer=customer, subject="Old closed one", status="closed")
    newer_open = TicketFactory(queue=desk.queue_a, customer=customer, subject="Still open", status="open")
    elsewhere = TicketFactory(queue=desk.queue_b, customer=customer, subject="Bob's queue only")
    current = TicketFactory(queue=desk.queue_a, customer=customer, subject="The one in view")
    content = text(alice.get(f"/desk/t/{current.reference}/"))
    panel = content.split('class="card mb-3 customer-panel"', 1)[1].split("</section>", 1)[0]
    assert "3 in your queues, 2 open" in panel  # Bob's queue's ticket is not counted
    assert panel.index(newer_open.reference) < panel.index(closed.reference)
    assert current.reference not in panel and elsewhere.reference not in panel
    assert (now - timedelta(days=400)).strftime("%-d %b %Y") in panel
    assert "Europe/Paris" in panel and " there)" in panel
    assert f'href="/desk/customers/{customer.pk}/"' in panel and "All 3 tickets" in panel


def test_a_customer_without_a_known_zone_says_so(desk, alice):
    ticket = TicketFactory(queue=desk.queue_a, customer=CustomerFactory(timezone=""))
    assert "Not known" in text(alice.get(f"/desk/t/{ticket.reference}/"))


def test_the_customer_page_lists_their_tickets_in_the_agents_queues_only(desk, alice):
    customer = CustomerFactory(name="Ada Lovelace", email="ada@example.com")
    mine = TicketFactory(queue=desk.queue_a, customer=customer, subject="In Billing")
    TicketFactory(queue=desk.queue_b, customer=customer, subject="In Technical")
    content = text(alice.get(url(customer.pk)))
    assert "Ada Lovelace" in content and "ada@example.com" in content
    assert mine.reference in content and "In Technical" not in content
    assert "1 in your queues, 1 open" in content


def test_unknown_and_forbidden_customers_look_alike(desk, alice):
    theirs = TicketFactory(queue=desk.queue_b).customer
    unknown = alice.get(url(999_999))
    forbidden = alice.get(url(theirs.pk))
    assert unknown.status_code == forbidden.status_code == 404
    assert without_nonce(text(unknown)) == without_nonce(text(forbidden))
    assert alice.post(url(theirs.pk, "name"), {"name": "Hacked"}).status_code == 404
    assert alice.post(url(theirs.pk, "merge"), {"email": "x@example.com"}).status_code == 404
    assert Customer.objects.get(pk=theirs.pk).name != "Hacked"


def without_nonce(page: str) -> str:
    return re.sub(r'nonce="[^"]+"', "", page)


def test_an_admin_sees_every_customer_with_a_ticket(desk, admin_client_):
    theirs = TicketFactory(queue=desk.queue_b).customer
    assert admin_client_.get(url(theirs.pk)).status_code == 200


def test_a_merged_address_page_is_the_kept_customers(desk, alice):
    kept, old = submit("ada@example.com"), submit("ada.old@example.net")
    services_merge(old.customer, kept.customer, desk.agent_a)
    response = alice.get(url(old.customer_id))
    assert response.status_code == 302 and response["Location"] == url(kept.customer_id)
    assert "also writes from ada.old@example.net" in text(alice.get(url(kept.customer_id)))


def services_merge(source: Customer, target: Customer, agent) -> None:
    from tickets.services.customers import customer_merge

    customer_merge(source=source, target=target, agent=agent)


def test_their_tickets_come_in_pages_of_25_open_first(desk, alice):
    customer = CustomerFactory()
    at = timezone.now()
    for n in range(27):
        status = "closed" if n < 2 else "open"
        TicketFactory(queue=desk.queue_a, customer=customer, subject=f"Ticket {n:02d}", status=status, created_at=at)
    first = text(alice.get(url(customer.pk)))
    assert "Page 1 of 2" in first and "Ticket 00" not in first and "Ticket 26" in first
    second = text(alice.get(url(customer.pk), {"page": 2}))
    assert "Ticket 00" in second and "Ticket 01" in second


@pytest.mark.parametrize("rows", [1, 25])
def test_query_count_does_not_grow_with_rows(desk, alice, django_assert_max_num_queries, rows):
    customer = CustomerFactory()
    for n in range(rows):
        TicketFactory(queue=desk.queue_a, customer=customer, assignee=desk.agent_a if n % 2 else None)
    with django_assert_max_num_queries(CUSTOMER_QUERIES):
        content = text(alice.get(url(customer.pk)))
    assert content.count('class="fw-semibold">HD-') == rows


def test_renaming_shows_the_new_name_and_search_finds_it(desk, alice):
    ticket = submit(name="Ada Lovelace")
    response = alice.post(url(ticket.customer_id, "name"), {"name": "Augusta King"}, follow=True)
    content = text(response)
    assert "Name changed to Augusta King." in content
    assert '<h1 class="h4 mb-0 customer-heading">Augusta King</h1>' in content
    found = ticket_search(user=desk.agent_a, text="Augusta", filters=SearchFilters())
    assert [t.pk for t in found] == [ticket.pk]


def test_an_empty_name_is_refused_beside_the_field(desk, alice):
    ticket = submit(name="Ada Lovelace")
    response = alice.post(url(ticket.customer_id, "name"), {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in text(response) or "Please write" in text(response)
    assert Customer.objects.get(pk=ticket.customer_id).name == "Ada Lovelace"


def test_merging_asks_first_then_moves_the_tickets(desk, alice):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net", name="A. Lovelace", subject="Old address ticket")
    asked = alice.post(url(kept.customer_id, "merge"), {"email": "ADA.OLD@example.net"})
    assert asked.status_code == 200
    question = text(asked)
    assert "Merge A. Lovelace into Ada Lovelace?" in question
    assert "Our replies on them go to <strong>ada@example.com</strong> from now on." in question
    assert Ticket.objects.get(pk=old.pk).customer_id == old.customer_id  # nothing changed yet
    done = alice.post(url(kept.customer_id, "merge"), {"email": "ada.old@example.net", "confirm": "True"}, follow=True)
    assert "Merged: 1 ticket moved from ada.old@example.net" in text(done)
    assert Ticket.objects.get(pk=old.pk).customer_id == kept.customer_id
    assert TicketEvent.objects.filter(ticket=old, kind=TicketEvent.Kind.CUSTOMER_MERGED).count() == 1
    timeline = text(alice.get(f"/desk/t/{old.reference}/"))
    assert "Alice Agent: customer merged" in timeline and "ada.old@example.net → ada@example.com" in timeline


def test_merging_an_unknown_or_hidden_or_own_address_is_refused_beside_the_field(desk, alice):
    kept = submit("ada@example.com")
    submit("grace@example.com", queue=desk.queue_b)
    for address, error in [
        ("nobody@example.com", "No customer with that address has tickets in your queues."),
        ("grace@example.com", "No customer with that address has tickets in your queues."),
        ("ada@example.com", "That address is already Ada Lovelace's."),
        ("not an address", "Enter a valid email address."),
    ]:
        response = alice.post(url(kept.customer_id, "merge"), {"email": address, "confirm": "True"})
        assert response.status_code == 400 and error in text(response), address
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0


def test_merging_a_record_with_tickets_in_another_queue_needs_an_admin(desk, alice, admin_client_):
    kept = submit("ada@example.com")
    submit("ada.old@example.net")
    hidden = submit("ada.old@example.net", queue=desk.queue_b)
    response = alice.post(url(kept.customer_id, "merge"), {"email": "ada.old@example.net", "confirm": "True"})
    assert response.status_code == 400 and "ask an admin" in text(response)
    admin_client_.post(url(kept.customer_id, "merge"), {"email": "ada.old@example.net", "confirm": "True"})
    assert Ticket.objects.get(pk=hidden.pk).customer_id == kept.customer_id


def test_a_shared_queue_lets_an_agent_open_a_customer_they_share(desk, alice):
    shared = QueueFactory(name="Shared", slug="shared")
    shared.agents.add(desk.agent_a)
    ticket = TicketFactory(queue=shared)
    assert alice.get(url(ticket.customer_id)).status_code == 200


def test_the_success_page_masks_the_address_of_a_customer_with_merged_addresses(desk, client):
    kept = submit("ada@example.com")
    old = submit("ada.old@example.net")
    services_merge(old.customer, kept.customer, desk.agent_a)
    from tests.portal.test_page_portal_new import form_data  # the public form as a customer fills it

    response = client.post("/support/new/", form_data(email="ada.old@example.net"), follow=True)
    content = text(response)
    assert "a***@example.com" in content and "ada@example.com" not in content
