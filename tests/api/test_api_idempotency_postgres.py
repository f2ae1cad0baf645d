"""Two requests with one Idempotency-Key at the same instant make one ticket (PostgreSQL, real threads).

The second INSERT of (actor, key) waits on the unique index until the first transaction commits,
then fails; the second request answers with the first one's kept response (api/idempotency.py).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from api.models import IdempotentRequest
from tests.api.conftest import client_with
from tests.services import require_postgres
from tickets.models import OutboundEmail, Ticket
from tickets.services import outbox

pytestmark = [pytest.mark.postgres]
ROUNDS = 5
NEW = {"name": "Dana", "email": "dana@example.com", "kind": "problem", "subject": "Twice?", "description": "Once."}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)


def at_once(*works: Any) -> list[Any]:
    barrier = threading.Barrier(len(works), timeout=10)
    results: list[Any] = [None] * len(works)

    def run(index: int, work: Any) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except BaseException as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def test_two_requests_with_one_key_at_once_make_one_ticket(transactional_db: None, desk: Any, token_for: Any) -> None:
    require_postgres()
    secret = token_for(desk.agent_a)
    for n in range(ROUNDS):
        key = f"order-{n}"

        def send(key: str = key) -> Any:
            return client_with(secret).post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY=key)

        first, second = at_once(send, send)
        assert not isinstance(first, BaseException), first
        assert not isinstance(second, BaseException), second
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json() == second.json()
    assert Ticket.objects.count() == ROUNDS
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == ROUNDS
    assert IdempotentRequest.objects.count() == ROUNDS
