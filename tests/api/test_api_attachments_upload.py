"""Files sent with a reply or a note through the API (multipart/form-data): checked as the desk checks
them, stored with the message, downloadable through the API, and refused whole with a field error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets.models import Attachment, Message, OutboundEmail
from tickets.services import outbox

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"%" * 64


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "kick_now", lambda lane: None)


def url(ticket, tail):
    return f"/api/v1/tickets/{ticket.reference}/{tail}"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_reply_with_files_stores_them_and_they_download(api_alice, ticket):
    files = [upload("screen.png", PNG, "image/png"), upload("invoice.pdf", PDF, "application/pdf")]
    response = api_alice.post(url(ticket, "replies/"), {"body": "Here is the corrected invoice.", "files": files})
    assert response.status_code == 201, response.content
    listed = response.json()["attachments"]
    assert [(file["filename"], file["size"]) for file in listed] == [
        ("screen.png", len(PNG)),
        ("invoice.pdf", len(PDF)),
    ]
    assert OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.AGENT_REPLY).count() == 1
    download = api_alice.get(listed[1]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_note_takes_files_too_and_keeps_them_internal(api_alice, ticket):
    response = api_alice.post(
        url(ticket, "notes/"), {"body": "Log from the customer's call.", "files": [upload("call.png", PNG)]}
    )
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.visibility == Message.Visibility.NOTE
    assert list(message.attachments.values_list("filename", flat=True)) == ["call.png"]


def test_a_file_of_a_refused_type_is_a_files_error_and_nothing_is_written(api_alice, ticket):
    before = (Message.objects.count(), Attachment.objects.count(), OutboundEmail.objects.count())
    files = [upload("screen.png", PNG), upload("setup.exe", b"MZ\x90\x00" + b"\x00" * 60)]
    response = api_alice.post(url(ticket, "replies/"), {"body": "Try this.", "files": files})
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["files"]
    assert "setup.exe" in errors["files"][0]
    assert (Message.objects.count(), Attachment.objects.count(), OutboundEmail.objects.count()) == before


def test_more_files_than_allowed_are_refused(api_alice, ticket):
    files = [upload(f"shot{n}.png", PNG) for n in range(6)]
    response = api_alice.post(url(ticket, "notes/"), {"body": "Screens.", "files": files})
    assert response.status_code == 400
    assert list(response.json()) == ["files"]
    assert not Message.objects.filter(ticket=ticket, body="Screens.").exists()


def test_json_replies_still_need_no_files(api_alice, ticket):
    response = api_alice.post(url(ticket, "replies/"), {"body": "No files here."}, format="json")
    assert (response.status_code, response.json()["attachments"]) == (201, [])


def test_a_read_only_token_cannot_upload(api_alice_read, ticket):
    response = api_alice_read.post(url(ticket, "notes/"), {"body": "Hi.", "files": [upload("a.png", PNG)]})
    assert response.status_code == 403
    assert not Attachment.objects.exists()
