"""The people a customer copied (``ticket_copies_add``) and the copies of agents' replies they get
(``reply_copies_send``, through ``agent_reply_post``): kept once whatever the case, never ours,
a separate email each without the private link, the agent's ticks remembered."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets import services
from tickets.links import link_url
from tickets.models import CopiedAddress, OutboundEmail, Ticket, TicketEvent
from tickets.reply_address import reply_address
from tickets.services.copies import COPIES_MAX, CopyChoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(desk) -> Ticket:
    return services.ticket_submit(
        name="Grace Hopper", email="grace@example.org", kind=Ticket.Kind.PROBLEM, subject="Printer",
        description="Blank pages.", queue=desk.queue_a,
    ).ticket  # fmt: skip


def add(ticket: Ticket, *addresses: str, leave_out: tuple[str, ...] = ()) -> list[str]:
    return services.ticket_copies_add(ticket=ticket, addresses=addresses, at=timezone.now(), leave_out=leave_out)


def copied(ticket: Ticket) -> list[tuple[str, bool]]:
    return list(ticket.copied.order_by("id").values_list("email", "copy_replies"))


def copies_owed(ticket: Ticket) -> list[str]:
    rows = OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.REPLY_COPY).order_by("id")
    return list(rows.values_list("to_email", flat=True))


def test_addresses_are_kept_once_whatever_their_case_and_never_ours_or_the_customers(ticket, settings):
    settings.REPLY_TO_ADDRESS = "support@localhost"
    added = add(
        ticket,
        "Lin Ma <Lin@Work.example>",
        "lin@work.EXAMPLE",  # the same person again
        "GRACE@example.org",  # the customer herself
        "support@localhost",
        "Support <support+billing@localhost>",
        reply_address(ticket),  # our signed address, in a reply-all
        "sales@localhost",
        "sales+eu@localhost",
        "not an address",
        "bob@example.com",
        leave_out=("sales@localhost",),
    )
    assert added == ["Lin@Work.example", "bob@example.com"]
    assert copied(ticket) == [("Lin@Work.example", True), ("bob@example.com", True)]
    assert add(ticket, "LIN@work.example", "carol@example.com") == ["carol@example.com"]  # later emails add more
    event = ticket.events.filter(kind=TicketEvent.Kind.COPIED).order_by("id").first()
    assert event is not None and event.new_value == "Lin@Work.example, bob@example.com"


def test_a_ticket_keeps_at_most_copies_max(ticket):
    add(ticket, *[f"person{n}@example.com" for n in range(COPIES_MAX + 5)])
    assert ticket.copied.count() == COPIES_MAX


def test_a_public_reply_is_copied_to_each_ticked_address_and_the_choice_is_remembered(ticket, desk):
    add(ticket, "lin@work.example", "bob@example.com")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="New toner is on its way.")
    assert copies_owed(ticket) == ["lin@work.example", "bob@example.com"]  # as last chosen: all, at first
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert len(keys) == OutboundEmail.objects.count()  # one key per recipient
    choice = CopyChoice(offered=["lin@work.example", "bob@example.com"], chosen=["LIN@work.example"])
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Shipped today.", copies=choice)
    assert copies_owed(ticket)[2:] == ["lin@work.example"]
    assert copied(ticket) == [("lin@work.example", True), ("bob@example.com", False)]
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Delivered.")  # remembered: Lin only
    assert copies_owed(ticket)[3:] == ["lin@work.example"]
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.AGENT_REPLY).count() == 3  # Grace, each time


def test_an_address_copied_after_the_form_was_shown_is_neither_sent_to_nor_unticked(ticket, desk):
    add(ticket, "lin@work.example")
    shown = CopyChoice(offered=["lin@work.example"], chosen=["lin@work.example"])
    add(ticket, "late@example.com")  # Grace wrote again, copying someone, while the agent typed
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Done.", copies=shown)
    assert copies_owed(ticket) == ["lin@work.example"]
    assert copied(ticket) == [("lin@work.example", True), ("late@example.com", True)]


def test_a_note_copies_nobody_and_an_address_not_on_the_ticket_is_refused_with_nothing_written(ticket, desk):
    add(ticket, "lin@work.example")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Internal.", internal=True)
    assert copies_owed(ticket) == []
    before = (ticket.messages.count(), OutboundEmail.objects.count())
    sneaky = CopyChoice(offered=["lin@work.example"], chosen=["mallory@evil.example"])
    with pytest.raises(ValidationError, match="not copied on this ticket"):
        services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Hello.", copies=sneaky)
    assert (ticket.messages.count(), OutboundEmail.objects.count()) == before
    assert CopiedAddress.objects.get().copy_replies


def test_the_copy_carries_the_reply_but_never_the_private_link_and_answers_thread_back(ticket, desk, settings):
    settings.SITE_URL = "https://help.example.com"
    add(ticket, "Lin@Work.example")
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Please try **new toner**.")
    copy = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REPLY_COPY)
    services.outbox_send(email_id=copy.pk)
    sent = mail.outbox[-1]
    assert sent.to == ["Lin@Work.example"]
    assert sent.reply_to == [reply_address(ticket)]
    assert sent.subject == f"Re: [{ticket.reference}] Printer"
    text, html = sent.body, sent.alternatives[0][0]
    for body in (text, html):
        assert "Grace Hopper copied you on their request" in body
        assert "/support/t/" not in body and link_url(ticket) not in body
        assert "just reply to this email" in body
    assert "Please try **new toner**." in text and "<strong>new toner</strong>" in html
    # Grace's own email says who got a copy, and keeps her link.
    reply = OutboundEmail.objects.get(kind=OutboundEmail.Kind.AGENT_REPLY)
    services.outbox_send(email_id=reply.pk)
    theirs = mail.outbox[-1]
    assert theirs.to == ["grace@example.org"] and link_url(ticket) in theirs.body
    assert "A copy of this reply went to the people you copied: Lin@Work.example." in theirs.body
