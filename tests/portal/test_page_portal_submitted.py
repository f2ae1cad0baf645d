"""The success page at /support/new/done/: it links to the private page, so it guards the link too."""

from __future__ import annotations

import pytest

from tickets.links import link_path
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_success_page_keeps_the_private_link_to_our_origin(desk, client):
    response = client.post(
        "/support/new/",
        {"name": "Grace Hopper", "email": "grace@example.com", "kind": "problem", "subject": "Blank PDF",
         "description": "The invoice is empty.", "submission_key": "k1"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get("/support/new/done/")
    assert link_path(Ticket.objects.get()) in page.content.decode()
    # same-origin, not no-referrer: see portal.views._private.
    assert page["Referrer-Policy"] == "same-origin"
    head = client.head("/support/new/done/")
    assert head.status_code == 200 and head.content == b""


def _submit(client, key: str) -> None:
    response = client.post(
        "/support/new/",
        {"name": "Grace Hopper", "email": "grace@example.com", "kind": "problem", "subject": "Blank PDF",
         "description": "The invoice is empty.", "submission_key": key},
    )  # fmt: skip
    assert response.status_code == 302


def test_the_success_page_does_not_claim_an_email_the_cap_held(desk, client, settings):
    settings.ACK_PER_RECIPIENT_PER_HOUR = 1
    _submit(client, "k1")
    first = client.get("/support/new/done/").content.decode()
    assert "We've emailed a confirmation to" in first and "haven't emailed a confirmation" not in first
    _submit(client, "k2")  # over the cap: the ticket is made, its acknowledgement held
    second = client.get("/support/new/done/").content.decode()
    assert "We've emailed a confirmation to" not in second
    assert "so we haven't emailed a confirmation this time" in second
    assert link_path(Ticket.objects.latest("id")) in second
