"""Bulk changes from the queue (/desk/bulk/): a small selection in the request, a big one as a
job with a progress page; the same permissions as one by one."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tests.factories import TicketFactory, UserFactory
from tickets.models import BulkJob, Ticket, TicketEvent
from tickets.services import bulk

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def apply(client, follow=True, **data):
    data.setdefault("scope", "selected")
    return client.post("/desk/bulk/", data, follow=follow)


def test_the_queue_offers_the_bulk_bar_and_a_checkbox_per_row(desk, alice):
    ticket = TicketFactory(queue=desk.queue_a)
    content = text(alice.get("/desk/", {"kind": "problem"}))
    assert 'id="bulk-form"' in content
    assert f'name="ids" value="{ticket.pk}" form="bulk-form" aria-label="Select {ticket.reference}"' in content
    assert "All 1 matching" in content and 'name="query" value="kind=problem"' in content


def test_a_small_selection_is_changed_at_once_and_the_queue_says_so(desk, alice):
    tickets = TicketFactory.create_batch(3, queue=desk.queue_a)
    response = apply(alice, action="assign", assignee="me", ids=[t.pk for t in tickets], query="kind=problem")
    assert response.redirect_chain[-1][0] == "/desk/?kind=problem"
    assert "Assign: 3 changed." in text(response)
    for ticket in tickets:
        assert ticket.events.get().kind == TicketEvent.Kind.ASSIGNED
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {desk.agent_a.pk}


def test_crafted_ids_of_another_queue_are_reported_not_found_and_left_alone(desk, alice):
    mine = TicketFactory(queue=desk.queue_a)
    theirs = TicketFactory(queue=desk.queue_b)
    response = apply(alice, action="close", ids=[mine.pk, theirs.pk])
    assert f"Close: 1 changed, 1 skipped ({theirs.reference}: Not found)." in text(response)
    assert Ticket.objects.get(pk=theirs.pk).status == "new"
    assert Ticket.objects.get(pk=mine.pk).status == "closed"


def test_move_kind_and_tags_from_the_bulk_bar(desk, alice):
    tickets = TicketFactory.create_batch(2, queue=desk.queue_a, kind="info")
    ids = [t.pk for t in tickets]
    assert "Correct the kind: 2 changed." in text(apply(alice, action="kind", kind="problem", ids=ids))
    assert "Add tags: 2 changed." in text(apply(alice, action="tag", tags="billing, refund", ids=ids))
    assert "Remove tags: 2 changed." in text(apply(alice, action="untag", tags="refund", ids=ids))
    for ticket in tickets:
        assert list(ticket.tags.values_list("name", flat=True)) == ["billing"]
    response = apply(alice, action="move", queue=str(desk.queue_b.pk), ids=ids)
    assert "Move to queue: 2 changed." in text(response)
    assert set(Ticket.objects.values_list("queue", "kind")) == {(desk.queue_b.pk, "problem")}


def test_a_missing_parameter_is_said_and_nothing_is_recorded(desk, alice):
    ticket = TicketFactory(queue=desk.queue_a)
    assert "Choose the queue to move the tickets to." in text(apply(alice, action="move", ids=[ticket.pk]))
    assert "Type the tags to add" in text(apply(alice, action="tag", tags="", ids=[ticket.pk]))
    assert not BulkJob.objects.exists()


def test_nothing_selected_or_no_action_changes_nothing(desk, alice):
    TicketFactory(queue=desk.queue_a)
    assert "Select at least one ticket." in text(apply(alice, action="close"))
    assert "Choose an action" in text(apply(alice, action="", ids=["1"]))
    assert not BulkJob.objects.exists()


def test_all_matching_runs_as_a_job_with_a_progress_page(desk, alice, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(bulk, "INLINE_MAX", 2)
    queued = []
    monkeypatch.setattr(bulk, "_publish", queued.append)
    TicketFactory.create_batch(4, queue=desk.queue_a, kind="complaint")
    TicketFactory(queue=desk.queue_a, kind="info")
    response = apply(alice, follow=False, action="priority", priority="4", scope="all", query="kind=complaint")
    job = BulkJob.objects.get()
    assert response["Location"] == f"/desk/bulk/{job.pk}/"
    assert job.filters == {"kind": "complaint"} and not job.listed
    with django_assert_max_num_queries(5):
        page = text(alice.get(f"/desk/bulk/{job.pk}/"))
    assert "Listing the matching tickets" in page and f'data-progress-url="/desk/bulk/{job.pk}/progress/"' in page
    with django_assert_max_num_queries(4):
        assert alice.get(f"/desk/bulk/{job.pk}/progress/").json() == {
            "state": "queued", "listed": False, "total": 0, "done": 0, "changed": 0, "skipped": 0,
        }  # fmt: skip
    bulk.bulk_job_run(job_id=job.pk)
    assert alice.get(f"/desk/bulk/{job.pk}/progress/").json()["done"] == 4
    with django_assert_max_num_queries(6):
        page = text(alice.get(f"/desk/bulk/{job.pk}/"))
    assert "<strong>Done.</strong> 4 changed, 0 skipped; no customer was emailed." in page
    assert 'href="/desk/?kind=complaint"' in page
    assert Ticket.objects.filter(priority=4).count() == 4


def test_the_summary_lists_the_skipped_tickets_and_why(desk, alice, monkeypatch):
    monkeypatch.setattr(bulk, "INLINE_MAX", 0)
    monkeypatch.setattr(bulk, "_publish", lambda job_id: None)
    closed = TicketFactory(queue=desk.queue_a, status="closed")
    theirs = TicketFactory(queue=desk.queue_b)
    apply(alice, follow=False, action="close", notify="on", ids=[closed.pk, theirs.pk])
    job = BulkJob.objects.get()
    bulk.bulk_job_run(job_id=job.pk)
    page = text(alice.get(f"/desk/bulk/{job.pk}/"))
    assert "0 changed, 2 skipped" in page
    assert f'<a href="/desk/t/{closed.reference}/">{closed.reference}</a></td><td>Already closed' in page
    assert f"<td>{theirs.reference}</td><td>Not found" in page


def test_a_job_is_its_agents_alone(desk, alice, bob, stranger):
    ticket = TicketFactory(queue=desk.queue_a)
    job = bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[ticket.pk])
    for path in (f"/desk/bulk/{job.pk}/", f"/desk/bulk/{job.pk}/progress/"):
        assert bob.get(path).status_code == 404
        assert stranger.get(path)["Location"].startswith("/desk/login/")
    assert stranger.post("/desk/bulk/", {"action": "close"})["Location"].startswith("/desk/login/")
    outsider = Client()
    outsider.force_login(UserFactory(username="olga", is_staff=False))
    assert outsider.post("/desk/bulk/", {"action": "close", "ids": [ticket.pk]}).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
