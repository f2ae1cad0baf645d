"""The bell in the desk's top bar and the notices page at /desk/notices/ (with "Mark all as read")."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tickets.models import Notice, Promise, Ticket

URL = "/desk/notices/"
READ_URL = "/desk/notices/read/"
NOTICES_QUERIES = (
    5  # session, user, the bell's count, the page's count, one page of notices with ticket/customer/promise
)

pytestmark = pytest.mark.django_db


def notice_for(user, ticket: Ticket, kind: str = Notice.Kind.BREACH, *, minutes_ago: int = 0, read: bool = False):
    now = timezone.now()
    promise = Promise.objects.filter(ticket=ticket).first() or Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.FIRST_RESPONSE,
        source=Promise.Source.POLICY,
        state=Promise.State.BROKEN if kind == Notice.Kind.BREACH else Promise.State.PENDING,
        due_at=now + (timedelta(minutes=-5) if kind == Notice.Kind.BREACH else timedelta(minutes=25)),
        created_at=now - timedelta(hours=2),
    )
    created = now - timedelta(minutes=minutes_ago)
    return Notice.objects.create(
        promise=promise, ticket=ticket, user=user, kind=kind, created_at=created, read_at=created if read else None
    )


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_bell_shows_the_agents_unread_count_on_desk_pages(desk, ticket, alice):
    for minutes in range(3):
        notice_for(desk.agent_a, TicketFactory(queue=desk.queue_a), minutes_ago=minutes)
    notice_for(desk.agent_a, ticket, read=True)
    notice_for(desk.agent_b, TicketFactory(queue=desk.queue_b))

    for url in ("/desk/", f"/desk/t/{ticket.reference}/", URL):
        content = text(alice.get(url))
        assert 'aria-label="3 unread notices"' in content, url
        assert 'href="/desk/notices/"' in content
        assert '<span class="badge rounded-pill desk-bell-count" aria-hidden="true">3</span>' in content


@pytest.mark.parametrize(("unread", "badge", "label", "heading"), [
    (99, ">99</span>", "99 unread notices", "99 unread"),
    (150, ">99+</span>", "More than 99 unread notices", "99+ unread"),
])  # fmt: skip
def test_past_99_unread_the_bell_and_the_list_say_so_without_counting_them_all(
    desk, alice, unread, badge, label, heading
):
    """The count stops at 100 (an index-only look at the first hundred), so an agent with a
    backlog of thousands pays no more on every desk page than one with a hundred."""
    ticket, now = TicketFactory(queue=desk.queue_a), timezone.now()
    Notice.objects.bulk_create(
        Notice(ticket=ticket, user=desk.agent_a, kind=Notice.Kind.APPROVAL, created_at=now) for _ in range(unread)
    )

    content = text(alice.get("/desk/"))
    assert f'aria-label="{label}"' in content
    assert f'<span class="badge rounded-pill desk-bell-count" aria-hidden="true"{badge}' in content
    assert f"{heading}</span></h1>" in text(alice.get(URL))


def test_the_bell_says_when_nothing_is_unread(desk, alice):
    content = text(alice.get("/desk/"))

    assert 'aria-label="No unread notices"' in content
    assert "desk-bell-count" not in content


def test_the_count_costs_one_query_on_desk_pages_and_none_elsewhere(desk, alice, stranger):
    def notice_queries(client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return sum('"tickets_notice"' in q["sql"] for q in queries.captured_queries)

    assert notice_queries(alice, "/desk/") == 1
    assert notice_queries(alice, "/support/new/") == 0  # a portal page, even for an agent
    assert notice_queries(stranger, "/desk/login/") == 0
    assert notice_queries(stranger, "/support/new/") == 0


def test_the_list_shows_the_agents_notices_newest_first_and_links_to_tickets(desk, alice):
    older = TicketFactory(queue=desk.queue_a, subject="Toner smells odd")
    newer = TicketFactory(queue=desk.queue_a, subject="Scanner jams")
    notice_for(desk.agent_a, older, Notice.Kind.BREACH, minutes_ago=10)
    notice_for(desk.agent_a, newer, Notice.Kind.REMINDER, minutes_ago=1)

    content = text(alice.get(URL))

    assert content.index("Scanner jams") < content.index("Toner smells odd")
    assert f'href="/desk/t/{older.reference}/"' in content and f'href="/desk/t/{newer.reference}/"' in content
    assert "notice-breach" in content and "Promise broken" in content  # red
    assert "notice-reminder" in content and "Due soon" in content  # amber
    assert "Mark all as read" in content


def test_another_agents_notices_are_never_shown(desk, alice, bob):
    notice_for(desk.agent_b, TicketFactory(queue=desk.queue_b, subject="Server on fire"))
    notice_for(desk.agent_b, TicketFactory(queue=desk.queue_a, subject="Shared queue ticket"))

    content = text(alice.get(URL))

    assert "Server on fire" not in content and "Shared queue ticket" not in content
    assert "No notices yet" in content
    assert "Server on fire" in text(bob.get(URL))


def test_the_list_is_paginated_25_to_a_page(desk, alice):
    for minutes in range(30):
        notice_for(
            desk.agent_a, TicketFactory(queue=desk.queue_a, subject=f"Ticket number {minutes:02}"), minutes_ago=minutes
        )

    first, second = text(alice.get(URL)), text(alice.get(URL, {"page": 2}))

    assert "Ticket number 00" in first and "Ticket number 24" in first and "Ticket number 25" not in first
    assert "Ticket number 25" in second and "Ticket number 29" in second and "Ticket number 24" not in second
    assert "Page 1 of 2" in first


def test_mark_all_as_read_marks_only_the_agents_own_notices(desk, alice):
    mine = [notice_for(desk.agent_a, TicketFactory(queue=desk.queue_a)) for _ in range(3)]
    theirs = notice_for(desk.agent_b, TicketFactory(queue=desk.queue_b))

    response = alice.post(READ_URL, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    content = text(response)
    assert "Marked 3 notices as read." in content
    assert 'aria-label="No unread notices"' in content
    assert all(Notice.objects.get(pk=n.pk).read_at is not None for n in mine)
    assert Notice.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_as_read_with_nothing_unread_says_so(desk, alice):
    assert "No unread notices." in text(alice.post(READ_URL, follow=True))


def test_mark_all_as_read_is_post_only(desk, alice):
    notice = notice_for(desk.agent_a, TicketFactory(queue=desk.queue_a))

    assert alice.get(READ_URL).status_code == 405
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_mark_all_as_read_needs_the_csrf_token(desk):
    notice = notice_for(desk.agent_a, TicketFactory(queue=desk.queue_a))
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.agent_a)

    assert client.post(READ_URL).status_code == 403
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_the_list_post_is_refused(desk, alice):
    assert alice.post(URL).status_code == 405


@pytest.mark.parametrize("url", [URL, READ_URL])
def test_anonymous_visitors_are_sent_to_login(stranger, url):
    response = stranger.post(url) if url == READ_URL else stranger.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=")


def test_a_signed_in_non_agent_finds_nothing(desk):
    client = Client()
    client.force_login(UserFactory(username="carol", is_staff=False))

    assert client.get(URL).status_code == 404
    assert client.post(READ_URL).status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_query_count_does_not_grow_with_notices(desk, alice, django_assert_max_num_queries, rows):
    for minutes in range(rows):
        notice_for(desk.agent_a, TicketFactory(queue=desk.queue_a), minutes_ago=minutes)

    with django_assert_max_num_queries(NOTICES_QUERIES):
        assert alice.get(URL).status_code == 200


def test_an_unread_notice_is_marked_unread_not_new(desk, ticket, alice):
    """A ticket status reads "New"; an unread notice carries its own word and look."""
    notice_for(desk.agent_a, ticket)
    content = text(alice.get(URL))
    assert '<span class="badge rounded-pill notice-unread-badge">Unread</span>' in content
    assert ">New<" not in content.split('class="list-group notice-list')[1]
