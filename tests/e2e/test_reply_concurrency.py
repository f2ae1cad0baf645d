"""Two agents press Send on the same ticket at the same instant, on PostgreSQL: one reply goes out,
the other agent is asked ("Alice Agent replied ..."), and the promise changes once.

``agent_reply_post`` checks "did the conversation change since this page was loaded?" after
taking the ticket's row lock (tickets/conversation.py), so the second send waits for the first
to commit and then sees its reply. The gate below holds each send just after its check until
the other has checked too (or a second has passed): were the check made before the lock, both
would pass it, meet at the gate and both send. Real threads, real connections, committed data.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from canned_responses.services import canned_reply_post
from tests.factories import UserFactory
from tests.services import require_postgres
from tickets import services
from tickets.conversation import ConversationChanged, latest_event_id
from tickets.models import Message, OutboundEmail, Promise, SlaPolicy, Ticket, TicketEvent
from tickets.services import desk as desk_services
from tickets.services import outbox

pytestmark = [pytest.mark.postgres]
GATE_SECONDS = 1.0


@pytest.fixture
def ticket(transactional_db: None, desk: Any, monkeypatch: pytest.MonkeyPatch) -> Ticket:
    """A problem with its first-response promise; Alice and Carl both work its queue. The policy is
    made here: the migration's default policies don't survive another test's flush of the database."""
    require_postgres()
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)  # no broker: the rows are what we count
    SlaPolicy.objects.update(is_active=False)
    SlaPolicy.objects.create(
        name="Problems", kind="problem", first_response_minutes=240, next_update_minutes=120, resolution_minutes=1440
    )
    desk.queue_a.agents.add(UserFactory(username="carl", first_name="Carl", last_name="Clerk"))
    return services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject="Printer prints blank pages",
        description="Every page is blank.",
    ).ticket


def in_two_threads(work: Callable[[str], object], names: tuple[str, str]) -> dict[str, object]:
    """Run ``work(name)`` for both names, released at the same instant; each closes its connections.
    Returns what each returned or raised."""
    start = threading.Barrier(2, timeout=10)
    outcomes: dict[str, object] = {}
    lock = threading.Lock()

    def run(name: str) -> None:
        try:
            start.wait()
            result: object = work(name)
        except BaseException as exc:
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes[name] = result

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a send hung"
    return outcomes


def gate_after_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each send just after its conversation check until the other has checked too."""
    gate = threading.Barrier(2)
    checked = desk_services.conversation_check

    def check_then_wait(**kwargs: Any) -> None:
        checked(**kwargs)
        # Broken after the timeout when the other send waits for the row lock: it checks after we commit.
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait(timeout=GATE_SECONDS)

    monkeypatch.setattr(desk_services, "conversation_check", check_then_wait)


def assert_one_reply_and_one_promise_change(ticket: Ticket, outcomes: dict[str, object]) -> None:
    sent = [name for name, outcome in outcomes.items() if isinstance(outcome, Message)]
    asked = {name: outcome for name, outcome in outcomes.items() if isinstance(outcome, ConversationChanged)}
    assert len(sent) == 1 and len(asked) == 1, outcomes
    [question] = asked.values()
    sender = {"alice": "Alice Agent", "carl": "Carl Clerk"}[sent[0]]
    assert [(change.text, change.also) for change in question.changes.items] == [
        (f"{sender} replied", ", took the ticket and changed the status to Open")  # the first reply took and opened it
    ]

    assert Message.objects.filter(ticket=ticket, author_kind=Message.Author.AGENT).count() == 1
    assert OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.AGENT_REPLY).count() == 1
    promises = list(Promise.objects.filter(ticket=ticket).order_by("created_at", "id").values_list("kind", "state"))
    assert promises == [
        (Promise.Kind.FIRST_RESPONSE, Promise.State.KEPT),
        (Promise.Kind.NEXT_UPDATE, Promise.State.PENDING),
    ]
    made = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.PROMISE_MADE).count()
    assert made == 2  # at intake, and by the one reply
    assert not TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.PROMISE_SUPERSEDED).exists()
    ticket.refresh_from_db()
    assert ticket.next_due_at == Promise.objects.get(ticket=ticket, state=Promise.State.PENDING).due_at


def test_two_sends_at_the_same_instant_send_once_and_ask_the_other(
    ticket: Ticket, desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = latest_event_id(ticket)  # both agents loaded the page before either sent
    users = {"alice": desk.agent_a, "carl": desk.queue_a.agents.get(username="carl")}
    gate_after_the_check(monkeypatch)

    def send(name: str) -> Message:
        posted = canned_reply_post(
            ticket=ticket, agent=users[name], body=f"{name} here: we're on it.", seen_event_id=seen
        )
        return posted.message

    outcomes = in_two_threads(send, ("alice", "carl"))

    assert_one_reply_and_one_promise_change(ticket, outcomes)


def test_the_asked_agent_sends_anyway_and_the_promise_moves_once_more(
    ticket: Ticket, desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = latest_event_id(ticket)
    users = {"alice": desk.agent_a, "carl": desk.queue_a.agents.get(username="carl")}

    def send(name: str) -> Message:
        return services.agent_reply_post(ticket=ticket, agent=users[name], body=f"{name} here.", seen_event_id=seen)

    outcomes = in_two_threads(send, ("alice", "carl"))
    assert_one_reply_and_one_promise_change(ticket, outcomes)

    [asked] = [name for name, outcome in outcomes.items() if isinstance(outcome, ConversationChanged)]
    question = outcomes[asked]
    assert isinstance(question, ConversationChanged)
    services.agent_reply_post(
        ticket=ticket, agent=users[asked], body="Sending anyway.", seen_event_id=question.latest_event_id
    )
    states = list(Promise.objects.filter(ticket=ticket).order_by("created_at", "id").values_list("state", flat=True))
    assert states == [Promise.State.KEPT, Promise.State.KEPT, Promise.State.PENDING]
    assert Promise.objects.filter(ticket=ticket, state=Promise.State.PENDING).count() == 1
