"""A trimmed email on the desk: the new words shown, the whole email one click away for agents of
the ticket's queue (/desk/t/<reference>/email/<message>/ and raw/), never for anyone else."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from mail.models import InboundMessage
from mail.retention import inbound_raw_purge
from mail.services import email_ingest
from tests.factories import UserFactory
from tests.mail.corpus import APPLE_MAIL_REPLY, LATIN1
from tickets.links import link_path
from tickets.models import Message

NEW = "Yes, it is the HP on the 2nd floor."
QUOTED = "We've got your request and a person from our team will look at it."


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def trimmed(mailbox) -> InboundMessage:
    inbound = email_ingest(mailbox=mailbox, raw=APPLE_MAIL_REPLY).inbound
    assert inbound.message is not None
    return inbound


def original_url(inbound: InboundMessage, name: str = "desk_mail:original") -> str:
    assert inbound.ticket is not None
    return reverse(name, kwargs={"reference": inbound.ticket.reference, "message_id": inbound.message_id})


@pytest.mark.django_db
def test_the_message_keeps_the_new_words_as_its_body_and_the_whole_email_beside_them(trimmed):
    message = Message.objects.get(pk=trimmed.message_id)
    assert message.body == NEW
    assert QUOTED in message.full_body and "Sent from my iPhone" in message.full_body
    assert message.full_body.startswith(NEW)


@pytest.mark.django_db
def test_an_untrimmed_email_keeps_no_second_copy(mailbox):
    message = email_ingest(mailbox=mailbox, raw=LATIN1).inbound.message
    assert message is not None
    assert message.full_body == ""


@pytest.mark.django_db
def test_the_desk_shows_the_new_words_with_the_full_email_behind_one_disclosure(trimmed, alice):
    page = alice.get(reverse("desk:ticket", kwargs={"reference": trimmed.ticket.reference}))
    content = page_text(page)
    body, _, disclosure = content.partition('<details class="full-email')
    assert NEW in body and QUOTED not in body
    assert "Show the full email" in disclosure and QUOTED in disclosure
    assert original_url(trimmed) in disclosure


@pytest.mark.django_db
def test_the_customer_s_page_shows_only_what_they_newly_wrote(trimmed, client):
    page = page_text(client.get(link_path(trimmed.ticket)))
    assert NEW in page
    assert QUOTED not in page and "Show the full email" not in page


@pytest.mark.django_db
def test_the_original_page_shows_the_decoded_headers_the_whole_text_and_the_raw_download(trimmed, alice):
    page = alice.get(original_url(trimmed))
    assert page.status_code == 200
    content = page_text(page)
    for header in ("Grace Hopper <grace@example.org>", "Support <support@localhost>", "Re: Printer question"):
        assert header in content
    assert "Mon, 30 Nov 2026 10:00:00 +0000" in content
    assert NEW in content and QUOTED in content
    assert "Download the raw email" in content
    raw = alice.get(original_url(trimmed, "desk_mail:original_raw"))
    assert raw.status_code == 200
    assert raw["Content-Type"] == "message/rfc822"
    assert raw["Content-Disposition"] == f'attachment; filename="{trimmed.ticket.reference}-email-{trimmed.pk}.eml"'
    assert raw["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert raw.content == APPLE_MAIL_REPLY


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["desk_mail:original", "desk_mail:original_raw"])
def test_an_agent_of_another_queue_or_a_non_agent_finds_nothing_and_a_visitor_must_sign_in(
    trimmed, name, bob, client, stranger
):
    url = original_url(trimmed, name)
    assert bob.get(url).status_code == 404  # Bob is in queue B: the ticket is in A
    client.force_login(UserFactory(username="former", is_staff=False))  # signed in, but not an agent
    assert client.get(url).status_code == 404
    stranger.get(link_path(trimmed.ticket))  # the customer, holding their private link: not an agent either
    anonymous = stranger.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("desk:login"))


@pytest.mark.django_db
def test_a_message_that_did_not_come_by_email_has_no_original(alice, ticket):
    message = ticket.messages.first() or Message.objects.create(
        ticket=ticket, author_kind="customer", body="typed on the web", created_at=ticket.created_at
    )
    url = reverse("desk_mail:original", kwargs={"reference": ticket.reference, "message_id": message.pk})
    assert alice.get(url).status_code == 404


@pytest.mark.django_db
def test_a_message_id_of_another_ticket_is_not_found_under_this_one(trimmed, alice, ticket):
    url = reverse("desk_mail:original", kwargs={"reference": ticket.reference, "message_id": trimmed.message_id})
    assert alice.get(url).status_code == 404  # both tickets are Alice's; the pair must match


@pytest.mark.django_db
def test_after_the_raw_email_is_cleared_the_page_shows_what_the_ticket_kept(trimmed, alice, settings):
    settings.MAIL_RAW_RETENTION_DAYS = 1
    InboundMessage.objects.filter(pk=trimmed.pk).update(received_at=trimmed.received_at.replace(year=2020))
    assert inbound_raw_purge() == 1
    content = page_text(alice.get(original_url(trimmed)))
    assert "The raw email was cleared on" in content and "Download the raw email" not in content
    assert NEW in content and QUOTED in content  # Message.full_body
    assert alice.get(original_url(trimmed, "desk_mail:original_raw")).status_code == 404


@pytest.mark.django_db
def test_the_original_page_shows_when_it_arrived_in_the_agent_s_zone_with_the_desk_s_top_bar(trimmed, alice, desk):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tickets.models.agent import AgentProfile

    AgentProfile.objects.create(user=desk.agent_a, timezone="Asia/Tokyo")
    arrived = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("UTC"))
    InboundMessage.objects.filter(pk=trimmed.pk).update(received_at=arrived)
    content = page_text(alice.get(original_url(trimmed)))
    assert ">Mon 30 Nov 2026, 19:00</time> in the mailbox support" in content  # 10:00 UTC is 19:00 in Tokyo
    assert "Sign out" in content and "Alice Agent" in content  # the desk's top bar
