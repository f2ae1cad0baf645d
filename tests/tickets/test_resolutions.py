"""A complaint is not solved without its resolution, whichever way in asks: one ticket, a bulk
change, the API; recording it writes the timeline, and a complaint's follow-up is then owed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import TicketFactory
from tickets import services
from tickets.models import ComplaintResolution, FollowUpRule, RootCause, ScheduledCheckIn, Ticket, TicketEvent
from tickets.services.desk import tickets_status_change
from tickets.services.merge import ticket_merge
from tickets.services.resolutions import resolution_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(desk) -> Ticket:
    return TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT, status=Ticket.Status.OPEN)


@pytest.fixture
def cause(db) -> RootCause:
    return RootCause.objects.get_or_create(name="Our mistake")[0]


@pytest.mark.parametrize("status", [Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
def test_a_complaint_without_a_resolution_is_not_solved(desk, complaint, status):
    with pytest.raises(ValidationError, match="resolution") as caught:
        services.ticket_status_change(ticket=complaint, agent=desk.agent_a, status=status)
    assert "status" in caught.value.error_dict
    complaint.refresh_from_db()
    assert complaint.status == Ticket.Status.OPEN


def test_with_its_resolution_it_is_solved_and_its_follow_up_is_owed(desk, complaint, cause):
    FollowUpRule.objects.filter(kind="complaint").delete()
    FollowUpRule.objects.create(name="After your complaint", kind="complaint", days=7, message="All well?")
    resolution_record(ticket=complaint, agent=desk.agent_a, note="Charged twice by our error.", root_cause_id=cause.pk)
    services.ticket_status_change(ticket=complaint, agent=desk.agent_a, status=Ticket.Status.CLOSED)
    complaint.refresh_from_db()
    assert complaint.status == Ticket.Status.CLOSED
    assert ScheduledCheckIn.objects.get(ticket=complaint).rule.name == "After your complaint"
    event = complaint.events.get(kind=TicketEvent.Kind.RESOLUTION_RECORDED)
    assert (event.actor, event.new_value) == (desk.agent_a, "Our mistake")


def test_a_reply_that_solves_a_complaint_without_a_resolution_writes_nothing(desk, complaint):
    with pytest.raises(ValidationError, match="resolution"):
        services.agent_reply_post(ticket=complaint, agent=desk.agent_a, body="Sorted!", status_after="resolved")
    assert not complaint.messages.exists()


def test_a_bulk_close_skips_the_complaint_with_the_reason_and_closes_the_rest(desk, complaint, cause):
    problem = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.PROBLEM, status=Ticket.Status.OPEN)
    resolved = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT, status=Ticket.Status.OPEN)
    resolution_record(ticket=resolved, agent=desk.agent_a, note="Late parcel.", root_cause_id=cause.pk)
    outcomes = tickets_status_change(
        ticket_ids=[complaint.pk, problem.pk, resolved.pk], agent=desk.agent_a, status=Ticket.Status.CLOSED
    )
    assert outcomes[problem.pk] is True and outcomes[resolved.pk] is True
    assert "resolution" in str(outcomes[complaint.pk])
    assert Ticket.objects.get(pk=complaint.pk).status == Ticket.Status.OPEN


def test_a_merged_complaint_duplicate_needs_no_resolution(desk, complaint):
    duplicate = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT, customer=complaint.customer)
    ticket_merge(source=duplicate, target=complaint, agent=desk.agent_a)
    assert Ticket.objects.get(pk=duplicate.pk).status == Ticket.Status.CLOSED


def test_recording_again_replaces_the_note_and_cause(desk, complaint, cause):
    other = RootCause.objects.get_or_create(name="Delay")[0]
    resolution_record(ticket=complaint, agent=desk.agent_a, note="First look.", root_cause_id=cause.pk)
    resolution_record(ticket=complaint, agent=desk.agent_b, note="It was the courier.", root_cause_id=other.pk)
    resolution = ComplaintResolution.objects.get(ticket=complaint)
    assert (resolution.note, resolution.root_cause, resolution.recorded_by) == (
        "It was the courier.",
        other,
        desk.agent_b,
    )
    assert complaint.events.filter(kind=TicketEvent.Kind.RESOLUTION_RECORDED).count() == 2


@pytest.mark.parametrize(
    ("note", "cause_id", "field"),
    [("", "ok", "note"), ("Late.", None, "root_cause"), ("Late.", "inactive", "root_cause")],
)
def test_a_resolution_needs_a_note_and_an_active_cause(desk, complaint, cause, note, cause_id, field):
    inactive = RootCause.objects.create(name="Retired", active=False)
    ids = {"ok": cause.pk, "inactive": inactive.pk, None: None}
    with pytest.raises(ValidationError) as caught:
        resolution_record(ticket=complaint, agent=desk.agent_a, note=note, root_cause_id=ids[cause_id])
    assert field in caught.value.error_dict
    assert not ComplaintResolution.objects.exists()


def test_only_a_complaint_takes_a_resolution(desk, cause):
    problem = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.PROBLEM)
    with pytest.raises(ValidationError, match="complaint"):
        resolution_record(ticket=problem, agent=desk.agent_a, note="x", root_cause_id=cause.pk)


def test_other_kinds_are_solved_as_before(desk):
    problem = TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.PROBLEM, status=Ticket.Status.OPEN)
    assert services.ticket_status_change(ticket=problem, agent=desk.agent_a, status=Ticket.Status.RESOLVED)
