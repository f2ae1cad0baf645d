"""Saved views: who sees which, what each counts (per agent), the cap, the cache."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import QueueFactory, TicketFactory, UserFactory
from tickets.models import SavedView
from tickets.selectors_views import (
    count_label,
    queue_filters_from_params,
    queue_params,
    saved_view_counts,
    saved_views_for_agent,
)
from tickets.services.saved_views import saved_view_create, saved_view_delete

pytestmark = pytest.mark.django_db


def names(user) -> list[str]:
    return [view.name for view in saved_views_for_agent(user)]


def test_a_personal_view_is_its_owners_alone(desk):
    saved_view_create(actor=desk.agent_a, name="My complaints", params={"kind": "complaint"})
    assert names(desk.agent_a) == ["My complaints"]
    assert names(desk.agent_b) == []
    assert names(desk.admin) == []


def test_an_admin_shares_with_everyone_or_with_one_queues_agents(desk):
    saved_view_create(actor=desk.admin, name="Overdue", params={"due": "overdue"}, scope="everyone")
    saved_view_create(
        actor=desk.admin, name="Billing new", params={"status": "new"}, scope="queue", queue_id=desk.queue_a.pk
    )
    saved_view_create(actor=desk.agent_a, name="Mine", params={"assignee": "mine"})
    assert names(desk.agent_a) == ["Billing new", "Overdue", "Mine"]  # shared first, then one's own
    assert names(desk.agent_b) == ["Overdue"]
    assert names(desk.admin) == ["Billing new", "Overdue"]


def test_only_an_admin_shares_and_a_queue_view_needs_its_queue(desk):
    with pytest.raises(ValidationError, match="Only an admin"):
        saved_view_create(actor=desk.agent_a, name="Ours", params={}, scope="everyone")
    with pytest.raises(ValidationError, match="Choose the queue"):
        saved_view_create(actor=desk.admin, name="Ours", params={}, scope="queue")
    with pytest.raises(ValidationError, match="name"):
        saved_view_create(actor=desk.agent_a, name="   ", params={})
    assert not SavedView.objects.exists()


def test_a_view_keeps_only_meaningful_filters(desk):
    view = saved_view_create(
        actor=desk.agent_a,
        name="Odd",
        params={
            "status": "active",
            "kind": "complaint",
            "queue": "abc",
            "due": "someday",
            "sort": "-updated",
            "x": "1",
        },
    )
    assert view.filters == {"kind": "complaint", "sort": "-updated"}
    assert queue_params(queue_filters_from_params(view.filters)) == view.filters


def test_removing_a_view(desk):
    mine = saved_view_create(actor=desk.agent_a, name="Mine", params={"assignee": "mine"})
    shared = saved_view_create(actor=desk.admin, name="All", params={}, scope="everyone")
    with pytest.raises(ValidationError, match="Only an admin"):
        saved_view_delete(actor=desk.agent_a, view=shared)
    with pytest.raises(ValidationError):
        saved_view_delete(actor=desk.agent_b, view=mine)
    saved_view_delete(actor=desk.agent_a, view=mine)
    saved_view_delete(actor=desk.admin, view=shared)
    assert not SavedView.objects.exists()


def test_counts_are_per_agent_over_what_each_may_see(desk):
    carl = UserFactory(username="carl")
    desk.queue_a.agents.add(carl)
    TicketFactory(queue=desk.queue_a, assignee=desk.agent_a)
    TicketFactory(queue=desk.queue_a, assignee=desk.agent_a, kind="complaint")
    TicketFactory(queue=desk.queue_a, assignee=carl)
    TicketFactory(queue=desk.queue_a, assignee=desk.agent_a, status="closed")
    TicketFactory(queue=desk.queue_b, kind="complaint")
    mine = saved_view_create(actor=desk.admin, name="Mine", params={"assignee": "mine"}, scope="everyone")
    complaints = saved_view_create(actor=desk.admin, name="Complaints", params={"kind": "complaint"}, scope="everyone")
    views = [mine, complaints]
    assert saved_view_counts(user=desk.agent_a, views=views) == {mine.pk: 2, complaints.pk: 1}
    assert saved_view_counts(user=carl, views=views) == {mine.pk: 1, complaints.pk: 1}
    assert saved_view_counts(user=desk.agent_b, views=views) == {mine.pk: 0, complaints.pk: 1}
    assert saved_view_counts(user=desk.admin, views=views) == {mine.pk: 0, complaints.pk: 2}


def test_counts_stop_at_the_cap_and_show_as_cap_plus(desk, monkeypatch):
    monkeypatch.setattr("tickets.selectors_views.VIEW_COUNT_CAP", 3)
    TicketFactory.create_batch(5, queue=desk.queue_a)
    view = saved_view_create(actor=desk.agent_a, name="All", params={})
    assert saved_view_counts(user=desk.agent_a, views=[view]) == {view.pk: 4}
    assert count_label(4) == "3+" and count_label(3) == "3"


def test_counts_are_cached_per_view_and_agent_until_the_view_changes(desk, django_assert_num_queries):
    TicketFactory(queue=desk.queue_a)
    view = saved_view_create(actor=desk.agent_a, name="All", params={})
    assert saved_view_counts(user=desk.agent_a, views=[view]) == {view.pk: 1}
    TicketFactory(queue=desk.queue_a)
    with django_assert_num_queries(0):
        assert saved_view_counts(user=desk.agent_a, views=[view]) == {view.pk: 1}  # cached for 30 s
    view.filters = {"status": "all"}
    view.updated_at = view.updated_at.replace(year=view.updated_at.year + 1)
    view.save()
    assert saved_view_counts(user=desk.agent_a, views=[view]) == {view.pk: 2}


def test_the_sidebar_is_one_query_however_many_views(desk, django_assert_num_queries):
    for n in range(5):
        saved_view_create(actor=desk.agent_a, name=f"View {n}", params={})
        saved_view_create(actor=desk.admin, name=f"Team {n}", params={}, scope="queue", queue_id=QueueFactory().pk)
    with django_assert_num_queries(1):
        assert len(saved_views_for_agent(desk.agent_a)) == 5
    with django_assert_num_queries(1):
        assert len(saved_views_for_agent(desk.admin)) == 5
