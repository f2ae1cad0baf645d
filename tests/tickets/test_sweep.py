"""The promise sweep: one reminder before due, one breach notice at due, each exactly once.

docs/reliability.md §1 ("two beats, two sweeps in the same second, beat down an hour") and
section 2 rule 11; the concurrent case on PostgreSQL is in tests/e2e/test_sweep_concurrency.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from tests.factories import TicketFactory, UserFactory
from tickets import services
from tickets.models import AgentProfile, Notice, OutboundEmail, Promise, Ticket, TicketEvent
from tickets.services import sweep
from tickets.services.outbox import outbox_enqueue_notices
from tickets.services.sweep import SweepResult, promise_sweep

pytestmark = pytest.mark.django_db

MADE = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
DUE = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
REMIND = DUE - timedelta(minutes=30)
# One batch, both phases in one transaction: claim (lock and load) and mark per phase (4), breach
# events, which assignees and leads are agents, queue agents, insert notices (their ids come back
# from the insert), their addresses, insert emails, their ids (7). Plus the batch's SAVEPOINT and
# RELEASE inside a test (tests/tickets/test_sweep_batches.py checks the rest).
SWEEP_QUERIES = 11 + 2


@pytest.fixture
def lead(desk):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    desk.queue_a.team_lead = lead
    desk.queue_a.save(update_fields=["team_lead"])
    return lead


def promised(ticket: Ticket, *, due_at: datetime = DUE, remind_at: datetime | None = REMIND, **fields) -> Promise:
    """A pending promise on the ticket, as the promise services leave it (due time on the ticket too)."""
    promise = Promise.objects.create(
        ticket=ticket,
        kind=Promise.Kind.FIRST_RESPONSE,
        source=Promise.Source.POLICY,
        due_at=due_at,
        remind_at=remind_at,
        created_at=MADE,
        **fields,
    )
    ticket.next_due_at = due_at
    ticket.save(update_fields=["next_due_at"])
    return promise


def sweep_at(at: datetime) -> SweepResult:
    with time_machine.travel(at, tick=False):
        return promise_sweep()


def notices(kind: str | None = None) -> set[tuple[str, str]]:
    rows = Notice.objects.select_related("user")
    if kind:
        rows = rows.filter(kind=kind)
    return {(n.user.username, n.kind) for n in rows}


def notice_emails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTICE).select_related("notice__user"))


def deliver(email: OutboundEmail, at: datetime):
    with time_machine.travel(at, tick=False):
        services.outbox_send(email_id=email.pk)
    return mail.outbox[-1]


def test_a_broken_promise_notifies_assignee_and_team_lead_once(desk, ticket, lead, django_capture_on_commit_callbacks):
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    promise = promised(ticket)
    at = DUE + timedelta(minutes=1)

    with django_capture_on_commit_callbacks() as callbacks:
        result = sweep_at(at)

    assert result == SweepResult(reminders=0, breaches=1)
    assert notices() == {("alice", "breach"), ("lena", "breach")}
    emails = notice_emails()
    assert sorted(e.to_email for e in emails) == ["alice@desk.example", "lena@desk.example"]
    assert {e.key for e in emails} == {f"notice:{e.notice_id}" for e in emails}
    assert all(e.ticket_id == ticket.pk and e.customer_id is None for e in emails)
    assert len(callbacks) == 1  # one sender run for both emails (and any number), queued after commit
    promise.refresh_from_db()
    assert (promise.state, promise.settled_at, promise.breach_notified_at) == (Promise.State.BROKEN, DUE, at)
    assert ticket.events.filter(kind=TicketEvent.Kind.PROMISE_BROKEN).count() == 1

    again = [sweep_at(at), sweep_at(at + timedelta(minutes=1)), sweep_at(at + timedelta(hours=3))]

    assert again == [SweepResult(reminders=0, breaches=0)] * 3
    assert Notice.objects.count() == 2
    assert len(notice_emails()) == 2
    assert ticket.events.filter(kind=TicketEvent.Kind.PROMISE_BROKEN).count() == 1


def test_a_notice_another_sweep_already_wrote_is_kept_as_it_is_and_emailed_once(desk, ticket, lead):
    # A sweep that raced past the claim (or a promise noticed before) finds the notice written:
    # the sweep goes on, the agent's notice keeps its read mark, and its email is owed once.
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    promise = promised(ticket)
    read_at = DUE - timedelta(minutes=5)
    earlier = Notice.objects.create(
        promise=promise, ticket=ticket, user=desk.agent_a, kind=Notice.Kind.BREACH, created_at=DUE, read_at=read_at
    )
    outbox_enqueue_notices(notices=[earlier])

    assert sweep_at(DUE + timedelta(minutes=1)) == SweepResult(reminders=0, breaches=1)

    assert notices() == {("alice", "breach"), ("lena", "breach")}
    earlier.refresh_from_db()
    assert (earlier.created_at, earlier.read_at) == (DUE, read_at)
    assert sorted(e.to_email for e in notice_emails()) == ["alice@desk.example", "lena@desk.example"]


def test_the_ticket_stays_overdue_after_a_breach(desk, ticket, lead):
    promised(ticket)

    sweep_at(DUE + timedelta(minutes=1))

    ticket.refresh_from_db()
    assert ticket.next_due_at == DUE  # still at the top of the queue, until an agent replies


def test_the_reminder_comes_before_due_and_only_once(desk, ticket, lead):
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    promise = promised(ticket)

    assert sweep_at(REMIND - timedelta(seconds=1)) == SweepResult(reminders=0, breaches=0)
    assert sweep_at(REMIND) == SweepResult(reminders=1, breaches=0)
    assert sweep_at(REMIND + timedelta(minutes=1)) == SweepResult(reminders=0, breaches=0)
    assert sweep_at(DUE - timedelta(seconds=1)) == SweepResult(reminders=0, breaches=0)

    assert notices() == {("alice", "reminder")}  # the team lead hears of breaches only
    promise.refresh_from_db()
    assert (promise.state, promise.reminder_sent_at) == (Promise.State.PENDING, REMIND)
    assert [e.to_email for e in notice_emails()] == ["alice@desk.example"]

    assert sweep_at(DUE) == SweepResult(reminders=0, breaches=1)
    assert notices(Notice.Kind.REMINDER) == {("alice", "reminder")}
    assert notices(Notice.Kind.BREACH) == {("alice", "breach"), ("lena", "breach")}


def test_no_stale_reminder_when_the_first_sweep_runs_after_due(desk, ticket, lead):
    """Beat was down for an hour: the breach notice goes out, the reminder never does."""
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    promise = promised(ticket)

    assert sweep_at(DUE + timedelta(hours=1)) == SweepResult(reminders=0, breaches=1)

    assert notices() == {("alice", "breach"), ("lena", "breach")}
    promise.refresh_from_db()
    assert promise.reminder_sent_at is None


def test_an_unassigned_ticket_notifies_the_queue_agents_on_duty_and_the_lead(desk, ticket, lead):
    carl = UserFactory(username="carl")
    gone = UserFactory(username="gone", is_active=False)
    away = UserFactory(username="away")
    AgentProfile.objects.create(user=away, on_duty=False)
    desk.queue_a.agents.add(carl, gone, away)
    promised(ticket)

    sweep_at(REMIND)
    assert notices() == {("alice", "reminder"), ("carl", "reminder"), ("lena", "reminder")}

    sweep_at(DUE)
    assert notices(Notice.Kind.BREACH) == {("alice", "breach"), ("carl", "breach"), ("lena", "breach")}
    assert len(notice_emails()) == 6


def test_an_inactive_assignee_is_replaced_by_the_queue(desk, ticket):
    ticket.assignee = UserFactory(username="left", is_active=False)
    ticket.save(update_fields=["assignee"])
    promised(ticket)

    sweep_at(DUE)

    assert notices() == {("alice", "breach")}  # no team lead on this queue: nobody else to tell


def test_an_assignee_and_a_lead_no_longer_agents_are_replaced_by_the_queue(desk, ticket, lead):
    """Staff status taken away: they cannot open the desk, so the queue's agents hear instead."""
    ticket.assignee = UserFactory(username="demoted", is_staff=False)
    ticket.save(update_fields=["assignee"])
    lead.is_staff = False
    lead.save(update_fields=["is_staff"])
    promised(ticket)

    sweep_at(DUE)

    assert notices() == {("alice", "breach")}


