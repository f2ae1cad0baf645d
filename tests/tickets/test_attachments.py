"""Upload checks (tickets/attachments.py): names people really use, long ones included."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services
from tickets.attachments import NAME_MAX_CHARS, check_upload, safe_filename
from tickets.models import Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LONG_STEM = "Screenshot of the invoice page showing the blank PDF " * 6  # 318 characters


def test_a_300_character_name_is_shortened_keeping_its_extension():
    name = LONG_STEM[:296] + ".png"
    assert len(name) == 300
    short = safe_filename(name)
    assert len(short) == NAME_MAX_CHARS
    assert short.endswith("….png")
    assert short.startswith("Screenshot of the invoice page")


def test_a_valid_file_with_a_300_character_name_is_accepted():
    name = LONG_STEM[:295] + ".jpeg"
    upload = SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"\x00" * 64, content_type="image/jpeg")
    assert check_upload(upload).label == "JPEG image"


def test_a_long_name_does_not_smuggle_a_type_past_the_check():
    """The check reads the whole name: an .exe stays refused however long its name."""
    upload = SimpleUploadedFile(LONG_STEM[:296] + ".exe", b"just text", content_type="text/plain")
    with pytest.raises(ValidationError, match="not an allowed type"):
        check_upload(upload)


def test_short_names_are_kept_as_they_are():
    assert safe_filename("C:\\Users\\grace\\screen shot.png") == "screen shot.png"
    assert safe_filename("") == "file"


@pytest.mark.django_db
def test_a_ticket_with_a_long_named_attachment_stores_the_short_name(desk):
    upload = SimpleUploadedFile(LONG_STEM[:296] + ".png", PNG, content_type="image/png")
    ticket = services.ticket_submit(
        name="Grace Hopper",
        email="grace@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject="Invoice PDF won't open",
        description="Clicking the invoice shows a blank page.",
        files=[upload],
    ).ticket
    attachment = ticket.attachments.get()
    assert attachment.filename.endswith("….png") and len(attachment.filename) == NAME_MAX_CHARS
    assert attachment.content_type == "image/png"
