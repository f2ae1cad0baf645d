"""The public form's POST costs the same queries on a quiet desk and a swamped one.

Three things used to grow with the desk: the "desk is busy" count of the queue's unassigned open
tickets, the customer lookup by address, and the SLA policy re-read on every submission.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def submit_queries(client, email: str) -> int:
    data = {
        "name": "Grace Hopper",
        "email": email,
        "kind": "problem",
        "subject": "Invoice PDF won't open",
        "description": "Clicking the invoice shows a blank page.",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/support/new/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return len(queries)


def test_a_submission_costs_the_same_queries_with_200_tickets_waiting(desk, client, settings):
    settings.RATELIMIT_PUBLIC_FORM = (1000, 3600)
    desk.queue_a.busy_threshold = 1  # the busy signal is read on every submission
    desk.queue_a.save()
    CustomerFactory(email="grace@example.com")
    submit_queries(client, "someone@example.com")  # the process's first request builds its caches

    quiet = (submit_queries(client, "new@example.com"), submit_queries(client, "GRACE@Example.com"))
    TicketFactory.create_batch(200, queue=desk.queue_a, assignee=None)  # and 200 customers
    swamped = (submit_queries(client, "newer@example.com"), submit_queries(client, "Grace@EXAMPLE.com"))

    assert swamped == quiet  # a new customer, then a returning one in other capitals
    # The SLA policy, calendar, hours and holidays come from the process's cache; the customer's
    # lookup takes its lock; the events go in one INSERT; the success page's ticket is in a signed
    # cookie, not a session row (25 before all that).
    assert max(swamped) <= 17
    assert Ticket.objects.filter(customer__email="grace@example.com").count() == 2
