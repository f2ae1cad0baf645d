"""`manage.py ingest_email`: what a Postfix pipe sees (exit codes from sysexits.h)."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command
from django.db import OperationalError

from mail.management.commands import ingest_email
from tests.mail.corpus import LATIN1
from tickets.models import Ticket


def run(monkeypatch: pytest.MonkeyPatch, raw: bytes, mailbox: str = "support") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest_email", mailbox=mailbox, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_a_piped_message_opens_a_ticket_and_the_same_again_is_a_duplicate(monkeypatch, mailbox):
    code, out = run(monkeypatch, LATIN1)
    ticket = Ticket.objects.get()
    assert (code, out.strip()) == (0, f"opened a ticket: {ticket.reference}")
    code, out = run(monkeypatch, LATIN1)
    assert (code, out.strip()) == (0, f"duplicate of {ticket.reference}")
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_mailbox_or_a_database_error_asks_the_mta_to_retry(monkeypatch, mailbox):
    code, err = run(monkeypatch, LATIN1, mailbox="nope")
    assert code == 75 and "No active mailbox named 'nope'" in err

    def database_down(**kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ingest_email, "email_ingest", database_down)  # the database is the edge here
    code, err = run(monkeypatch, LATIN1)
    assert code == 75 and "the MTA will retry" in err
    assert not Ticket.objects.exists()
