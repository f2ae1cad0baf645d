"""The search page at /desk/search/: jumps, results with snippets, filters, pages and query count."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tests.factories import UserFactory
from tickets import services
from tickets.models import Ticket

URL = "/desk/search/"
# session, user, the agent's bell/duty/zone, queues and agents (the filter choices), the newest
# ticket's id, the matching tickets' ids and ranks (at most 1,001), the page of tickets (with
# customer, queue, assignee), the page's snippets (and BEGIN/COMMIT around the matching, outside a test)
SEARCH_QUERIES = 9

pytestmark = pytest.mark.django_db


def submit(subject: str, body: str = "Details.", *, email: str = "ada@example.com", **kwargs) -> Ticket:
    return services.ticket_submit(
        name="Ada Lovelace", email=email, kind="problem", subject=subject, description=body, **kwargs
    ).ticket


def page(client: Client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200, response
    return html.unescape(response.content.decode())


def shown(client: Client, **params) -> list[str]:
    """The references listed, in page order."""
    content = page(client, **params)
    refs = [line.split(">")[1].split("<")[0] for line in content.split('class="fw-semibold ref"')[1:]]
    return [r for r in refs if r.startswith("HD-")]


def test_the_top_bar_searches_here(desk, alice):
    content = html.unescape(alice.get("/desk/").content.decode())
    assert 'action="/desk/search/"' in content


def test_words_find_tickets_with_a_marked_snippet(desk, alice):
    ticket = submit("Printer trouble", "The display says zeppelin mode.")
    submit("Other", email="grace@example.com")
    content = page(alice, q="zeppelin")
    assert shown(alice, q="zeppelin") == [ticket.reference]
    assert "1 ticket" in content
    assert "<mark>zeppelin</mark>" in content
    assert 'value="zeppelin"' in content  # the top bar keeps the words


def test_a_snippet_of_customer_markup_is_shown_as_text(desk, alice):
    submit("Printer", 'zeppelin <img src=x onerror="alert(1)"> <i>x</i>')
    raw = alice.get(URL, {"q": "zeppelin"}).content.decode()
    assert "<img" not in raw and "<i>x</i>" not in raw


def test_a_reference_jumps_to_the_ticket(desk, alice):
    ticket = submit("Printer trouble")
    response = alice.get(URL, {"q": f" {ticket.reference.lower()} "})
    assert response.status_code == 302 and response["Location"] == f"/desk/t/{ticket.reference}/"


def test_another_queues_reference_does_not_jump_and_finds_nothing(desk, alice):
    theirs = submit("Server on fire", queue=desk.queue_b)
    content = page(alice, q=theirs.reference)
    assert "No tickets in your queues match" in content and "Server on fire" not in content


def test_an_address_jumps_to_the_customers_page(desk, alice):
    ticket = submit("Printer trouble", email="ada@example.com")
    response = alice.get(URL, {"q": "Ada@Example.com"})
    assert response.status_code == 302
    assert response["Location"] == f"/desk/customers/{ticket.customer_id}/"


def test_an_address_of_another_queues_customer_does_not_jump(desk, alice):
    submit("Server on fire", email="grace@example.com", queue=desk.queue_b)
    assert "No tickets in your queues match" in page(alice, q="grace@example.com")


def test_with_a_filter_a_reference_searches_instead_of_jumping(desk, alice):
    ticket = submit("Printer trouble")
    assert shown(alice, q=ticket.reference, status="all", kind="problem") == [ticket.reference]


def test_filters_narrow_the_words(desk, alice):
    open_one = submit("Printer one")
    done = submit("Printer two")
    services.ticket_status_change(ticket=done, agent=desk.agent_a, status="resolved")
    assert set(shown(alice, q="printer")) == {open_one.reference, done.reference}
    assert shown(alice, q="printer", status="resolved") == [done.reference]
    content = page(alice, q="printer", status="resolved")
    assert '<option value="resolved" selected>' in content


def test_a_wrong_date_range_is_said_beside_the_field_and_the_words_still_search(desk, alice):
    ticket = submit("Printer one")
    content = page(alice, q="printer", created_from="2026-05-02", created_to="2026-05-01")
    assert "Pick a day on or after the first one." in content
    assert 'aria-describedby="id_created_to-error"' in content
    assert ticket.reference in content


def test_no_words_no_results(desk, alice):
    submit("Printer one")
    content = page(alice)
    assert "Type words, a phrase in quotes" in content and "fw-semibold ref" not in content


def test_pages_keep_the_words_and_filters(desk, alice):
    for n in range(27):
        submit(f"Printer {n}", email=f"p{n}@example.com")
    content = page(alice, q="printer", kind="problem")
    assert "27 tickets" in content and "Page 1 of 2" in content
    assert 'href="?q=printer&kind=problem&page=2"' in content
    assert len(shown(alice, q="printer", kind="problem", page=2)) == 2


def test_old_queue_links_with_words_land_here(desk, alice):
    response = alice.get("/desk/", {"q": "printer"}, follow=True)
    assert response.redirect_chain[-1][0] == "/desk/search/?q=printer"


def test_anonymous_visitors_sign_in_first_and_non_agents_find_nothing(desk):
    assert Client().get(URL, {"q": "x"}).status_code == 302
    client = Client()
    client.force_login(UserFactory(username="carol", is_staff=False))
    assert client.get(URL, {"q": "x"}).status_code == 404


@pytest.mark.parametrize("rows", [1, 25])
def test_query_count_does_not_grow_with_rows(desk, alice, django_assert_max_num_queries, rows):
    for n in range(rows):
        ticket = submit(f"Printer {n}", "The printer jams.", email=f"p{n}@example.com")
        if n % 2:
            services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="A printer note.", internal=True)
            services.ticket_assign(ticket=ticket, agent=desk.agent_a, assignee_id=desk.agent_a.pk)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        content = page(alice, q="printer")
    assert content.count('class="fw-semibold ref"') == rows
