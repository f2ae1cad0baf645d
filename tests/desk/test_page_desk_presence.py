"""The ticket page's heartbeat, POST /desk/t/<reference>/presence/: who else has the ticket open
and what they are doing, what changed since the page was loaded; same doors as the ticket page;
nobody (and no error) while the cache is down."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.test_healthz import UNREACHABLE_CACHE
from tickets import services
from tickets.conversation import latest_event_id
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def url(ticket: Ticket) -> str:
    return f"/desk/t/{ticket.reference}/presence/"


def beat(client: Client, ticket: Ticket, **data):
    return client.post(url(ticket), data)


@pytest.fixture
def carl(desk):
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    client = Client()
    client.force_login(carl)
    return client


def test_two_agents_on_a_ticket_see_each_other_and_what_they_do(desk, ticket, alice, carl):
    assert beat(alice, ticket).json() == {"others": [], "changes": [], "more": False}
    assert beat(carl, ticket, state="reply").json()["others"] == [{"name": "Alice Agent", "doing": "is viewing"}]
    assert beat(alice, ticket, state="note").json()["others"] == [{"name": "Carl Clerk", "doing": "is typing a reply"}]
    assert beat(carl, ticket).json()["others"] == [{"name": "Alice Agent", "doing": "is writing a note"}]


def test_an_unknown_state_reads_as_viewing(desk, ticket, alice, carl):
    beat(carl, ticket, state="<script>")
    assert beat(alice, ticket).json()["others"] == [{"name": "Carl Clerk", "doing": "is viewing"}]


def test_leaving_drops_the_agent_at_once(desk, ticket, alice, carl):
    beat(carl, ticket)
    assert beat(carl, ticket, state="left").json()["others"] == []
    assert beat(alice, ticket).json()["others"] == []


def test_presence_is_per_ticket(desk, ticket, alice, carl):
    other = services.ticket_submit(
        name="Ada", email="ada@example.com", kind=Ticket.Kind.INFO, subject="Other", description="Hi"
    ).ticket
    beat(carl, other)
    assert beat(alice, ticket).json()["others"] == []


def test_a_silent_agent_drops_out_when_their_heartbeat_expires(desk, ticket, alice, carl):
    from django.core.cache import cache

    beat(carl, ticket)
    carl_id = desk.queue_a.agents.get(username="carl").pk
    cache.delete(f"presence:{ticket.pk}:{carl_id}")  # as the cache does TTL_SECONDS after the last beat
    assert beat(alice, ticket).json()["others"] == []


def test_what_changed_since_the_page_was_loaded(desk, ticket, alice, carl):
    seen = latest_event_id(ticket)
    assert beat(alice, ticket, seen=seen).json()["changes"] == []
    services.customer_reply_post(ticket=ticket, body="Any news?")
    assert beat(alice, ticket, seen=seen).json()["changes"] == [f"{ticket.customer.name} wrote 1 min ago"]
    assert beat(alice, ticket, seen=latest_event_id(ticket)).json()["changes"] == []


@pytest.mark.parametrize("seen", ["", "abc", "-1", "²", "9" * 40])
def test_a_missing_or_odd_marker_is_ignored(desk, ticket, alice, seen):
    services.customer_reply_post(ticket=ticket, body="Any news?")
    answer = beat(alice, ticket, seen=seen)
    assert answer.status_code == 200
    assert answer.json()["changes"] == []


def test_another_queues_agent_finds_nothing(desk, ticket, alice, bob):
    beat(alice, ticket)
    assert beat(bob, ticket).status_code == 404
    assert beat(bob, ticket, state="left").status_code == 404
    assert beat(alice, ticket).json()["others"] == []  # bob was never recorded


def test_an_unknown_ticket_is_404_and_a_stranger_is_sent_to_login(desk, ticket, alice, stranger):
    assert alice.post("/desk/t/HD-999999/presence/").status_code == 404
    answer = beat(stranger, ticket)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/desk/login/")


def test_get_is_refused_and_a_post_needs_the_csrf_token(desk, ticket, alice):
    assert alice.get(url(ticket)).status_code == 405
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(desk.agent_a)
    assert guarded.post(url(ticket), {"state": "viewing"}).status_code == 403


def test_with_the_cache_down_nobody_is_shown_and_nothing_fails(desk, ticket, alice, carl, settings, caplog):
    settings.CACHES = {"default": {**UNREACHABLE_CACHE}}
    seen = latest_event_id(ticket)
    services.customer_reply_post(ticket=ticket, body="Any news?")
    with caplog.at_level(logging.WARNING, logger="helpdesk.degraded"):
        first = beat(carl, ticket, seen=seen)
        second = beat(alice, ticket, seen=seen)
        left = beat(alice, ticket, state="left")
    assert (first.status_code, second.status_code, left.status_code) == (200, 200, 200)
    assert second.json()["others"] == []
    assert len(second.json()["changes"]) == 1  # the conversation check reads the database, not the cache
    outage = [r.getMessage() for r in caplog.records if r.name == "helpdesk.degraded"]
    assert len(outage) == 1  # logged once, not per heartbeat
    assert outage[0].startswith("cache unavailable, degraded: presence on ticket pages shows nobody")


@pytest.mark.parametrize("changes", [1, 12])
def test_query_count_is_constant(desk, ticket, alice, carl, django_assert_num_queries, changes):
    seen = latest_event_id(ticket)
    for n in range(changes):
        services.customer_reply_post(ticket=ticket, body=f"Message {n}")
    beat(carl, ticket, state="reply")
    # session, user, the agent's bell/duty/zone, the ticket, the changes since the marker
    with django_assert_num_queries(5):
        answer = beat(alice, ticket, seen=seen)
    assert len(answer.json()["changes"]) == min(changes, 5)
    assert answer.json()["more"] is (changes > 5)
