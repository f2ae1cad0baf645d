"""Two messages to a closed ticket at the same instant, on PostgreSQL: one follow-up, both kept.

Real threads, real connections, committed data. Opening the follow-up is slowed down while its
transaction is open, so the second message certainly arrives meanwhile: it must wait on the old
ticket's row lock and then join the follow-up the first one opened.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.test_sweep_concurrency import in_two_threads
from tests.services import require_postgres
from tickets import services
from tickets.models import OutboundEmail, Ticket
from tickets.services import follow_up, outbox

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def closed(transactional_db: None, desk: Any, monkeypatch: pytest.MonkeyPatch) -> Ticket:
    require_postgres()
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)  # no broker needed
    submit = follow_up.ticket_submit

    def slow_submit(**kwargs: Any) -> Any:
        submitted = submit(**kwargs)
        time.sleep(0.4)
        return submitted

    monkeypatch.setattr(follow_up, "ticket_submit", slow_submit)
    ticket = submit(
        name="Grace Hopper", email="grace@example.org", kind=Ticket.Kind.PROBLEM, subject="Printer",
        description="Blank pages.", queue=desk.queue_a,
    ).ticket  # fmt: skip
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.CLOSED)
    return ticket


def test_two_messages_to_a_closed_ticket_at_once_open_one_follow_up(closed):
    bodies = iter(["Blank again.", "And the tray jams."])
    results = in_two_threads(lambda: services.customer_write(ticket=closed, body=next(bodies)))
    assert sorted(r.opened for r in results) == [False, True]
    follow_up_ticket = Ticket.objects.get(follows=closed)
    assert {r.ticket.pk for r in results} == {follow_up_ticket.pk}
    assert sorted(follow_up_ticket.messages.values_list("body", flat=True)) == ["And the tray jams.", "Blank again."]
    assert Ticket.objects.count() == 2
    assert OutboundEmail.objects.filter(ticket=follow_up_ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == 1
