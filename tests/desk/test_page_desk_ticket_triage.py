"""The ticket page's triage actions: move and kind, take it, tags, related tickets, follow, merge.

Each action: the right agent succeeds and stays on the ticket (or lands where the ticket went),
an agent of another queue gets 404 even with crafted references, a stranger is sent to login.
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.desk.test_page_desk_queue import QUEUE_QUERIES
from tests.desk.test_page_desk_ticket import TICKET_QUERIES
from tests.factories import CustomerFactory, MessageFactory, TicketFactory, UserFactory
from tickets import services
from tickets.models import OutboundEmail, Tag, Ticket, TicketEvent, TicketFollower, TicketLink
from tickets.services.triage import ticket_follow, ticket_link, ticket_tags_change
from tickets.sla_config import sla_config

pytestmark = pytest.mark.django_db


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page as a reader sees it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def move(client: Client, ticket: Ticket, queue, kind: str = "", follow: bool = False):
    data = {"queue": queue.pk, "kind": kind or ticket.kind}
    return client.post(url(ticket, "triage"), data, follow=follow)


# --- Move and correct the kind -------------------------------------------------------------------------


def test_moving_into_a_queue_alice_is_not_in_sends_her_back_to_the_queue_saying_so(desk, ticket, alice):
    response = move(alice, ticket, desk.queue_b)
    assert (response.status_code, response.url) == (302, "/desk/")
    page = text(alice.get("/desk/"))
    assert f"Moved {ticket.reference} from Billing to Technical" in page
    assert "You're not in Technical, so it has left your view." in page
    assert alice.get(url(ticket)).status_code == 404  # she lost sight of it
    ticket.refresh_from_db()
    assert ticket.queue == desk.queue_b


def test_correcting_the_kind_stays_on_the_ticket_and_the_timeline_says_what_the_promise_did(desk, alice):
    ticket = services.ticket_submit(
        name="Dana", email="dana@example.com", kind="info", subject="Opening hours?", description="When?"
    ).ticket  # in Billing, the default queue, with the info policy's first-response promise
    response = move(alice, ticket, desk.queue_a, kind="complaint", follow=True)
    assert response.redirect_chain == [(url(ticket), 302)]
    assert "Kind corrected from Info request to Complaint; next update now due" in text(response)
    assert "Alice Agent: kind corrected from Info request to Complaint; next update now due" in words(response)


def test_an_admin_moves_anywhere_and_keeps_seeing_it(desk, ticket, admin_client_):
    response = move(admin_client_, ticket, desk.queue_b)
    assert (response.status_code, response.url) == (302, url(ticket))


def test_an_unknown_queue_is_an_error_beside_the_field(desk, ticket, alice):
    response = alice.post(url(ticket, "triage"), {"queue": 999_999, "kind": "problem"})
    assert response.status_code == 400
    assert 'aria-describedby="id_queue_error"' in text(response) or "id_queue_error" in text(response)
    ticket.refresh_from_db()
    assert ticket.queue == desk.queue_a


def test_bob_cannot_move_or_act_on_alices_ticket_even_by_crafting_it(desk, ticket, bob):
    other = TicketFactory(queue=desk.queue_b, customer=ticket.customer)
    posts = {
        "triage": {"queue": desk.queue_b.pk, "kind": "problem"},
        "take": {},
        "tags": {"tags": "mine"},
        "links": {"link-reference": other.reference},
        "follow": {"follow": "1"},
        "merge": {"merge-reference": other.reference, "merge-confirm": "true"},
    }
    for action, data in posts.items():
        assert bob.post(url(ticket, action), data).status_code == 404, action
    assert bob.post(url(ticket, f"links/{other.reference}/remove")).status_code == 404
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.assignee, ticket.status) == (desk.queue_a, None, Ticket.Status.NEW)
    assert not ticket.events.exists() and not TicketFollower.objects.exists() and not TicketLink.objects.exists()


def test_a_stranger_is_sent_to_login(desk, ticket, stranger):
    for action in ("triage", "take", "tags", "links", "follow", "merge"):
        response = stranger.post(url(ticket, action))
        assert response.status_code == 302 and response.url.startswith("/desk/login/"), action


def test_the_actions_only_answer_post(desk, ticket, alice):
    assert alice.get(url(ticket, "take")).status_code == 405
    assert alice.get(url(ticket, "merge")).status_code == 405


# --- Take it, follow ----------------------------------------------------------------------------------------


def test_take_it_shows_for_an_unassigned_ticket_and_makes_it_yours(desk, ticket, alice):
    assert ">Take it</button>" in text(alice.get(url(ticket)))
    page = text(alice.post(url(ticket, "take"), follow=True))
    assert "It's yours now." in page and ">Take it</button>" not in page
    assert "Unassigned → Alice Agent" in page


def test_take_it_when_someone_was_quicker_says_who(desk, ticket, alice):
    carl = UserFactory(username="carl", first_name="Carl", last_name="Clerk")
    desk.queue_a.agents.add(carl)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=carl)
    page = text(alice.post(url(ticket, "take"), follow=True))
    assert "Carl Clerk has already taken this ticket." in page


def test_follow_and_unfollow(desk, ticket, alice):
    page = text(alice.post(url(ticket, "follow"), {"follow": "1"}, follow=True))
    assert "You're following this ticket" in page and ">Unfollow</button>" in page
    assert "Followed by you" in page
    page = text(alice.post(url(ticket, "follow"), {"follow": "0"}, follow=True))
    assert "You no longer follow this ticket." in page and ">Follow</button>" in page and "Followed by" not in page


# --- Tags -----------------------------------------------------------------------------------------------------


def test_tags_added_on_the_page_show_there_and_in_the_queue_which_filters_by_them(desk, ticket, alice):
    other = TicketFactory(queue=desk.queue_a, subject="Nothing to do with it")
    Tag.objects.create(name="VIP", colour="red", created_at=ticket.created_at)
    response = alice.post(url(ticket, "tags"), {"tags": "vip, Refund"}, follow=True)
    page = text(response)
    assert "Tags added." in page
    assert '<span class="badge tag tag-red">VIP</span>' in page
    assert '<span class="badge tag tag-grey">Refund</span>' in page
    assert "Alice Agent: tagged “Refund”" in words(response)
    queue = text(alice.get("/desk/?tag=vip"))
    assert ticket.subject in queue and other.subject not in queue
    assert '<span class="badge tag tag-red">VIP</span>' in queue


def test_removing_a_tag_and_a_crafted_id_of_someone_elses(desk, ticket, alice):
    ticket_tags_change(ticket=ticket, agent=desk.agent_a, add="vip")
    theirs = TicketFactory(queue=desk.queue_b)
    ticket_tags_change(ticket=theirs, agent=desk.agent_b, add="secret")
    secret = Tag.objects.get(name="secret")
    alice.post(url(ticket, "tags"), {"remove": secret.pk})  # not on this ticket: nothing happens
    assert list(theirs.tags.values_list("name", flat=True)) == ["secret"]
    page = text(alice.post(url(ticket, "tags"), {"remove": Tag.objects.get(name="vip").pk}, follow=True))
    assert "Tag removed." in page and not ticket.tags.exists()


def test_a_bad_tag_is_an_error_beside_the_field_with_the_text_kept(desk, ticket, alice):
    response = alice.post(url(ticket, "tags"), {"tags": "ok, <b>"})
    assert response.status_code == 400
    page = text(response)
    assert "use letters, digits, spaces" in page and 'value="ok, <b>"' in response.content.decode().replace(
        "&lt;", "<"
    ).replace("&gt;", ">")
    assert not Tag.objects.exists()


# --- Related tickets ------------------------------------------------------------------------------------


def test_linking_shows_on_both_pages_and_unlinking_removes_it(desk, ticket, alice):
    other = TicketFactory(queue=desk.queue_a, subject="Same printer, other floor")
    page = text(alice.post(url(ticket, "links"), {"link-reference": other.reference.lower()}, follow=True))
    assert f"Linked to {other.reference}." in page and "Same printer, other floor" in page
    assert ticket.subject in text(alice.get(url(other)))
    page = text(alice.post(url(ticket, f"links/{other.reference}/remove"), follow=True))
    assert f"Unlinked from {other.reference}." in page and not TicketLink.objects.exists()


def test_linking_to_a_ticket_alice_cannot_see_looks_like_an_unknown_one(desk, ticket, alice):
    theirs = TicketFactory(queue=desk.queue_b)
    unknown = alice.post(url(ticket, "links"), {"link-reference": "HD-99999"})
    hidden = alice.post(url(ticket, "links"), {"link-reference": theirs.reference})
    assert unknown.status_code == hidden.status_code == 400
    assert "There is no HD-99999 in your queues." in text(unknown)
    assert f"There is no {theirs.reference} in your queues." in text(hidden)
    assert not TicketLink.objects.exists()


# --- Merge ---------------------------------------------------------------------------------------------------


@pytest.fixture
def duplicate(desk, ticket):
    MessageFactory(ticket=ticket, body="The first time I wrote")
    dup = TicketFactory(queue=desk.queue_a, customer=ticket.customer, subject="Printer again")
    MessageFactory(ticket=dup, body="Writing again about the printer")
    return dup


def test_merge_asks_first_then_moves_everything_and_lands_on_the_target(desk, ticket, duplicate, alice):
    confirm = alice.post(url(duplicate, "merge"), {"merge-reference": ticket.reference})
    assert confirm.status_code == 200
    page = text(confirm)
    assert f"Merge {duplicate.reference} into {ticket.reference}?" in page and "This can't be undone." in page
    assert duplicate.messages.count() == 1  # nothing merged yet

    response = alice.post(
        url(duplicate, "merge"), {"merge-reference": ticket.reference, "merge-confirm": "true"}, follow=True
    )
    assert response.redirect_chain == [(url(ticket), 302)]
    page = text(response)
    assert f"Merged {duplicate.reference} into {ticket.reference}: 1 message moved here" in page
    assert "Writing again about the printer" in page and f"from {duplicate.reference}" in page
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.MERGED).count() == 1

    again = alice.get(url(duplicate), follow=True)  # the duplicate's page leads to the target
    assert again.redirect_chain == [(url(ticket), 302)]
    assert f"{duplicate.reference} was merged into {ticket.reference}" in text(again)


def test_the_merge_card_offers_the_customers_other_open_requests(desk, ticket, duplicate, alice):
    page = text(alice.get(url(duplicate)))
    assert f'<option value="{ticket.reference}">' in page
    TicketFactory(queue=desk.queue_a, subject="Someone else's")
    assert "Someone else's" not in page


def test_merging_into_another_customers_ticket_is_refused_beside_the_field(desk, ticket, alice):
    stranger_ticket = TicketFactory(queue=desk.queue_a, customer=CustomerFactory())
    response = alice.post(url(ticket, "merge"), {"merge-reference": stranger_ticket.reference, "merge-confirm": "true"})
    assert response.status_code == 400
    assert "belongs to another customer" in text(response)
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_a_merged_ticket_whose_target_alice_cannot_see_says_where_it_went(desk, ticket, admin_client_, alice):
    target = TicketFactory(queue=desk.queue_b, customer=ticket.customer)
    admin_client_.post(url(ticket, "merge"), {"merge-reference": target.reference, "merge-confirm": "true"})
    response = alice.get(url(ticket))
    assert response.status_code == 200
    assert f"This ticket was merged into {target.reference}, which is in a queue you're not in." in text(response)


# --- Query count -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("many", [1, 10])
def test_the_page_costs_the_same_with_one_or_many_tags_links_and_followers(
    desk, ticket, alice, django_assert_max_num_queries, many
):
    ticket_tags_change(ticket=ticket, agent=desk.agent_a, add=", ".join(f"tag{n}" for n in range(many)))
    for n in range(many):
        ticket_link(ticket=ticket, other=TicketFactory(queue=desk.queue_a), agent=desk.agent_a)
        follower = UserFactory(username=f"follower{n}")
        desk.queue_a.agents.add(follower)
        ticket_follow(ticket=ticket, user=follower, follow=True)
        TicketFactory(queue=desk.queue_a, customer=ticket.customer)  # merge candidates
    sla_config()  # as after the process's first request
    with django_assert_max_num_queries(TICKET_QUERIES):
        page = text(alice.get(url(ticket)))
    assert page.count('class="badge tag tag-grey"') == 2 * many  # in the header and in the tags card
    assert page.count('aria-label="Unlink HD-') == many
    assert ticket.events.filter(kind=TicketEvent.Kind.TAG_ADDED).count() == many


@pytest.mark.parametrize("rows", [1, 25])
def test_the_queue_filtered_by_a_tag_costs_the_same_with_one_row_or_a_page(
    desk, alice, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        ticket_tags_change(ticket=TicketFactory(queue=desk.queue_a), agent=desk.agent_a, add="vip, refund")
    with django_assert_max_num_queries(QUEUE_QUERIES + 2):  # the tag's id, and how many tickets carry it
        page = text(alice.get("/desk/?tag=VIP"))
    assert page.count('<span class="badge tag tag-grey">vip</span>') == rows
