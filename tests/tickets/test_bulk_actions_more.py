"""The bulk bar's other actions (move, correct the kind, add and remove tags) and the batch form of
a status change: each ticket ends as the one-by-one service leaves it, with the same events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import QueueFactory, TicketFactory
from tickets.models import BulkJob, Promise, Tag, Ticket, TicketEvent
from tickets.services import bulk
from tickets.services.desk import ticket_status_change
from tickets.services.promises import promise_make
from tickets.services.triage import ticket_tags_change

pytestmark = pytest.mark.django_db


def run(job: BulkJob) -> BulkJob:
    assert bulk.bulk_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def start(desk, action: str, params: dict, tickets: list[Ticket]) -> BulkJob:
    return bulk.bulk_job_start(actor=desk.agent_a, action=action, params=params, ticket_ids=[t.pk for t in tickets])


def with_promise(ticket: Ticket) -> Ticket:
    now = timezone.now()
    promise_make(ticket=ticket, kind="next_update", due_at=now + timedelta(hours=2), at=now, policy=None)
    ticket.refresh_from_db()
    return ticket


def history(ticket: Ticket) -> list[tuple[str, str, str]]:
    """What happened, in order, leaving out the due times the promises were made with."""
    events = ticket.events.values_list("kind", "old_value", "new_value", "actor")
    made = TicketEvent.Kind.PROMISE_MADE
    return [(kind, old, "" if kind == made else new, actor) for kind, old, new, actor in events]


def test_a_batch_close_leaves_each_ticket_as_closing_it_alone_does(desk):
    alone = with_promise(TicketFactory(queue=desk.queue_a, status="open"))
    ticket_status_change(ticket=alone, agent=desk.agent_a, status="closed")
    batch = [with_promise(TicketFactory(queue=desk.queue_a, status="open")) for _ in range(3)]
    batch.append(TicketFactory(queue=desk.queue_a, status="waiting"))  # no promise to end
    job = run(start(desk, "close", {}, batch))
    assert (job.changed, job.skipped) == (4, 0)
    alone.refresh_from_db()
    for ticket in batch[:3]:
        ticket.refresh_from_db()
        assert (ticket.status, ticket.next_due_at, ticket.closed_at is not None) == ("closed", None, True)
        assert history(ticket) == history(alone)
        assert ticket.promises.get().state == Promise.State.ENDED
    assert history(batch[3]) == [(TicketEvent.Kind.STATUS_CHANGED, "Waiting on customer", "Closed", desk.agent_a.pk)]


def test_a_batch_status_change_refuses_what_the_table_forbids_and_changes_the_rest(desk):
    closed = TicketFactory(queue=desk.queue_a, status="closed")
    fine = with_promise(TicketFactory(queue=desk.queue_a, status="open"))
    job = run(start(desk, "status", {"status": "resolved"}, [closed, fine]))
    assert (job.changed, job.skipped) == (1, 1)
    assert job.items.get(ticket_id=closed.pk).reason == "A closed ticket can't become resolved."
    fine.refresh_from_db()
    assert (fine.status, fine.next_due_at) == ("resolved", None)
    assert fine.resolved_at is not None


def test_a_batch_to_waiting_pauses_each_promise(desk):
    tickets = [with_promise(TicketFactory(queue=desk.queue_a, status="open")) for _ in range(2)]
    run(start(desk, "status", {"status": "waiting"}, tickets))
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == "waiting"
        assert ticket.events.filter(kind=TicketEvent.Kind.STATUS_CHANGED).count() == 1


def test_move_to_another_queue_records_the_move_and_unassigns_an_outsider(desk):
    mine = TicketFactory(queue=desk.queue_a, assignee=desk.agent_a)
    there = TicketFactory(queue=desk.queue_b)
    job = run(start(desk, "move", {"queue": str(desk.queue_b.pk)}, [mine]))
    assert job.changed == 1
    mine.refresh_from_db()
    assert (mine.queue, mine.assignee) == (desk.queue_b, None)
    kinds = set(mine.events.values_list("kind", flat=True))
    assert {TicketEvent.Kind.QUEUE_CHANGED, TicketEvent.Kind.ASSIGNED} <= kinds
    # a ticket of a queue the agent isn't in is never moved, crafted id or not
    job = run(start(desk, "move", {"queue": str(desk.queue_a.pk)}, [there]))
    assert job.items.get().reason == "Not found"
    assert Ticket.objects.get(pk=there.pk).queue == desk.queue_b


def test_move_needs_a_queue_that_exists(desk):
    ticket = TicketFactory(queue=desk.queue_a)
    with pytest.raises(ValidationError) as raised:
        start(desk, "move", {"queue": "999999"}, [ticket])
    assert raised.value.message_dict == {"queue": ["Choose the queue to move the tickets to."]}
    assert not BulkJob.objects.exists()


def test_correcting_the_kind_skips_tickets_of_that_kind_already(desk):
    info = TicketFactory(queue=desk.queue_a, kind="info")
    complaint = TicketFactory(queue=desk.queue_a, kind="complaint")
    job = run(start(desk, "kind", {"kind": "complaint"}, [info, complaint]))
    assert (job.changed, job.skipped) == (1, 1)
    assert job.items.get(ticket_id=complaint.pk).reason == "Already that kind"
    assert Ticket.objects.get(pk=info.pk).kind == "complaint"
    assert info.events.get(kind=TicketEvent.Kind.KIND_CHANGED).new_value == "Complaint"


def test_tags_are_added_once_and_removed_by_name(desk):
    tagged = TicketFactory(queue=desk.queue_a)
    ticket_tags_change(ticket=tagged, agent=desk.agent_a, add="billing")
    plain = TicketFactory(queue=desk.queue_a)
    job = run(start(desk, "tag", {"tags": "Billing, vip"}, [tagged, plain]))
    assert job.changed == 2
    assert sorted(plain.tags.values_list("name", flat=True)) == ["billing", "vip"]
    assert tagged.events.filter(kind=TicketEvent.Kind.TAG_ADDED).count() == 2  # billing earlier, vip now
    job = run(start(desk, "untag", {"tags": "VIP"}, [tagged, plain]))
    assert job.changed == 2
    assert list(plain.tags.values_list("name", flat=True)) == ["billing"]
    assert Tag.objects.filter(name="vip").exists()  # the tag stays for other tickets


def test_tag_actions_refuse_empty_or_unknown_tags_before_recording_anything(desk):
    ticket = TicketFactory(queue=desk.queue_a)
    with pytest.raises(ValidationError):
        start(desk, "tag", {"tags": " , "}, [ticket])
    with pytest.raises(ValidationError) as raised:
        start(desk, "tag", {"tags": "a<b>"}, [ticket])
    assert "use letters" in raised.value.message_dict["tags"][0]
    with pytest.raises(ValidationError):
        start(desk, "untag", {"tags": "never-made"}, [ticket])
    assert not BulkJob.objects.exists()


def test_moving_into_a_new_queue_is_allowed_from_anywhere(desk):
    elsewhere = QueueFactory(name="Escalations")
    ticket = TicketFactory(queue=desk.queue_a)
    run(start(desk, "move", {"queue": str(elsewhere.pk)}, [ticket]))
    assert Ticket.objects.get(pk=ticket.pk).queue == elsewhere


@pytest.mark.parametrize("size", [2, 40])
def test_a_batch_close_costs_the_same_statements_for_2_tickets_or_40(desk, django_assert_max_num_queries, size):
    tickets = [with_promise(TicketFactory(queue=desk.queue_a, status="open")) for _ in range(size)]
    job = start(desk, "close", {}, tickets)
    # The job, its pending ids, the visible tickets; the batch: items locked, tickets locked, status
    # events, promises locked, due times cleared, promises ended, promise events, tickets, items (and
    # two savepoints); the follow-ups owed (the rules, the queues' calendars, the rows written); the
    # counters; the next (empty) read of pending ids, the final counters.
    with django_assert_max_num_queries(24):
        assert bulk.bulk_job_run(job_id=job.pk)
    assert Ticket.objects.filter(status="closed").count() == size
