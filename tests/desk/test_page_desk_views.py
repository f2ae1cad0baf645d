"""Saved views in the queue's sidebar (/desk/views/): saving, sharing, counts, removing; and the
sortable column headers."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.desk.test_page_desk_queue import QUEUE_QUERIES
from tests.factories import TicketFactory, UserFactory
from tickets.models import SavedView
from tickets.services.saved_views import saved_view_create

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def sidebar(client) -> dict[str, str]:
    """The sidebar's views and their counts, as the agent reads them."""
    content = text(client.get("/desk/"))
    side = content[content.index('class="views-sidebar"') :]
    names = re.findall(r'class="views-link[^"]*" href="[^"]*"[^>]*>\s*([^<]+?)\s*<', side)
    counts = re.findall(r'data-view-count="\d+" aria-label="[^"]*">([^<]+)<', side)
    return dict(zip(names, counts, strict=True))


def test_an_agent_saves_the_current_filters_as_a_view(desk, alice):
    TicketFactory.create_batch(2, queue=desk.queue_a, kind="complaint")
    TicketFactory(queue=desk.queue_a, kind="info")
    response = alice.post("/desk/views/", {"name": "Complaints", "query": "kind=complaint&sort=-updated&page=3"})
    view = SavedView.objects.get()
    assert (view.owner, view.scope, view.filters) == (
        desk.agent_a,
        "personal",
        {"kind": "complaint", "sort": "-updated"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/desk/?kind=complaint&sort=-updated&view={view.pk}"
    page = text(alice.get(response["Location"]))
    assert '<h1 class="h4 mb-2">Complaints' in page and 'aria-current="page"' in page
    assert sidebar(alice) == {"Complaints": "2"}


def test_a_view_needs_a_name_and_only_admins_share(desk, alice):
    alice.post("/desk/views/", {"name": "", "query": "kind=complaint"}, follow=True)
    response = alice.post("/desk/views/", {"name": "Ours", "scope": "everyone", "query": ""}, follow=True)
    assert "Only an admin can share a view." in text(response)
    assert not SavedView.objects.exists()


def test_an_admin_shares_a_view_with_one_queues_agents(desk, alice, bob, admin_client_):
    TicketFactory(queue=desk.queue_a, status="new")
    TicketFactory(queue=desk.queue_b, status="new")
    admin_client_.post(
        "/desk/views/", {"name": "New in Billing", "scope": "queue", "queue": desk.queue_a.pk, "query": "status=new"}
    )
    admin_client_.post("/desk/views/", {"name": "All new", "scope": "everyone", "query": "status=new"})
    assert sidebar(alice) == {"New in Billing": "1", "All new": "1"}
    assert sidebar(bob) == {"All new": "1"}
    assert sidebar(admin_client_) == {"New in Billing": "2", "All new": "2"}


def test_removing_views(desk, alice, bob, admin_client_):
    mine = saved_view_create(actor=desk.agent_a, name="Mine", params={"assignee": "mine"})
    shared = saved_view_create(actor=desk.admin, name="Team", params={}, scope="everyone")
    assert bob.post(f"/desk/views/{mine.pk}/delete/").status_code == 404  # not in Bob's sidebar
    assert "Only an admin can remove a shared view." in text(
        alice.post(f"/desk/views/{shared.pk}/delete/", follow=True)
    )
    alice.post(f"/desk/views/{mine.pk}/delete/")
    admin_client_.post(f"/desk/views/{shared.pk}/delete/")
    assert not SavedView.objects.exists()


def test_renaming_a_view_keeps_its_filters_unless_asked(desk, alice):
    TicketFactory(queue=desk.queue_a, kind="complaint", status="new")
    TicketFactory(queue=desk.queue_a, kind="complaint", status="open")
    view = saved_view_create(actor=desk.agent_a, name="Complaints", params={"kind": "complaint"})
    page = text(alice.get(f"/desk/?kind=complaint&view={view.pk}"))
    assert "Rename or update “Complaints”" in page and "not saved" not in page
    assert headers(page)["Priority"][1] == f"?kind=complaint&view={view.pk}&sort=priority"  # sorting stays in the view
    changed = text(alice.get(f"/desk/?kind=complaint&status=new&view={view.pk}"))
    assert "Complaints filters changed, not saved" in re.sub(r"<[^>]+>|\s+", " ", changed).replace("  ", " ")
    assert sidebar(alice) == {"Complaints": "2"}
    response = alice.post(
        f"/desk/views/{view.pk}/edit/", {"name": "Angry customers", "query": "kind=complaint&status=new"}
    )
    assert response["Location"] == f"/desk/?kind=complaint&view={view.pk}"
    view.refresh_from_db()
    assert (view.name, view.filters) == ("Angry customers", {"kind": "complaint"})
    response = alice.post(
        f"/desk/views/{view.pk}/edit/",
        {"name": "New complaints", "refilter": "on", "query": f"kind=complaint&status=new&view={view.pk}"},
        follow=True,
    )
    view.refresh_from_db()
    assert view.filters == {"kind": "complaint", "status": "new"}
    assert "Saved the view “New complaints” with the filters shown." in text(response)
    assert sidebar(alice) == {"New complaints": "1"}  # counted afresh, not the cached 2


def test_only_the_owner_or_an_admin_changes_a_view(desk, alice, bob, admin_client_):
    mine = saved_view_create(actor=desk.agent_a, name="Mine", params={"assignee": "mine"})
    shared = saved_view_create(actor=desk.admin, name="Team", params={}, scope="everyone")
    assert bob.post(f"/desk/views/{mine.pk}/edit/", {"name": "Hers"}).status_code == 404  # not in Bob's sidebar
    assert "Rename or update" not in text(bob.get(f"/desk/?view={shared.pk}"))
    refused = text(alice.post(f"/desk/views/{shared.pk}/edit/", {"name": "Ours"}, follow=True))
    assert "Only an admin can change a shared view." in refused
    assert "Give the view a name" in text(alice.post(f"/desk/views/{mine.pk}/edit/", {"name": " "}, follow=True))
    admin_client_.post(f"/desk/views/{shared.pk}/edit/", {"name": "Everyone's"})
    assert [v.name for v in SavedView.objects.order_by("pk")] == ["Mine", "Everyone's"]


def test_the_counts_endpoint_answers_each_views_count(desk, alice, django_assert_max_num_queries):
    TicketFactory.create_batch(3, queue=desk.queue_a)
    views = [saved_view_create(actor=desk.agent_a, name=f"View {n}", params={}) for n in range(5)]
    with django_assert_max_num_queries(4 + len(views)):  # session, user, agent, views, a count each
        first = alice.get("/desk/views/counts/").json()
    assert first == {"counts": {str(v.pk): "3" for v in views}}
    with django_assert_max_num_queries(4):  # cached for 30 s per view and agent
        assert alice.get("/desk/views/counts/").json() == first


@pytest.mark.parametrize("rows", [1, 25])
def test_the_queue_with_saved_views_keeps_its_query_count(desk, alice, django_assert_max_num_queries, rows):
    TicketFactory.create_batch(rows, queue=desk.queue_a)
    for n in range(5):
        saved_view_create(actor=desk.agent_a, name=f"View {n}", params={"kind": "problem"})
    alice.get("/desk/")  # the counts, once per 30 s
    with django_assert_max_num_queries(QUEUE_QUERIES):
        content = text(alice.get("/desk/"))
    assert content.count('class="fw-semibold">HD-') == rows


def test_views_pages_need_an_agent(desk, stranger):
    assert stranger.get("/desk/views/counts/")["Location"].startswith("/desk/login/")
    assert stranger.post("/desk/views/", {"name": "x"})["Location"].startswith("/desk/login/")
    outsider = Client()
    outsider.force_login(UserFactory(username="olga", is_staff=False))
    assert outsider.get("/desk/views/counts/").status_code == 404
    assert outsider.post("/desk/views/", {"name": "x"}).status_code == 404


# --- sortable columns -------------------------------------------------------------------------------


def headers(content: str) -> dict[str, tuple[str, str]]:
    """Each sortable header: (aria-sort, its link) as the page gives them."""
    found = {}
    for attrs, link, label in re.findall(
        r'<th scope="col" class="\w+"([^>]*)>(?:<a class="sort-link[^"]*" href="([^"]*)"[^>]*>)?(Due|Priority|Updated)',
        content,
    ):
        aria = re.search(r'aria-sort="(\w+)"', attrs)
        found[label] = (aria.group(1) if aria else "none", link)
    return found


def test_column_headers_sort_and_say_how(desk, alice):
    now = timezone.now()
    TicketFactory(queue=desk.queue_a, subject="Due later, urgent", priority=4, next_due_at=now + timedelta(hours=3))
    TicketFactory(queue=desk.queue_a, subject="Due first, normal", priority=2, next_due_at=now + timedelta(hours=1))
    content = text(alice.get("/desk/", {"kind": "problem"}))
    assert headers(content) == {
        "Due": ("ascending", "?kind=problem&sort=-due"),
        "Priority": ("none", "?kind=problem&sort=priority"),
        "Updated": ("none", "?kind=problem&sort=-updated"),
    }
    assert content.index("Due first, normal") < content.index("Due later, urgent")
    content = text(alice.get("/desk/", {"kind": "problem", "sort": "priority"}))
    assert headers(content)["Priority"] == ("descending", "?kind=problem&sort=-priority")
    assert content.index("Due later, urgent") < content.index("Due first, normal")
    content = text(alice.get("/desk/", {"sort": "-updated"}))
    assert headers(content)["Updated"] == ("descending", "?sort=updated")


def test_closed_tickets_offer_only_the_indexed_sorts(desk, alice):
    content = text(alice.get("/desk/", {"status": "closed", "sort": "due"}))
    assert headers(content) == {
        "Due": ("none", ""),
        "Priority": ("none", ""),
        "Updated": ("descending", "?status=closed&sort=updated"),
    }


@pytest.mark.parametrize("sort", ["due", "-due", "priority", "-priority", "updated", "-updated", "created", "-created"])
def test_every_sort_keeps_the_query_count(desk, alice, django_assert_max_num_queries, sort):
    TicketFactory.create_batch(10, queue=desk.queue_a, assignee=desk.agent_a)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        assert text(alice.get("/desk/", {"sort": sort})).count('class="fw-semibold">HD-') == 10


def test_the_sort_list_offers_only_what_is_indexed_and_shows_the_sort_in_use(desk, alice):
    content = text(alice.get("/desk/", {"status": "closed", "sort": "due"}))
    sort_list = content[content.index('name="sort"') : content.index("</select>", content.index('name="sort"'))]
    assert "Due next" not in sort_list and "Highest priority" not in sort_list
    assert '<option value="-updated" selected>Recently updated</option>' in sort_list
