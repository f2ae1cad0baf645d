"""Saved views and bulk changes in the admin: listed read-only, one query per page, not per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TicketFactory, UserFactory
from tickets.models import BulkJob, SavedView
from tickets.services import bulk
from tickets.services.saved_views import saved_view_create

pytestmark = pytest.mark.django_db


def add_rows(desk, n: int) -> None:
    for _ in range(n):
        agent = UserFactory()
        desk.queue_a.agents.add(agent)
        saved_view_create(actor=agent, name="Mine", params={"assignee": "mine"})
        saved_view_create(actor=desk.admin, name="Team", params={}, scope="queue", queue_id=desk.queue_a.pk)
        ticket = TicketFactory(queue=desk.queue_a)
        bulk.bulk_job_run(job_id=bulk.bulk_job_start(actor=agent, action="close", params={}, ticket_ids=[ticket.pk]).pk)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("model", ["savedview", "bulkjob"])
def test_the_lists_load_and_their_query_count_does_not_grow(admin_client_, desk, model):
    url = reverse(f"admin:tickets_{model}_changelist")
    add_rows(desk, 1)
    with_one = queries(admin_client_, url)
    add_rows(desk, 10)
    assert queries(admin_client_, url) == with_one


def test_nothing_is_added_or_edited_by_hand(admin_client_, desk):
    add_rows(desk, 1)
    view, job = SavedView.objects.first(), BulkJob.objects.get()
    assert admin_client_.get(reverse("admin:tickets_savedview_add")).status_code == 403
    page = admin_client_.get(reverse("admin:tickets_bulkjob_change", args=[job.pk]))
    assert page.status_code == 200 and b'name="state"' not in page.content
    assert (
        admin_client_.post(reverse("admin:tickets_savedview_change", args=[view.pk]), {"name": "x"}).status_code == 403
    )
