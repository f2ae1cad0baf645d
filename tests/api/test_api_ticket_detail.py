"""GET /api/v1/tickets/{reference}/: the whole ticket, its notes apart, with an ETag."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.e2e.helpers import PNG_BYTES
from tests.factories import MessageFactory
from tickets.models import Message
from tickets.services import agent_reply_post

pytestmark = pytest.mark.django_db


def test_conversation_notes_and_history(api_alice, ticket, desk):
    MessageFactory(ticket=ticket, body="It prints blank pages.")
    agent_reply_post(ticket=ticket, agent=desk.agent_b, body="Checked the toner.", internal=True)
    body = api_alice.get(f"/api/v1/tickets/{ticket.reference}/").json()
    assert [m["body"] for m in body["messages"]] == ["It prints blank pages."]
    assert [m["body"] for m in body["notes"]] == ["Checked the toner."]
    assert all(m["visibility"] == Message.Visibility.NOTE for m in body["notes"])
    assert "note_added" in [e["kind"] for e in body["events"]]


def test_etag_answers_304_until_the_ticket_changes(api_alice, ticket, desk):
    first = api_alice.get(f"/api/v1/tickets/{ticket.reference}/")
    etag = first["ETag"]
    again = api_alice.get(f"/api/v1/tickets/{ticket.reference}/", HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    agent_reply_post(ticket=ticket, agent=desk.agent_a, body="A note.", internal=True)
    changed = api_alice.get(f"/api/v1/tickets/{ticket.reference}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize("messages", [1, 20])
def test_query_count_does_not_grow_with_messages(api_alice, ticket, messages, django_assert_max_num_queries):
    MessageFactory.create_batch(messages, ticket=ticket)
    api_alice.get("/api/v1/queues/")  # the token's last use noted
    with django_assert_max_num_queries(8):
        assert api_alice.get(f"/api/v1/tickets/{ticket.reference}/").status_code == 200


def test_an_unknown_reference_is_404(api_alice):
    assert api_alice.get("/api/v1/tickets/HD-999999/").status_code == 404
    assert api_alice.get("/api/v1/tickets/nonsense/").status_code == 404


def test_files_are_listed_and_downloaded_by_who_may_read_the_ticket(api_alice, api_bob, api_anon, ticket, desk):
    upload = SimpleUploadedFile("screen.png", PNG_BYTES, content_type="image/png")
    agent_reply_post(ticket=ticket, agent=desk.agent_a, body="See the screenshot.", files=[upload])
    messages = api_alice.get(f"/api/v1/tickets/{ticket.reference}/").json()["messages"]
    [attachment] = [file for message in messages for file in message["attachments"]]
    url = f"/api/v1/tickets/{ticket.reference}/attachments/{attachment['id']}/"
    assert (attachment["filename"], attachment["url"]) == ("screen.png", url)

    response = api_alice.get(url, HTTP_ACCEPT="image/png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="screen.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert api_bob.get(url).status_code == 404  # another queue's ticket: as if there were no file
    assert api_anon.get(url).status_code == 401
    assert api_alice.get(f"/api/v1/tickets/{ticket.reference}/attachments/999999/").status_code == 404
