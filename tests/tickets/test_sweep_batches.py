"""The sweep at any size: who hears of an unassigned ticket, one digest email per agent per batch,
a constant number of queries per batch, and batch after batch until nothing is due.

The basics (each notice once, reminders before due) are in tests/tickets/test_sweep.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from tests.factories import TicketFactory, UserFactory
from tests.tickets.test_sweep import DUE, REMIND, notices, promised, sweep_at
from tickets import services
from tickets.models import AgentProfile, Notice, OutboundEmail, Promise
from tickets.services import sweep
from tickets.services.sweep import SweepResult, promise_sweep, promise_sweep_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(desk):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    desk.queue_a.team_lead = lead
    desk.queue_a.save(update_fields=["team_lead"])
    return lead


def off_duty(*users) -> None:
    for user in users:
        AgentProfile.objects.update_or_create(user=user, defaults={"on_duty": False})


def emails_to(address: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTICE, to_email=address).order_by("pk"))


def test_an_unassigned_ticket_with_nobody_on_duty_goes_to_the_lead_alone(desk, ticket, lead):
    carl = UserFactory(username="carl")
    desk.queue_a.agents.add(carl)
    off_duty(desk.agent_a, carl)
    promised(ticket)

    sweep_at(REMIND)
    sweep_at(DUE)

    assert notices() == {("lena", "reminder"), ("lena", "breach")}


def test_an_unassigned_ticket_with_nobody_on_duty_and_no_lead_goes_to_every_agent_of_the_queue(desk, ticket):
    carl = UserFactory(username="carl")
    desk.queue_a.agents.add(carl, UserFactory(username="gone", is_active=False))
    off_duty(desk.agent_a, carl)
    promised(ticket)

    sweep_at(DUE)

    assert notices() == {("alice", "breach"), ("carl", "breach")}  # never someone who is no agent


def test_an_assigned_ticket_still_tells_the_assignee_alone_of_a_reminder(desk, ticket, lead):
    ticket.assignee = desk.agent_b
    ticket.save(update_fields=["assignee"])
    promised(ticket)

    sweep_at(REMIND)

    assert notices() == {("bob", "reminder")}


def test_several_notices_for_one_agent_in_one_sweep_make_one_digest_email(desk, lead, settings):
    settings.SITE_URL = "https://help.example.com"
    broken = [promised(TicketFactory(queue=desk.queue_a, subject=f"Broken {n}"), due_at=DUE) for n in range(3)]
    soon = promised(TicketFactory(queue=desk.queue_a, subject="Due soon"), due_at=DUE + timedelta(minutes=20))

    assert sweep_at(DUE) == SweepResult(reminders=1, breaches=3)

    # The bell keeps one notice per promise and agent; the inbox gets one email each.
    assert Notice.objects.filter(user=desk.agent_a).count() == 4
    assert Notice.objects.filter(user=lead).count() == 4
    [alices] = emails_to(desk.agent_a.email)
    [lenas] = emails_to(lead.email)
    assert alices.notice_id is None and len(alices.context["notices"]) == 4
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        services.outbox_send(email_id=alices.pk)
    message = mail.outbox[-1]
    assert message.to == [desk.agent_a.email]
    assert message.subject == "3 promises broken, 1 due soon"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    for body in (message.body, message.alternatives[0][0]):
        for promise in [*broken, soon]:
            assert promise.ticket.reference in body
            assert f"https://help.example.com/desk/t/{promise.ticket.reference}/" in body
        assert "Due soon" in body and "Due in 19 min" in body
        assert "https://help.example.com/desk/notices/" in body
    text = message.body
    assert text.index("Broken 0") < text.index("Due soon")  # breaches first
    assert "/support/t/" not in text  # never a customer's private link
    assert lenas.status == OutboundEmail.Status.PENDING

    assert sweep_at(DUE + timedelta(minutes=1)) == SweepResult(reminders=0, breaches=0)
    assert len(emails_to(desk.agent_a.email)) == 1  # nothing twice


def test_a_long_digest_lists_the_first_fifty_and_counts_the_rest(desk, lead, monkeypatch):
    from tickets import emails_digest

    monkeypatch.setattr(emails_digest, "DIGEST_MAX_LINES", 2)
    for n in range(5):
        promised(TicketFactory(queue=desk.queue_a, subject=f"Broken {n}"), due_at=DUE)
    sweep_at(DUE)
    [row] = emails_to(desk.agent_a.email)

    with time_machine.travel(DUE, tick=False):
        services.outbox_send(email_id=row.pk)

    body = mail.outbox[-1].body
    assert "Broken 1" in body and "Broken 2" not in body
    assert "And 3 more" in body


def test_one_notice_keeps_its_own_email(desk, ticket, lead):
    promised(ticket)

    sweep_at(REMIND)

    [row] = emails_to(desk.agent_a.email)
    assert row.key == f"notice:{row.notice_id}"


def _due(desk, n: int, day: int):
    """``n`` breaches and ``n`` reminders due, a third unassigned, the rest over three agents."""
    at = DUE + timedelta(days=day)
    agents = [desk.agent_a, *[UserFactory(username=f"agent{day}x{i}") for i in range(2)]]
    desk.queue_a.agents.add(*agents)
    for i in range(n):
        assignee = None if i % 3 == 0 else agents[i % 3]
        promised(TicketFactory(queue=desk.queue_a, assignee=assignee), due_at=at - timedelta(minutes=1))
        promised(TicketFactory(queue=desk.queue_a, assignee=assignee), due_at=at + timedelta(minutes=10))
    return at


def test_the_query_count_is_constant_per_batch_not_per_promise(desk, lead, django_assert_max_num_queries):
    counts = {}
    # 2 and then 40 promises due, notices to five people. (SQLite writes at most 999 parameters per
    # INSERT, about 140 notices: more would split the insert, as CHUNK does on PostgreSQL at 500.)
    for day, n in enumerate([1, 20]):
        at = _due(desk, n, day)
        with time_machine.travel(at, tick=False), django_assert_max_num_queries(13) as queries:
            assert promise_sweep() == SweepResult(reminders=n, breaches=n)
        counts[n] = len(queries)
        Promise.objects.filter(state=Promise.State.PENDING).update(state=Promise.State.KEPT)
    # Claim and mark each phase (2 on PostgreSQL, one statement each; 4 elsewhere, a read and an
    # update), breach events, which assignees and leads are agents, the queues' agents, notices in
    # (their ids come back from the insert), their addresses, emails in and their ids (7), and the
    # batch's SAVEPOINT and RELEASE inside a test (2).
    expected = 2 + 7 + 2 if connection.vendor == "postgresql" else 4 + 7 + 2
    assert counts[1] == counts[20] == expected, counts


def test_the_sweep_goes_on_batch_after_batch_until_nothing_is_due(desk, lead):
    for minute in range(7):
        promised(TicketFactory(queue=desk.queue_a), due_at=DUE - timedelta(minutes=minute))

    with time_machine.travel(DUE, tick=False):
        assert promise_sweep_for(budget_seconds=60, batch=3) == (SweepResult(reminders=0, breaches=7), False)
        assert promise_sweep_for(budget_seconds=60, batch=3) == (SweepResult(reminders=0, breaches=0), False)


def test_out_of_time_the_sweep_says_more_is_due_and_the_task_queues_its_next_run(desk, lead, monkeypatch):
    from tickets import tasks

    for minute in range(5):
        promised(TicketFactory(queue=desk.queue_a), due_at=DUE - timedelta(minutes=minute))
    queued: list[str] = []
    monkeypatch.setattr(tasks.current_app, "send_task", queued.append)
    monkeypatch.setattr(sweep, "BATCH", 2)
    monkeypatch.setattr(sweep, "BUDGET_SECONDS", 0)

    with time_machine.travel(DUE, tick=False):
        assert tasks.promise_sweep_task() == {"reminders": 0, "breaches": 2}
        assert queued == ["tickets.tasks.promise_sweep"]
        tasks.promise_sweep_task()
        tasks.promise_sweep_task()
    assert Promise.objects.filter(state=Promise.State.BROKEN).count() == 5
    assert queued == ["tickets.tasks.promise_sweep"] * 2  # the last run found less than a batch
