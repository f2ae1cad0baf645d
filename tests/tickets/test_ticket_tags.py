"""Tags: free names typed by agents, matched whatever their case, admin-curated colours that stay
readable (WCAG AA), one event per change, and the queue's ``?tag=`` filter."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tests.factories import TicketFactory
from tickets.models import Tag, Ticket, TicketEvent
from tickets.selectors import QueueFilters, ticket_list_for_agent
from tickets.services.triage import TAGS_PER_TICKET, ticket_tags_change
from tickets.tags import AA_TEXT, PALETTE, contrast_ratio, split_tag_names

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "tags.css"


def tag_names(ticket: Ticket) -> list[str]:
    return sorted(ticket.tags.values_list("name", flat=True))


def test_every_colour_keeps_the_name_readable_and_the_stylesheet_matches():
    css = CSS.read_text()
    for key, colour in PALETTE.items():
        assert contrast_ratio(colour.text, colour.background) >= AA_TEXT, key
        rule = re.search(rf"\.tag-{key} \{{ background-color: (#\w+); color: (#\w+); \}}", css)
        assert rule and rule.groups() == (colour.background, colour.text), key


def test_contrast_ratio_is_wcags():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the classic AA grey


def test_names_are_split_tidied_and_each_kept_once():
    assert split_tag_names(" vip,  Refund  due ,VIP,, ") == ["vip", "Refund due"]


@pytest.mark.django_db
def test_tags_are_added_once_reused_whatever_their_case_and_each_change_is_an_event(desk, ticket):
    Tag.objects.create(name="VIP", colour="red", created_at=ticket.created_at)
    assert ticket_tags_change(ticket=ticket, agent=desk.agent_a, add="vip, refund") == 2
    assert tag_names(ticket) == ["VIP", "refund"]  # the existing tag, as the admin spelled it
    assert Tag.objects.count() == 2 and Tag.objects.get(name="refund").colour == "grey"
    assert ticket_tags_change(ticket=ticket, agent=desk.agent_a, add="Refund") == 0  # already on it
    vip = Tag.objects.get(name="VIP")
    assert ticket_tags_change(ticket=ticket, agent=desk.agent_a, remove=[vip.pk]) == 1
    assert tag_names(ticket) == ["refund"]
    events = list(ticket.events.values_list("kind", "new_value", "actor__username"))
    assert events == [
        (TicketEvent.Kind.TAG_ADDED, "VIP", "alice"),
        (TicketEvent.Kind.TAG_ADDED, "refund", "alice"),
        (TicketEvent.Kind.TAG_REMOVED, "VIP", "alice"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "error"),
    [("x" * 41, "under 40 characters"), ("<script>", "letters, digits"), ("-lead", "letters, digits")],
)
def test_a_bad_name_is_refused_and_nothing_is_tagged(desk, ticket, typed, error):
    with pytest.raises(ValidationError, match=error):
        ticket_tags_change(ticket=ticket, agent=desk.agent_a, add=f"fine, {typed}")
    assert not Tag.objects.exists() and not ticket.events.exists()


@pytest.mark.django_db
def test_a_ticket_carries_at_most_twenty_tags_and_a_refusal_adds_none(desk, ticket):
    names = ", ".join(f"t{n}" for n in range(TAGS_PER_TICKET))
    ticket_tags_change(ticket=ticket, agent=desk.agent_a, add=names)
    with pytest.raises(ValidationError, match="at most 20 tags"):
        ticket_tags_change(ticket=ticket, agent=desk.agent_a, add="one more")
    assert ticket.tags.count() == TAGS_PER_TICKET


@pytest.mark.django_db
def test_removing_a_tag_that_is_not_on_the_ticket_changes_nothing(desk, ticket):
    other = TicketFactory(queue=desk.queue_a)
    ticket_tags_change(ticket=other, agent=desk.agent_a, add="vip")
    assert ticket_tags_change(ticket=ticket, agent=desk.agent_a, remove=[Tag.objects.get().pk]) == 0
    assert tag_names(other) == ["vip"]


@pytest.mark.django_db
def test_the_queue_filtered_by_a_tag_lists_its_tickets_whatever_the_case_typed(desk, ticket):
    other = TicketFactory(queue=desk.queue_a)
    TicketFactory(queue=desk.queue_a)
    theirs = TicketFactory(queue=desk.queue_b)
    ticket_tags_change(ticket=ticket, agent=desk.agent_a, add="Refund")
    ticket_tags_change(ticket=other, agent=desk.agent_a, add="refund, vip")
    ticket_tags_change(ticket=theirs, agent=desk.agent_b, add="vip")

    def listed(tag: str) -> set[Ticket]:
        return set(ticket_list_for_agent(user=desk.agent_a, filters=QueueFilters(tag=tag)))

    assert listed("REFUND") == {ticket, other}
    assert listed(" vip ") == {other}  # never another queue's ticket
    assert listed("nothing") == set()
