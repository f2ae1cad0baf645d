"""Schemathesis: requests generated from our own OpenAPI document, sent to the app in this process
with an agent's token, must never get a 500 or an answer the document doesn't describe; and
requests the document forbids must be refused, never accepted.

Each operation gets ``EXAMPLES`` generated requests (valid ones and, for the "forbidden input is
refused" check, invalid ones), against a desk with tickets in the agent's queue and another.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from api.services import token_create
from tests.factories import TicketFactory

EXAMPLES = 10  # per operation and mode (valid, invalid)


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """The app is called as a WSGI server would, and Django then closes the database connection at
    the end of each request; the test's transaction must outlive them (Django's test client does
    the same)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@pytest.mark.django_db
def test_the_api_keeps_to_its_own_document(desk: Any, connection_kept_open: None) -> None:
    TicketFactory.create_batch(3, queue=desk.queue_a)
    TicketFactory(queue=desk.queue_b)
    token = token_create(owner=desk.agent_a, name="schemathesis", scope="write").secret
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance, negative_data_rejection]
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 22  # every operation of the document

    calls = 0
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

        try:
            check()
        except Unsatisfiable:  # no request breaks this operation's document (e.g. any slug is a valid slug)
            continue
        except Exception as exc:  # each operation's first failure; all are reported at the end
            failures[f"{operation.label} ({mode.value})"] = str(exc)[:600]
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
    assert calls > len(operations) * 2  # valid and invalid requests were really sent
