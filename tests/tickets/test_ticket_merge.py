"""Merging a duplicate into another ticket of the same customer (tickets.services.merge)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mail.models import Mailbox
from mail.services import email_ingest
from tests.factories import CustomerFactory, TicketFactory
from tickets import services
from tickets.emails import build_email
from tickets.links import link_url
from tickets.models import Message, Notice, OutboundEmail, Promise, Ticket, TicketEvent, TicketFollower
from tickets.reply_address import reply_address
from tickets.services.merge import ticket_merge
from tickets.services.outbox import outbox_send
from tickets.services.sweep import promise_sweep
from tickets.services.triage import ticket_follow

T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = pytest.mark.django_db


def submit(subject: str, minutes: int = 0, email: str = "dana@example.com") -> Ticket:
    with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
        return services.ticket_submit(
            name="Dana Scully",
            email=email,
            kind="problem",
            subject=subject,
            description=f"About {subject}",
            files=[SimpleUploadedFile("shot.png", PNG, content_type="image/png")],
        ).ticket


@pytest.fixture
def pair(desk):
    """Dana wrote twice about the same thing: HD-... "VPN drops" first, then "VPN again"."""
    target = submit("VPN drops")
    source = submit("VPN again", minutes=10)
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        services.customer_reply_post(ticket=source, body="Still dropping")
    return source, target


def merge(source, target, agent, minutes: int = 30):
    with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
        return ticket_merge(source=source, target=target, agent=agent)


def test_messages_and_files_move_keeping_their_times_marked_from_the_duplicate(pair, desk):
    source, target = pair
    before = list(source.messages.order_by("id").values_list("pk", "created_at", "body"))

    merged = merge(source, target, desk.agent_a)

    assert merged.messages == 2
    moved = list(Message.objects.filter(pk__in=[pk for pk, _, _ in before]).order_by("id"))
    assert [(m.pk, m.created_at, m.body) for m in moved] == before
    assert {m.ticket_id for m in moved} == {target.pk}
    assert {m.merged_from_reference for m in moved} == {source.reference}
    bodies = list(target.messages.order_by("created_at", "id").values_list("body", flat=True))
    assert bodies == ["About VPN drops", "About VPN again", "Still dropping"]  # in time order
    assert target.attachments.count() == 2 and not source.attachments.exists()
    assert not source.messages.exists()


def test_the_duplicate_closes_pointing_at_the_target_and_its_promise_ends(pair, desk):
    source, target = pair
    target_promise = target.promises.get(state=Promise.State.PENDING)

    merge(source, target, desk.agent_a)

    source.refresh_from_db()
    assert (source.status, source.merged_into, source.next_due_at) == (Ticket.Status.CLOSED, target, None)
    assert not source.promises.filter(state=Promise.State.PENDING).exists()  # no orphan
    assert source.promises.get().state == Promise.State.ENDED
    assert target.promises.get(state=Promise.State.PENDING) == target_promise  # the target keeps its own
    into = source.events.get(kind=TicketEvent.Kind.MERGED_INTO)
    came = target.events.get(kind=TicketEvent.Kind.MERGED_FROM)
    assert (into.new_value, came.new_value, came.actor) == (target.reference, source.reference, desk.agent_a)


def test_an_overdue_duplicates_promise_is_recorded_broken_never_hidden_and_never_breaches_later(pair, desk):
    source, target = pair  # the problem policy: a first response within 4 business hours
    due = source.promises.get().due_at
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        ticket_merge(source=source, target=target, agent=desk.agent_a)
    promise = source.promises.get()
    assert (promise.state, promise.breach_notified_at) == (Promise.State.BROKEN, None)
    with time_machine.travel(due + timedelta(hours=1), tick=False):
        promise_sweep()
    assert not Notice.objects.filter(ticket=source, promise__isnull=False).exists()  # (the reply notice stays)


def test_the_customer_is_told_once_with_the_targets_link(pair, desk, settings):
    source, target = pair
    settings.SITE_URL = "https://desk.example.com"
    merge(source, target, desk.agent_a)

    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.MERGED)
    assert (email.key, email.ticket, email.to_email) == (f"merged:{source.pk}", target, "dana@example.com")
    message = build_email(email)
    assert message.subject == f"[{source.reference}] now continues in {target.reference}: VPN drops"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert source.reference in body and target.reference in body
        assert link_url(target) in body and link_url(source) not in body
    assert message.reply_to == [reply_address(target)]
    outbox_send(email_id=email.pk)
    outbox_send(email_id=email.pk)  # a retried task
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("self", "can't be merged into itself"),
        ("other_customer", "belongs to another customer"),
        ("closed_source", "is closed, so it can't be merged"),
        ("solved_target", "is resolved: reopen it first"),
        ("merged_twice", "was already merged into"),
    ],
)
def test_a_refused_merge_says_why_and_changes_nothing(pair, desk, setup, error):
    source, target = pair
    if setup == "self":
        target = source
    elif setup == "other_customer":
        target = TicketFactory(queue=desk.queue_a, customer=CustomerFactory())
    elif setup == "closed_source":
        services.ticket_status_change(ticket=source, agent=desk.agent_a, status=Ticket.Status.CLOSED)
    elif setup == "solved_target":
        services.ticket_status_change(ticket=target, agent=desk.agent_a, status=Ticket.Status.RESOLVED)
    elif setup == "merged_twice":
        merge(source, target, desk.agent_a)
        target = submit("VPN third", minutes=40)
    counts = (Message.objects.filter(ticket=source).count(), OutboundEmail.objects.count(), TicketEvent.objects.count())
    with pytest.raises(ValidationError, match=error):
        merge(source, target, desk.agent_a, minutes=50)
    assert counts == (
        Message.objects.filter(ticket=source).count(), OutboundEmail.objects.count(), TicketEvent.objects.count(),
    )  # fmt: skip


def test_followers_of_the_duplicate_follow_the_target(pair, desk):
    source, target = pair
    ticket_follow(ticket=source, user=desk.agent_a, follow=True)
    merge(source, target, desk.agent_a)
    assert TicketFollower.objects.filter(ticket=target, user=desk.agent_a).exists()


def test_a_reply_through_the_duplicates_link_or_email_joins_the_target(pair, desk):
    source, target = pair
    merge(source, target, desk.agent_a)

    message = services.customer_reply_post(ticket=source, body="Any news?")  # a page opened before the merge
    assert message.ticket_id == target.pk

    mailbox = Mailbox.objects.create(name="support", address="support@example.com", queue=desk.queue_a)
    raw = (
        f"From: Dana Scully <dana@example.com>\r\nTo: {reply_address(source)}\r\n"
        "Subject: Re: VPN again\r\nMessage-ID: <late@example.com>\r\n\r\nStill there?\r\n"
    ).encode()
    inbound = email_ingest(mailbox=mailbox, raw=raw).inbound
    assert (inbound.status, inbound.ticket) == ("reply", target)
    assert target.messages.filter(body__contains="Still there?").exists()
    assert Ticket.objects.count() == 2  # no new ticket for a reply to the merged one
