"""@mentions in internal notes (``tickets.mentions``, ``tickets.services.mentions``): who a name
means, who may be told, and that each mentioned agent is told once, by a notice and one email."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.factories import TicketFactory, UserFactory
from tickets import services
from tickets.emails import build_email
from tickets.mentions import mention_tokens, mentions_resolve
from tickets.models import Notice, OutboundEmail
from tickets.services.mentions import note_mentions_notify
from tickets.services.outbox import outbox_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def carl(desk):
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    return carl


def note(desk, ticket, body, author=None):
    return services.agent_reply_post(ticket=ticket, agent=author or desk.agent_a, body=body, internal=True)


def mentioned():
    return sorted(Notice.objects.filter(kind=Notice.Kind.MENTION).values_list("user__username", flat=True))


def mention_emails():
    return sorted(OutboundEmail.objects.filter(notice__kind=Notice.Kind.MENTION).values_list("to_email", flat=True))


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("@carl can you look?", ["carl"]),
        ("Ask @Carl, then @carl again.", ["Carl"]),
        ("cc @sam.lee and @ann_b.", ["sam.lee", "ann_b"]),
        ("(@carl)", ["carl"]),
        ("mail carl@example.com or see https://x.example/@carl", []),
        ("an @ sign, @@carl, a.@carl", []),
    ],
)
def test_mention_tokens(text, tokens):
    assert mention_tokens(text) == tokens


def test_a_note_tells_the_mentioned_agent_once_by_notice_and_email(desk, ticket, carl):
    message = note(desk, ticket, "@carl can you check the invoice? Thanks @carl")
    assert mentioned() == ["carl"]
    assert mention_emails() == [carl.email]

    note_mentions_notify(message=message, at=message.created_at)  # a second run changes nothing
    assert mentioned() == ["carl"]
    assert mention_emails() == [carl.email]


def test_a_first_name_counts_when_one_agent_who_can_see_has_it(desk, ticket, carl):
    UserFactory(username="carl.other", first_name="Carl")  # no queue: can't see, doesn't make it ambiguous
    note(desk, ticket, "Over to you, @Carl.")
    assert mentioned() == ["carl"]


def test_an_ambiguous_first_name_notifies_nobody_and_says_which_usernames(desk, ticket):
    for username in ("sam.lee", "sam.ortiz"):
        desk.queue_a.agents.add(UserFactory(username=username, first_name="Sam"))
    found = mentions_resolve(ticket=ticket, body="@sam please", author=desk.agent_a)
    assert found.notify == []
    assert found.refused == ["@sam could be @sam.lee, @sam.ortiz; not notified: use a username."]


def test_only_agents_who_can_see_the_ticket_are_notified(desk, ticket, carl):
    UserFactory(username="dora", is_staff=False)  # not an agent at all
    message = note(desk, ticket, "@bob @carl @dora @zed @admin")
    assert mentioned() == ["admin", "carl"]  # a superuser sees every queue
    found = mentions_resolve(ticket=ticket, body=message.body, author=desk.agent_a)
    assert found.refused == [
        "@bob can't see this queue; not notified.",
        "@dora: no agent by that name; not notified.",
        "@zed: no agent by that name; not notified.",
    ]


def test_a_deactivated_agent_is_not_notified(desk, ticket, carl):
    carl.is_active = False
    carl.save()
    note(desk, ticket, "@carl?")
    assert mentioned() == []


def test_the_author_is_not_told_of_their_own_mention(desk, ticket):
    note(desk, ticket, "Reminder to myself, @alice")
    assert mentioned() == []


def test_a_public_reply_never_notifies(desk, ticket, carl):
    services.agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Our @carl will call you.")
    assert mentioned() == []
    assert mention_emails() == []


def test_another_ticket_of_another_queue_refuses_the_same_name(desk, carl):
    other = TicketFactory(queue=desk.queue_b)
    found = mentions_resolve(ticket=other, body="@carl", author=desk.agent_b)
    assert found.notify == []
    assert found.refused == ["@carl can't see this queue; not notified."]


def test_resolving_costs_one_query_and_none_without_a_mention(desk, ticket, carl, django_assert_num_queries):
    with django_assert_num_queries(0):
        mentions_resolve(ticket=ticket, body="No names here, mail me@example.com", author=desk.agent_a)
    body = " ".join(f"@name{n}" for n in range(15)) + " @carl @Carl"
    with django_assert_num_queries(1):
        found = mentions_resolve(ticket=ticket, body=body, author=desk.agent_a)
    assert [u.username for u in found.notify] == ["carl"]


def test_the_email_names_the_author_and_quotes_the_note_in_both_parts(desk, ticket, carl):
    note(desk, ticket, "@carl the customer says the **toner** is new.")
    email = OutboundEmail.objects.get(notice__kind=Notice.Kind.MENTION)
    built = build_email(email)
    assert built.subject == f"Alice Agent mentioned you: {ticket.reference} {ticket.subject}"
    assert "Alice Agent mentioned you in an internal note on" in built.body
    assert "the customer says the **toner** is new." in built.body
    note_id = email.notice.message_id  # the note itself, on whichever page of the timeline it is
    assert f"/desk/t/{ticket.reference}/?message={note_id}#message-{note_id}" in built.body
    html = built.alternatives[0][0]
    assert "<strong>toner</strong>" in html
    assert "Alice Agent mentioned you in an internal note" in html  # the footer's reason
    assert ticket.customer.email not in [*built.to, *built.cc]

    outbox_send(email_id=email.pk)
    assert [m.to for m in mail.outbox] == [[carl.email]]
