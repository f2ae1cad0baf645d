"""Bulk jobs: the same rules as one-by-one changes, one event per ticket, crafted ids refused,
customers emailed only when asked, and a retried run never changes a ticket twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from tickets.models import BulkJob, BulkJobItem, OutboundEmail, Ticket, TicketEvent
from tickets.services import bulk
from tickets.services.bulk_actions import BULK_ACTIONS

pytestmark = pytest.mark.django_db


def run(job: BulkJob) -> BulkJob:
    assert bulk.bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def reasons(job: BulkJob) -> dict[int, str]:
    return dict(job.items.filter(state="skipped").values_list("ticket_id", "reason"))


def test_assign_to_me_gives_each_ticket_its_own_event(desk):
    tickets = TicketFactory.create_batch(3, queue=desk.queue_a)
    job = run(
        bulk.bulk_job_start(
            actor=desk.agent_a, action="assign", params={"assignee": "me"}, ticket_ids=[t.pk for t in tickets]
        )
    )
    assert (job.state, job.total, job.changed, job.skipped) == ("done", 3, 3, 0)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {desk.agent_a.pk}
    for ticket in tickets:
        event = ticket.events.get()
        assert (event.kind, event.actor, event.new_value) == (TicketEvent.Kind.ASSIGNED, desk.agent_a, "Alice Agent")


def test_crafted_ids_outside_the_agents_queues_are_not_found_and_never_changed(desk):
    mine = TicketFactory(queue=desk.queue_a)
    theirs = TicketFactory(queue=desk.queue_b)
    job = run(
        bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[mine.pk, theirs.pk, 999_999])
    )
    assert (job.changed, job.skipped) == (1, 2)
    assert reasons(job) == {theirs.pk: "Not found", 999_999: "Not found"}
    theirs.refresh_from_db()
    assert theirs.status == "new" and not theirs.events.exists()


def test_a_ticket_moved_out_of_the_agents_queues_after_the_job_started_is_skipped(desk):
    ticket = TicketFactory(queue=desk.queue_a)
    job = bulk.bulk_job_start(actor=desk.agent_a, action="priority", params={"priority": "4"}, ticket_ids=[ticket.pk])
    Ticket.objects.filter(pk=ticket.pk).update(queue=desk.queue_b)
    assert reasons(run(job)) == {ticket.pk: "Not found"}
    assert Ticket.objects.get(pk=ticket.pk).priority == 2


def test_the_service_rules_hold_and_say_why_a_ticket_was_skipped(desk):
    closed = TicketFactory(queue=desk.queue_a, status="closed")
    already = TicketFactory(queue=desk.queue_a, status="open")
    fine = TicketFactory(queue=desk.queue_a, status="new")
    job = run(
        bulk.bulk_job_start(
            actor=desk.agent_a, action="status", params={"status": "open"}, ticket_ids=[closed.pk, already.pk, fine.pk]
        )
    )
    assert (job.changed, job.skipped) == (1, 2)
    assert reasons(job) == {closed.pk: "A closed ticket can't become open.", already.pk: "Already in that status"}
    assert Ticket.objects.get(pk=closed.pk).status == "closed"


def test_assigning_someone_outside_a_tickets_queue_skips_that_ticket(desk):
    billing = TicketFactory(queue=desk.queue_a)
    technical = TicketFactory(queue=desk.queue_b)
    job = run(
        bulk.bulk_job_start(
            actor=desk.admin,
            action="assign",
            params={"assignee": str(desk.agent_b.pk)},
            ticket_ids=[billing.pk, technical.pk],
        )
    )
    assert reasons(job) == {billing.pk: "Pick an agent who works in this ticket's queue."}
    assert Ticket.objects.get(pk=technical.pk).assignee == desk.agent_b


def test_closing_ends_the_pending_promise_as_one_by_one_does(desk):
    ticket = TicketFactory(queue=desk.queue_a, status="open")
    from tickets.services.promises import promise_make

    promise_make(
        ticket=ticket, kind="next_update", due_at=timezone.now() + timedelta(hours=1), at=timezone.now(), policy=None
    )
    run(bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.next_due_at is None
    assert ticket.promises.get().state == "ended"
    assert ticket.events.filter(kind=TicketEvent.Kind.PROMISE_ENDED).count() == 1


def test_a_bulk_close_emails_no_customer_unless_asked(desk):
    quiet = TicketFactory.create_batch(2, queue=desk.queue_a)
    run(bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[t.pk for t in quiet]))
    assert not OutboundEmail.objects.exists()
    told = TicketFactory.create_batch(2, queue=desk.queue_a)
    job = run(
        bulk.bulk_job_start(actor=desk.agent_a, action="close", params={"notify": "1"}, ticket_ids=[t.pk for t in told])
    )
    emails = OutboundEmail.objects.order_by("ticket_id")
    assert [(e.kind, e.ticket_id, e.to_email) for e in emails] == [("status", t.pk, t.customer.email) for t in told]
    assert {e.key for e in emails} == {f"bulk:{job.pk}:{t.pk}" for t in told}


def test_an_unchanged_ticket_is_not_told(desk):
    already = TicketFactory(queue=desk.queue_a, status="closed")
    run(bulk.bulk_job_start(actor=desk.agent_a, action="close", params={"notify": "1"}, ticket_ids=[already.pk]))
    assert not OutboundEmail.objects.exists()


def test_a_run_that_dies_midway_then_retried_changes_each_ticket_once(desk, monkeypatch):
    tickets = TicketFactory.create_batch(6, queue=desk.queue_a)
    job = bulk.bulk_job_start(
        actor=desk.agent_a, action="priority", params={"priority": "3"}, ticket_ids=[t.pk for t in tickets]
    )
    action = BULK_ACTIONS["priority"]
    calls = {"n": 0}

    def dies_on_the_fourth(ticket, actor, params):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker killed")
        return action.apply(ticket, actor, params)

    monkeypatch.setitem(BULK_ACTIONS, "priority", action.__class__(**{**action.__dict__, "apply": dies_on_the_fourth}))
    monkeypatch.setattr(bulk, "BATCH", 2)  # two tickets per transaction
    with pytest.raises(RuntimeError):
        bulk.bulk_job_run(job_id=job.pk)
    # The first batch committed; the dying one left nothing half-written: no change without its "done".
    assert job.items.filter(state="changed").count() == 2
    assert Ticket.objects.filter(priority=3).count() == 2
    monkeypatch.setitem(BULK_ACTIONS, "priority", action)
    run(job)
    run(job)  # a duplicated message after the end changes nothing either
    for ticket in tickets:
        assert ticket.events.filter(kind=TicketEvent.Kind.PRIORITY_CHANGED).count() == 1
    job.refresh_from_db()
    assert (job.state, job.changed, job.skipped) == ("done", 6, 0)


def test_a_filter_job_freezes_the_matching_tickets_of_the_agents_queues(desk, monkeypatch):
    monkeypatch.setattr(bulk, "INLINE_MAX", 2)
    complaints = TicketFactory.create_batch(3, queue=desk.queue_a, kind="complaint")
    TicketFactory(queue=desk.queue_a, kind="info")
    TicketFactory(queue=desk.queue_b, kind="complaint")
    job = bulk.bulk_job_start(
        actor=desk.agent_a, action="priority", params={"priority": "4"}, filters={"kind": "complaint"}
    )
    assert not job.listed and not bulk.bulk_job_runs_inline(job)
    late = TicketFactory(queue=desk.queue_a, kind="complaint")
    bulk.bulk_job_run(job_id=job.pk, budget_seconds=0)  # lists, then one batch
    job.refresh_from_db()
    assert job.listed and job.total == 4  # listed when the task first ran, the late one included
    run(job)
    assert set(Ticket.objects.filter(priority=4).values_list("pk", flat=True)) == {t.pk for t in [*complaints, late]}


def test_a_small_filter_is_listed_at_once(desk):
    ticket = TicketFactory(queue=desk.queue_a, kind="complaint")
    job = bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, filters={"kind": "complaint"})
    assert job.listed and bulk.bulk_job_runs_inline(job)
    assert list(job.items.values_list("ticket_id", flat=True)) == [ticket.pk]


def test_progress_is_recorded_batch_by_batch(desk, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    tickets = TicketFactory.create_batch(5, queue=desk.queue_a)
    job = bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[t.pk for t in tickets])
    seen = []
    while not bulk.bulk_job_run(job_id=job.pk, budget_seconds=0):
        job.refresh_from_db()
        seen.append((job.state, job.changed))
    job.refresh_from_db()
    assert seen == [("running", 2), ("running", 4)]
    assert (job.state, job.changed) == ("done", 5)
    assert job.finished_at is not None


def test_bad_input_is_refused_before_anything_is_recorded(desk):
    ticket = TicketFactory(queue=desk.queue_a)
    for action, params in [
        ("explode", {}),
        ("status", {"status": "archived"}),
        ("priority", {"priority": "9"}),
        ("assign", {"assignee": "nobody"}),
    ]:
        with pytest.raises(ValidationError):
            bulk.bulk_job_start(actor=desk.agent_a, action=action, params=params, ticket_ids=[ticket.pk])
    with pytest.raises(ValidationError):
        bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[])
    outsider = UserFactory(username="olga", is_staff=False)
    with pytest.raises(ValidationError):
        bulk.bulk_job_start(actor=outsider, action="close", params={}, ticket_ids=[ticket.pk])
    assert not BulkJob.objects.exists() and not BulkJobItem.objects.exists()


def test_a_stalled_job_is_queued_again_once(desk, monkeypatch):
    queued = []
    monkeypatch.setattr(bulk, "_publish", queued.append)
    ticket = TicketFactory(queue=desk.queue_a)
    job = bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, ticket_ids=[ticket.pk])
    BulkJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert bulk.bulk_jobs_requeue_stalled() == 1
    assert bulk.bulk_jobs_requeue_stalled() == 0  # claimed: the heartbeat moved
    run(job)
    BulkJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert bulk.bulk_jobs_requeue_stalled() == 0  # done jobs stay done


def test_the_email_a_customer_gets_when_asked_says_what_happened_in_both_parts(desk, settings):
    from django.core import mail

    from tickets.services import outbox_send

    settings.SITE_URL = "https://help.example.com"
    ticket = TicketFactory(queue=desk.queue_a, subject="Printer on fire", customer__name="Ada Lovelace")
    run(
        bulk.bulk_job_start(
            actor=desk.agent_a, action="status", params={"status": "resolved", "notify": "on"}, ticket_ids=[ticket.pk]
        )
    )
    outbox_send(email_id=OutboundEmail.objects.get().pk)
    message = mail.outbox[-1]
    assert message.subject == f"[{ticket.reference}] Solved: Printer on fire"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    for body in (message.body, message.alternatives[0][0]):
        assert "Hello Ada" in body
        assert "as solved" in body or "as <strong>solved</strong>" in body
        assert "https://help.example.com/support/t/" in body


def test_all_matching_past_the_limit_is_refused_with_what_to_do(desk, monkeypatch):
    monkeypatch.setattr(bulk, "INLINE_MAX", 1)
    monkeypatch.setattr(bulk, "MAX_TICKETS", 3)
    TicketFactory.create_batch(4, queue=desk.queue_a)
    with pytest.raises(ValidationError, match="at most 3 tickets; narrow the filters"):
        bulk.bulk_job_start(actor=desk.agent_a, action="close", params={}, filters={})
    assert not BulkJob.objects.exists()
