"""A message that trips an unexpected error while being filed is kept, quarantined with the error:
the IMAP poll then flags it like any other instead of fetching it again every minute."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from mail import services as mail_services
from mail.models import InboundMessage
from mail.services import email_ingest
from tests.mail.corpus import LATIN1
from tickets.models import Ticket


@pytest.mark.django_db
def test_an_error_while_filing_quarantines_the_stored_message(monkeypatch, mailbox):
    def broken(**kwargs: object) -> None:
        raise KeyError("a bug somewhere in filing")

    monkeypatch.setattr(mail_services.services, "ticket_submit", broken)
    inbound = email_ingest(mailbox=mailbox, raw=LATIN1).inbound
    inbound.refresh_from_db()
    assert (inbound.status, inbound.ticket, inbound.raw) == (InboundMessage.Status.QUARANTINED, None, LATIN1)
    assert inbound.reason == "Could not be filed: KeyError: 'a bug somewhere in filing'"
    assert not Ticket.objects.exists()
    assert email_ingest(mailbox=mailbox, raw=LATIN1).duplicate


@pytest.mark.django_db
def test_a_database_failure_while_filing_stores_nothing_so_the_caller_retries(monkeypatch, mailbox):
    def database_down(**kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(mail_services.services, "ticket_submit", database_down)
    with pytest.raises(OperationalError):
        email_ingest(mailbox=mailbox, raw=LATIN1)
    assert not InboundMessage.objects.exists()
