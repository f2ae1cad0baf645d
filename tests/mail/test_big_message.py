"""A 40 MB message: filed in seconds, its huge file refused and listed, the parser never holding it."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from mail.parsing import parse
from mail.services import email_ingest
from tests.mail.corpus import big_message

LIMIT_MB = "10.0\xa0MB"  # filesizeformat's non-breaking space


@pytest.mark.django_db
def test_a_40_mb_message_is_filed_fast_and_its_huge_file_is_refused_and_listed(mailbox):
    raw = big_message()
    assert len(raw) > 40_000_000

    started = time.monotonic()
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    elapsed = time.monotonic() - started

    assert inbound.status == "ticket", inbound.reason
    assert inbound.message is not None
    refused = f"Attachment refused: backup.zip (29.2\xa0MB, over the {LIMIT_MB} limit)"
    assert inbound.message.body == f"The backup you asked for is attached.\n\n{refused}"
    assert not inbound.message.attachments.exists()
    assert elapsed < 10, f"{elapsed:.1f} s"  # about 2.5 s here, half of it compressing the raw message
    assert inbound.raw_size == len(raw)
    assert inbound.raw == raw  # kept whole, compressed


def test_the_parser_never_holds_the_huge_file():
    raw = big_message()
    tracemalloc.start()
    parsed = parse(raw, files_up_to=10 * 1024 * 1024)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert parsed.attachments[0].size > 30_000_000
    assert peak < 5_000_000, f"{peak / 1e6:.0f} MB"  # reading it all took some 300 MB


def test_a_file_set_aside_keeps_its_exact_size_and_a_small_one_is_read_whole():
    raw = big_message(size=3 * 1024 * 1024)
    aside = parse(raw, files_up_to=1024 * 1024).attachments
    read = parse(raw).attachments
    assert [(a.filename, a.size, a.content) for a in aside] == [("backup.zip", read[0].size, b"")]
    assert read[0].size == len(read[0].content) > 2 * 1024 * 1024
    assert parse(raw, files_up_to=10 * 1024 * 1024).attachments == read


def test_a_base64_text_part_is_never_set_aside():
    raw = (
        b"From: grace@example.org\r\nSubject: long log\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b"TG9nIGxpbmUgb2YgdGhlIHByaW50ZXIuIA==\r\n" * 50
    )
    assert parse(raw, files_up_to=10).text.startswith("Log line of the printer.")
