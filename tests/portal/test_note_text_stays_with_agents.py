"""An internal note's text is searchable by agents only: no lookup a customer can reach matches it.

The customer-facing lookups are "Find my requests" (/support/links/, by address), the knowledge
base's search and suggestions (/kb/search/, /kb/suggest/) and the private page. Each is asked for
words and an address that appear only in a note; the desk's search finds them.
"""

from __future__ import annotations

import html

import pytest

from tickets import services
from tickets.links import link_path
from tickets.models import OutboundEmail

pytestmark = pytest.mark.django_db
SECRET_WORD = "platypus"
SECRET_ADDRESS = "other.address@example.org"


@pytest.fixture
def noted(desk):
    submitted = services.ticket_submit(
        name="Ada Lovelace", email="ada@example.com", kind="problem", subject="Printer", description="Blank pages."
    )
    services.agent_reply_post(
        ticket=submitted.ticket,
        agent=desk.agent_a,
        body=f"Supplier code {SECRET_WORD}; she also writes from {SECRET_ADDRESS}.",
        internal=True,
    )
    return submitted


def test_the_desk_search_finds_the_note(noted, alice):
    page = html.unescape(alice.get("/desk/search/", {"q": SECRET_WORD}).content.decode())
    assert noted.ticket.reference in page and "Internal note" in page


def test_find_my_requests_does_not_match_an_address_written_in_a_note(noted, client):
    before = OutboundEmail.objects.count()
    client.post("/support/links/", {"email": SECRET_ADDRESS})
    client.post("/support/links/", {"email": SECRET_WORD})
    assert OutboundEmail.objects.count() == before
    client.post("/support/links/", {"email": "ada@example.com"})  # the customer's own address does
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.TICKET_LINKS).count() == 1


def test_the_knowledge_base_search_and_suggestions_do_not_match_note_text(noted, client):
    for query in (SECRET_WORD, noted.ticket.reference, SECRET_ADDRESS):
        page = html.unescape(client.get("/kb/search/", {"q": query}).content.decode())
        assert "Supplier code" not in page and noted.ticket.subject not in page
        assert client.get("/kb/suggest/", {"q": query}).json() == {"results": []}


def test_the_private_page_does_not_show_the_note(noted, client):
    page = html.unescape(client.get(link_path(noted.ticket)).content.decode())
    assert "Blank pages." in page
    assert SECRET_WORD not in page and SECRET_ADDRESS not in page
