"""Every message of the corpus ingests without error, shows the right text and nothing unsafe."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from mail.services import email_ingest
from tests.mail.corpus import CORPUS, Sample
from tickets.models import OutboundEmail, Ticket


@pytest.mark.django_db
@pytest.mark.parametrize("sample", CORPUS, ids=[s.name for s in CORPUS])
def test_each_message_becomes_a_ticket_the_agent_can_read(sample: Sample, mailbox, alice):
    result = email_ingest(mailbox=mailbox, raw=sample.raw)

    inbound = result.inbound
    assert inbound.status == "ticket", inbound.reason
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    assert ticket.channel == Ticket.Channel.EMAIL
    assert ticket.queue == mailbox.queue
    assert ticket.kind == Ticket.Kind.INFO
    assert ticket.customer.email == "grace@example.org"
    acks = OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count()
    assert acks == (0 if sample.automatic else 1)
    assert inbound.raw == sample.raw  # the original, byte for byte, is kept
    page = alice.get(reverse("desk:ticket", kwargs={"reference": ticket.reference}))
    assert page.status_code == 200
    content = html.unescape(page.content.decode())
    visible = ticket.subject + "\n" + ticket.messages.get().body
    assert sample.shows[0] in visible  # the message's own words, decoded right
    for text in sample.shows:
        for line in filter(None, text.splitlines()):  # the page puts paragraphs in their own elements
            assert line in content, f"{line!r} is not on the desk page"
    for unsafe in sample.never:
        assert unsafe not in visible
        assert unsafe not in page.content.decode()
    assert "\ufffd" not in visible  # every sample's charset was read, none guessed into garbage


@pytest.mark.django_db
def test_an_allowed_attachment_is_stored_and_a_refused_one_is_listed_not_dropped(mailbox):
    from tests.mail.corpus import PDF_BYTES, REFUSED_EXE, WITH_ATTACHMENT

    kept = email_ingest(mailbox=mailbox, raw=WITH_ATTACHMENT).inbound.message
    assert kept is not None
    attachment = kept.attachments.get()
    assert (attachment.filename, attachment.content_type) == ("invoice-42.pdf", "application/pdf")
    assert attachment.file.read() == PDF_BYTES
    refused = email_ingest(mailbox=mailbox, raw=REFUSED_EXE).inbound.message
    assert refused is not None
    assert not refused.attachments.exists()
    assert refused.body.endswith("Attachment refused: setup.exe (not an allowed type)")
