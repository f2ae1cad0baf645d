"""Every message of the corpus ingests without error, shows the right text and nothing unsafe."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from mail.services import email_ingest
from tests.mail.corpus import CORPUS, Sample
from tickets.models import OutboundEmail, Ticket

FULL_EMAIL = re.compile(r'<details class="full-email.*?</details>', re.S)


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
    message = ticket.messages.get()
    visible = ticket.subject + "\n" + message.body
    assert sample.shows[0] in visible  # the message's own words, decoded right
    shown = FULL_EMAIL.sub("", content)  # the page without its "Show the full email" disclosure
    for text in sample.shows:
        for line in filter(None, text.splitlines()):  # the page puts paragraphs in their own elements
            assert line in shown, f"{line!r} is not on the desk page"
    for hidden in sample.hides:  # quoted history and signatures: off the visible text, behind one click
        assert hidden not in message.body
        assert hidden in message.full_body
        assert html.escape(hidden, quote=False) in page.content.decode().partition("Show the full email")[2]
    assert bool(message.full_body) == bool(sample.hides)
    for unsafe in sample.never:
        assert unsafe not in visible
        assert unsafe not in page.content.decode()
    assert "\ufffd" not in visible  # every sample's charset was read, none guessed into garbage
    if sample.files is not None:
        assert sorted(message.attachments.values_list("filename", flat=True)) == sorted(sample.files)


@pytest.mark.django_db
def test_the_corpus_has_every_kind_of_message_the_issue_names():
    names = {sample.name for sample in CORPUS}
    assert len(CORPUS) >= 30
    for client in ("gmail", "outlook", "apple-mail", "thunderbird"):
        assert f"{client}-forward" in names and any(n.startswith(client) and "reply" in n for n in names)


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