def test_a_team_lead_who_is_also_the_assignee_gets_one_notice(desk, ticket, lead):
    ticket.assignee = lead
    ticket.save(update_fields=["assignee"])
    promised(ticket)

    sweep_at(DUE)

    assert notices() == {("lena", "breach")}
    assert len(notice_emails()) == 1


def test_users_without_an_address_get_the_notice_but_no_email(desk, ticket, lead):
    lead.email = ""
    lead.save(update_fields=["email"])
    promised(ticket)

    sweep_at(DUE)

    assert notices() == {("alice", "breach"), ("lena", "breach")}
    assert [e.to_email for e in notice_emails()] == ["alice@desk.example"]


@pytest.mark.parametrize("state", [Promise.State.KEPT, Promise.State.SUPERSEDED, Promise.State.ENDED])
def test_settled_promises_get_no_notices(desk, ticket, lead, state):
    promised(ticket, state=state)

    assert sweep_at(DUE + timedelta(hours=1)) == SweepResult(reminders=0, breaches=0)
    assert Notice.objects.count() == 0


def test_a_paused_promise_is_neither_reminded_nor_broken(desk, ticket, lead):
    promised(ticket, due_at=None, remind_at=None, paused_at=MADE, remaining_seconds=3600)

    assert sweep_at(DUE + timedelta(days=3)) == SweepResult(reminders=0, breaches=0)


