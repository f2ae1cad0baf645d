"""The timeline a page at a time: every entry once, in order, even where several share an instant."""

from __future__ import annotations

import pytest

from tests.factories import timeline_written as written
from tickets.models import Message
from tickets.selectors_timeline import (
    TIMELINE_PAGE,
    Cursor,
    TimelinePage,
    ticket_conversation_for_customer,
    ticket_timeline_for_agent,
    ticket_timeline_showing,
)


def walk(read) -> tuple[list[tuple], int]:
    """Every page from the latest back, each cursor passed as its text (as in a link)."""
    seen: list[tuple] = []
    cursor, pages = None, 0
    while True:
        page: TimelinePage = read(before=cursor)
        assert 0 < len(page.entries) <= TIMELINE_PAGE
        assert page.is_latest == (cursor is None)
        seen = [entry.key for entry in page.entries] + seen
        pages += 1
        if page.earlier is None:
            return seen, pages
        cursor = Cursor.parse(str(page.earlier))


def test_the_agents_pages_show_every_entry_once_in_order(db, ticket):
    expected = written(ticket, messages=130, events=95)

    seen, pages = walk(lambda before: ticket_timeline_for_agent(ticket, before=before))

    assert seen == expected
    assert pages == 3  # 225 entries, 100 a page


def test_a_short_timeline_is_one_page(db, ticket):
    expected = written(ticket, messages=3, events=2)
    page = ticket_timeline_for_agent(ticket)
    assert [entry.key for entry in page.entries] == expected
    assert page.earlier is None and page.is_latest


def test_the_customers_pages_hold_only_public_messages(db, ticket):
    every = written(ticket, messages=150, events=20, notes_every=5)
    public = [place for place in every if not place[1] and not Message.objects.get(pk=place[2]).is_note]

    seen, pages = walk(lambda before: ticket_conversation_for_customer(ticket, before=before))

    assert seen == public and len(public) == 120
    assert pages == 2


@pytest.mark.parametrize("raw", ["", "x", "m1", "q1.100", "m1.-5", "m1.99999999999999999999", "m1.9999999999999999999"])
def test_a_cursor_that_is_not_one_means_the_latest_page(raw):
    assert Cursor.parse(raw) is None


def test_a_link_to_any_message_opens_a_page_that_shows_it(db, ticket, django_assert_num_queries):
    places = written(ticket, messages=150, events=60)  # instants shared by messages and events
    latest = [entry.key for entry in ticket_timeline_for_agent(ticket).entries]
    for place in places:
        if place[1]:
            continue
        with django_assert_num_queries(3 if place in latest else 7):
            page = ticket_timeline_showing(ticket, message_id=place[2])
        keys = [entry.key for entry in page.entries]
        if place in latest:
            assert keys == latest and page.is_latest
        else:  # the page ends with it, and walks on as any other
            assert keys == places[: places.index(place) + 1][-TIMELINE_PAGE:]
            assert not page.is_latest
