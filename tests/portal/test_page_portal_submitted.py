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