def test_a_promise_made_with_less_time_than_the_reminder_lead_is_reminded_at_once(desk, ticket):
    promised(ticket, remind_at=MADE)

    assert sweep_at(MADE) == SweepResult(reminders=1, breaches=0)


def test_the_batch_limits_each_run_and_the_next_run_takes_the_rest(desk, lead):
    for minute in range(5):
        promised(TicketFactory(queue=desk.queue_a), due_at=DUE + timedelta(minutes=minute))

    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        first = promise_sweep(batch=3)
        second = promise_sweep(batch=3)

    assert (first.breaches, second.breaches) == (3, 2)
    assert Notice.objects.filter(kind=Notice.Kind.BREACH).count() == 10


def test_a_sweep_that_lost_some_of_its_claims_backs_off_whole(desk, ticket, lead, monkeypatch):
    """Where rows can't be locked (SQLite), a rival may mark a claimed promise first: write nothing."""
    mine = promised(ticket)
    taken = promised(TicketFactory(queue=desk.queue_a), state=Promise.State.BROKEN)
    both = sweep.due_rows(Promise.objects.filter(pk__in=[mine.pk, taken.pk]), 2)
    monkeypatch.setattr(sweep, "_in_one_statement", lambda: False)  # PostgreSQL too: the read, then the update
    monkeypatch.setattr(sweep, "_claim", lambda due, batch: both)

    assert sweep_at(DUE) == SweepResult(reminders=0, breaches=0)

    mine.refresh_from_db()
    assert mine.state == Promise.State.PENDING
    assert not Notice.objects.exists() and not OutboundEmail.objects.exists()
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.PROMISE_BROKEN).exists()
    monkeypatch.undo()
    assert sweep_at(DUE) == SweepResult(reminders=0, breaches=1)  # the next run takes it


def _scenario(desk, n: int, day: int) -> datetime:
    """``n`` promises due for a breach and ``n`` for a reminder, the first of each unassigned."""
    due = DUE + timedelta(days=day)
    for i in range(n):
        assignee = None if i == 0 else desk.agent_a
        promised(TicketFactory(queue=desk.queue_a, assignee=assignee), due_at=due - timedelta(minutes=1))
        promised(TicketFactory(queue=desk.queue_a, assignee=assignee), due_at=due + timedelta(minutes=10))
    return due


def test_the_sweep_query_count_does_not_grow_with_the_promises_due(desk, lead, django_assert_max_num_queries):
    counts = {}
    for day, n in enumerate([1, 15]):  # 2 and then 30 promises due
        at = _scenario(desk, n, day)
        with time_machine.travel(at, tick=False), django_assert_max_num_queries(SWEEP_QUERIES) as queries:
            result = promise_sweep()
        assert result == SweepResult(reminders=n, breaches=n)
        counts[n] = len(queries)
        Promise.objects.filter(state=Promise.State.PENDING).update(state=Promise.State.KEPT)  # replied to
    # On SQLite Django writes at most 999 parameters per INSERT (58 emails); 15 breaches make 30.
    assert counts[1] == counts[15], counts


