"""The load test (loadtest/) reads tokens, references and links off our pages with patterns: they
must still find them, or `make loadtest` would measure error pages."""

from __future__ import annotations

import pytest
from django.test import Client

from loadtest.pages import CSRF, REFERENCE, SEEN, TICKET_LINK
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_customer_and_an_agent_find_what_the_load_test_reads(desk, alice):
    customer = Client(enforce_csrf_checks=True)
    form = customer.get("/support/new/").content.decode()
    token = CSRF.search(form)
    assert token is not None
    fields = {"name": "Load Test", "email": "load@example.com", "kind": "problem", "subject": "Parcel missing",
              "description": "Nothing came.", "submission_key": "k1"}  # fmt: skip
    fields["csrfmiddlewaretoken"] = token.group(1)
    done = customer.post("/support/new/", fields, follow=True).content.decode()
    ticket = Ticket.objects.get()
    assert REFERENCE.search(done).group(0) == ticket.reference

    queue = alice.get("/desk/").content.decode()
    assert set(TICKET_LINK.findall(queue)) == {f"/desk/t/{ticket.reference}/"}
    page = alice.get(TICKET_LINK.findall(queue)[0]).content.decode()
    assert CSRF.search(page) is not None
    assert int(SEEN.search(page).group(1)) == ticket.events.order_by("-id").first().pk
