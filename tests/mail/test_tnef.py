"""Outlook's winmail.dat: the files inside are unpacked and checked like any attachment; what we
don't unpack (too many records, an attached Outlook item, garbage) is listed, never a failure."""

from __future__ import annotations

import struct
import time

import pytest

from mail import tnef
from mail.services import email_ingest
from tests.mail.corpus import PDF_BYTES, SIGNED_FORM, WINMAIL_DAT, _b64, _head, _lines, _tnef_record
from tests.mail.corpus import tnef as make_tnef


def with_winmail(blob: bytes, n: int = 90) -> bytes:
    return _lines(
        *_head(n, "Files from Outlook"),
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Two files attached.",
        "--b",
        'Content-Type: application/ms-tnef; name="winmail.dat"',
        'Content-Disposition: attachment; filename="winmail.dat"',
        "Content-Transfer-Encoding: base64",
        "",
        _b64(blob),
        "--b--",
    )


def test_the_files_inside_come_out_with_their_names():
    files = tnef.unpack(make_tnef([("signed-form.pdf", SIGNED_FORM), ("Résumé notes.txt", b"plain notes\n")]))
    assert files is not None
    assert [(f.filename, f.content) for f in files] == [
        ("signed-form.pdf", SIGNED_FORM),
        ("Résumé notes.txt", b"plain notes\n"),
    ]


@pytest.mark.parametrize(
    "blob",
    [
        tnef.SIGNATURE + b"\x01\x00" + b"\xff" * 40,  # garbage after the signature
        tnef.SIGNATURE + b"\x01\x00" + _tnef_record(2, 0x0006800F, b"data before any attachment started"),
        make_tnef([("a.pdf", PDF_BYTES)]) + b"\x07\x03\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46",
    ],
    ids=["garbage", "data-outside-an-attachment", "attached-outlook-item"],
)
def test_a_blob_we_do_not_unpack_gives_none(blob: bytes):
    assert tnef.unpack(blob) is None


def test_many_tiny_records_are_refused_at_once_instead_of_parsed_for_minutes():
    blob = tnef.SIGNATURE + b"\x01\x00" + _tnef_record(1, 0x00089006, struct.pack("<I", 0x10000)) * 100_000
    started = time.monotonic()
    assert tnef.unpack(blob) is None
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_a_winmail_dat_becomes_its_files_each_checked_by_the_web_form_s_rules(mailbox):
    blob = make_tnef([("signed-form.pdf", SIGNED_FORM), ("setup.exe", b"MZ\x90\x00" * 32)])
    message = email_ingest(mailbox=mailbox, raw=with_winmail(blob)).inbound.message
    assert message is not None
    assert list(message.attachments.values_list("filename", flat=True)) == ["signed-form.pdf"]
    assert message.attachments.get().file.read() == SIGNED_FORM
    assert message.body == "Two files attached.\n\nAttachment refused: setup.exe (not an allowed type)"
    assert "winmail.dat" not in message.body


@pytest.mark.django_db
def test_a_winmail_dat_that_cannot_be_unpacked_is_listed_not_dropped(mailbox):
    message = email_ingest(mailbox=mailbox, raw=with_winmail(tnef.SIGNATURE + b"\x01\x00" + b"\xff" * 40)).inbound
    assert message.status == "ticket"
    assert message.message is not None
    assert message.message.body.endswith(
        "Attachment refused: winmail.dat (an Outlook winmail.dat that could not be unpacked)"
    )


def test_the_corpus_sample_is_what_outlook_sends():
    assert b"application/ms-tnef" in WINMAIL_DAT and b"winmail.dat" in WINMAIL_DAT
