"""What the customer reads: both parts, the right headers, links from SITE_URL."""

import pytest
from django.core import mail

from tickets import services
from tickets.links import link_url
from tickets.models import OutboundEmail, Ticket


def submit(kind=Ticket.Kind.PROBLEM):
    return services.ticket_submit(
        name="Ada Lovelace", email="ada@example.com", kind=kind, subject="Engine stalls",
        description="It stops at step 3.",
    ).ticket  # fmt: skip


def deliver(email: OutboundEmail):
    services.outbox_send(email_id=email.pk)
    return mail.outbox[-1]


def bodies(message) -> tuple[str, str]:
    return message.body, message.alternatives[0][0]


@pytest.mark.django_db
def test_acknowledgement_says_reference_next_step_and_private_link(desk, settings):
    settings.SITE_URL = "https://help.example.com"
    ticket = submit()
    message = deliver(OutboundEmail.objects.get())
    assert message.subject == f"We've got your request [{ticket.reference}] Engine stalls"
    assert message.to == ["ada@example.com"]
    assert message.extra_headers["Auto-Submitted"] == "auto-replied"
    link = link_url(ticket)
    assert link.startswith("https://help.example.com/support/t/")
    for body in bodies(message):
        assert ticket.reference in body
        assert link in body
        assert "What happens next" in body
        assert "Hello Ada" in body


@pytest.mark.django_db
def test_complaint_acknowledgement_acknowledges_the_feeling_first(desk):
    submit(kind=Ticket.Kind.COMPLAINT)
    message = deliver(OutboundEmail.objects.get())
    assert message.subject.startswith("We're sorry")
    for body in bodies(message):
        assert "We're sorry this happened" in body or "We&#x27;re sorry this happened" in body
        assert "our Billing team will read it" in body  # no lead: the team is named


@pytest.mark.django_db
def test_complaint_acknowledgement_names_the_lead_of_the_complaints_queue(desk):
    desk.queue_b.team_lead = desk.agent_b
    desk.queue_b.takes_complaints = True
    desk.queue_b.save()
    ticket = submit(kind=Ticket.Kind.COMPLAINT)
    ticket.refresh_from_db()
    assert ticket.queue == desk.queue_b  # routed to the complaints queue, not the default one
    assert ticket.assignee == desk.agent_b  # and given to its lead
    message = deliver(OutboundEmail.objects.get())
    for body in bodies(message):
        assert "Bob from the Technical team will read it" in body
        assert body.index("sorry") < body.index("Bob from the Technical team")


@pytest.mark.django_db
def test_reply_email_carries_the_reply_sanitised_and_threads_under_the_ack(desk):
    ticket = submit()
    ack = OutboundEmail.objects.get()
    deliver(ack)
    body = "Try this: <script>alert(1)</script> [docs](javascript:alert(1)) and **restart**."
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body=body)
    message = deliver(OutboundEmail.objects.get(kind="reply"))
    text, html = bodies(message)
    assert message.subject == f"Re: [{ticket.reference}] Engine stalls"
    assert message.extra_headers["In-Reply-To"] == ack.message_id_header
    assert "Auto-Submitted" not in message.extra_headers  # a person wrote this one
    assert "<script>alert(1)</script>" in text  # plain text is inert by nature
    assert "<script" not in html and "javascript:" not in html
    assert "<strong>restart</strong>" in html
    assert "Alice Agent replied" in text


@pytest.mark.django_db
def test_links_email_lists_each_open_ticket_with_its_working_link(desk):
    first, second = submit(), submit(kind=Ticket.Kind.INFO)
    links = link_url(first), link_url(second)
    services.links_resend(email="ada@example.com")
    message = deliver(OutboundEmail.objects.get(kind="links"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (link_url(first), link_url(second)) == links  # nothing rotated
    for body in bodies(message):
        assert links[0] in body and links[1] in body
        assert "keep working" in body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.django_db
def test_new_link_email_carries_the_new_link_and_says_the_old_one_is_dead(desk):
    ticket = submit()
    old = link_url(ticket)
    services.link_revoke(ticket=ticket)
    ticket.refresh_from_db()
    message = deliver(OutboundEmail.objects.get(kind=OutboundEmail.Kind.NEW_LINK))
    assert message.to == ["ada@example.com"]
    assert message.subject == f"Your new private link for {ticket.reference}"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    for body in bodies(message):
        assert link_url(ticket) in body
        assert old not in body
        assert "The old link no longer works" in body


@pytest.mark.django_db
def test_subjects_are_plain_text_not_html(desk):
    services.ticket_submit(
        name="Ada", email="ada@example.com", kind="info", subject="Tom & Jerry's <bill>", description="?"
    )
    message = deliver(OutboundEmail.objects.get())
    assert message.subject.endswith("Tom & Jerry's <bill>")


@pytest.mark.django_db
def test_acknowledgement_tells_when_we_will_update_in_the_customers_zone(desk):
    from datetime import UTC, datetime

    import time_machine

    from tickets.models import SlaPolicy

    SlaPolicy.objects.update(is_active=False)
    SlaPolicy.objects.create(
        name="P", kind="problem", first_response_minutes=120, next_update_minutes=120, resolution_minutes=600,
        calendar_hours=True, remind_before_minutes=15,
    )  # fmt: skip
    with time_machine.travel(datetime(2026, 7, 1, 9, 0, tzinfo=UTC), tick=False):
        services.ticket_submit(
            name="Ada", email="ada@example.com", kind="problem", subject="Down", description="x",
            timezone_name="Europe/Berlin",
        )  # fmt: skip
        message = deliver(OutboundEmail.objects.get())
    for body in bodies(message):
        assert "update you by today at 13:00 (Berlin time)" in body  # 11:00 UTC is 13:00 in Berlin (summer time)


@pytest.mark.django_db
def test_a_reply_that_waits_on_the_customer_says_the_clock_waits(desk):
    ticket = submit()
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Which version?", status_after="waiting")
    message = deliver(OutboundEmail.objects.get(kind="reply"))
    for body in bodies(message):
        assert "The clock waits for you" in body
        assert "2 business hours" in body  # the default problem policy's next-update interval


@pytest.mark.django_db
def test_ack_and_reply_answer_to_the_tickets_signed_address_and_invite_a_reply(desk, settings):
    from tickets.reply_address import reply_address, ticket_pk_from_reply_address

    settings.DEFAULT_FROM_EMAIL = "Help <help@desk.example.com>"
    ticket = submit()
    ack = deliver(OutboundEmail.objects.get())
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Try a restart.")
    reply = deliver(OutboundEmail.objects.get(kind="reply"))
    address = reply_address(ticket)
    assert address.startswith(f"help+{ticket.reference}-") and address.endswith("@desk.example.com")
    for message in (ack, reply):
        assert message.reply_to == [address]
        assert "reply to this email" in message.body
        assert "don't reply" not in message.body
    assert ticket_pk_from_reply_address(address) == ticket.pk
    assert ticket_pk_from_reply_address(address.upper()) == ticket.pk  # mail servers may change case
    forged = address.replace(ticket.reference, f"HD-{int(ticket.reference[3:]) + 1}")
    assert ticket_pk_from_reply_address(forged) is None  # another ticket's number, this signature
    assert ticket_pk_from_reply_address(f"help+{ticket.reference}-aaaaaaaaaa@desk.example.com") is None
    assert ticket_pk_from_reply_address(address.replace("help+", "other+")) is None
    settings.SECRET_KEY = "another-key-" * 5
    assert ticket_pk_from_reply_address(address) is None  # the signature is under the site's key