def test_notice_emails_say_what_is_due_when_and_link_to_the_desk(desk, ticket, lead, settings):
    settings.SITE_URL = "https://help.example.com"
    ticket.assignee = desk.agent_a
    ticket.save(update_fields=["assignee"])
    ticket.customer.name = "Ada Lovelace"
    ticket.customer.save(update_fields=["name"])
    AgentProfile.objects.update_or_create(user=desk.agent_a, defaults={"timezone": "Europe/Berlin"})
    promised(ticket)
    reminder_at, breach_at = REMIND, DUE + timedelta(minutes=2)

    sweep_at(reminder_at)
    [reminder_row] = notice_emails()
    reminder = deliver(reminder_row, reminder_at)
    sweep_at(breach_at)
    breach_row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.NOTICE, notice__kind="breach", to_email=lead.email)
    breach = deliver(breach_row, breach_at)

    ref = ticket.reference
    assert reminder.subject == f"Due in 30 min: {ref} Printer prints blank pages"
    assert breach.subject == f"Promise broken: {ref} Printer prints blank pages"
    assert reminder.to == ["alice@desk.example"] and breach.to == ["lena@desk.example"]
    desk_link = f"https://help.example.com/desk/t/{ref}/"
    for message in (reminder, breach):
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"
        assert message.extra_headers["Message-ID"] in {reminder_row.message_id_header, breach_row.message_id_header}
        for body in (message.body, message.alternatives[0][0]):
            assert ref in body
            assert "Printer prints blank pages" in body
            assert ticket.customer.name in body
            # each in the reader's zone: Alice chose Berlin's; the lead has none, so the desk's (UTC)
            due = "15:00 (Berlin time)" if message is reminder else "14:00 (UTC)"
            assert f"Tue 4 Mar 2025, {due}" in body
            assert desk_link in body
            assert "/support/t/" not in body  # never the customer's private link
    assert "due in 30 min" in reminder.body and "you are assigned to this ticket" in reminder.body
    assert (
        "was broken: no public reply went out by the time promised (overdue 2 min)" in breach.body
        and "you lead the Billing queue" in breach.body
    )


def test_a_reminder_email_sent_late_says_how_things_stand(desk, ticket):
    """The outbox retried it past due: the subject says "Overdue", not "Due in"."""
    promised(ticket)
    sweep_at(REMIND)
    [row] = notice_emails()

    message = deliver(row, DUE + timedelta(minutes=3))

    assert message.subject == f"Overdue 3 min: {ticket.reference} Printer prints blank pages"
    assert "is overdue 3 min. A public reply is still owed." in message.body


def test_the_task_returns_the_counts_and_beat_runs_it_every_minute(desk, ticket):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from tickets.tasks import promise_sweep_task

    promised(ticket)
    with time_machine.travel(DUE, tick=False):
        assert promise_sweep_task() == {"reminders": 0, "breaches": 1}

    entry = PeriodicTask.objects.get(name="Sweep promises (reminders and breaches)")
    assert entry.task == "tickets.tasks.promise_sweep" and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (60, IntervalSchedule.SECONDS)
    assert entry.crontab is None  # an interval in UTC, never a local-time crontab (C14)


def test_outbox_enqueue_takes_an_address_without_a_customer_and_needs_one_or_the_other(desk, ticket):
    from tickets.services.outbox import outbox_enqueue

    email = outbox_enqueue(key="test:1", kind=OutboundEmail.Kind.NOTICE, to_email="lena@desk.example", ticket=ticket)
    assert (email.to_email, email.customer_id) == ("lena@desk.example", None)
    by_customer = outbox_enqueue(key="test:2", kind=OutboundEmail.Kind.TICKET_LINKS, customer=ticket.customer)
    assert by_customer.to_email == ticket.customer.email
    with pytest.raises(ValueError, match="customer or a to_email"):
        outbox_enqueue(key="test:3", kind=OutboundEmail.Kind.NOTICE)
    assert OutboundEmail.objects.count() == 2
