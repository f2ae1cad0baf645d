"""Next / previous ticket in the view on the ticket page, and "Assign to me"."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def nav(content: str) -> dict[str, str]:
    links = dict(re.findall(r'href="([^"]+)" rel="(prev|next)"', content))
    return {rel: link for link, rel in links.items()}


def ref_of(link: str) -> str:
    return re.search(r"/desk/t/([^/]+)/", link).group(1)


@pytest.fixture
def line(desk) -> list[Ticket]:
    """Four complaints due one after the other, and one problem between them."""
    now = timezone.now()
    made = [
        TicketFactory(
            queue=desk.queue_a, kind="complaint", subject=f"Complaint {n}", next_due_at=now + timedelta(hours=n)
        )
        for n in range(1, 5)
    ]
    TicketFactory(queue=desk.queue_a, kind="problem", next_due_at=now + timedelta(minutes=150))
    return made


def test_the_queue_links_each_ticket_with_its_view_and_place(desk, alice, line):
    content = text(alice.get("/desk/", {"kind": "complaint"}))
    assert f'href="/desk/t/{line[0].reference}/?kind=complaint&at=' in content


def test_walking_the_view_with_next_and_previous(desk, alice, line):
    content = text(alice.get("/desk/", {"kind": "complaint"}))
    link = re.search(rf'href="(/desk/t/{line[0].reference}/[^"]+)"', content).group(1)
    seen = []
    while link:
        page = text(alice.get(link))
        seen.append(ref_of(link))
        assert 'href="/desk/?kind=complaint"' in page  # back to the view
        link = nav(page).get("next", "")
    assert seen == [t.reference for t in line]  # the problem is not in this view
    assert ref_of(nav(text(alice.get(f"/desk/t/{line[2].reference}/?kind=complaint")))["prev"]) == line[1].reference


def test_next_still_means_the_one_below_after_a_reply_moved_this_ticket(desk, alice, line):
    content = text(alice.get("/desk/", {"kind": "complaint"}))
    link = re.search(rf'href="(/desk/t/{line[0].reference}/[^"]+)"', content).group(1)
    later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    reply = {"visibility": "public", "body": "On it.", "next_update": "custom", "next_update_at": later}
    response = alice.post(link.replace(f"/t/{line[0].reference}/", f"/t/{line[0].reference}/reply/"), reply)
    assert response.status_code == 302 and response["Location"] == link  # back to the same view and place
    page = text(alice.get(response["Location"]))
    assert ref_of(nav(page)["next"]) == line[1].reference  # not past the others, though now due last


def test_no_next_at_the_end_and_a_junk_position_is_ignored(desk, alice, line):
    page = text(alice.get(f"/desk/t/{line[3].reference}/?kind=complaint&at=junk"))
    assert "next" not in nav(page) and ref_of(nav(page)["prev"]) == line[2].reference


def test_without_a_view_the_default_queue_is_walked(desk, alice, line):
    page = text(alice.get(f"/desk/t/{line[1].reference}/"))
    assert ref_of(nav(page)["next"]) != line[1].reference


def test_assign_to_me_keeps_the_view_and_only_changes_the_assignee(desk, alice, bob, line):
    ticket = line[0]
    Ticket.objects.filter(pk=ticket.pk).update(status="open")
    response = alice.post(f"/desk/t/{ticket.reference}/assign-me/?kind=complaint&at=1.2.3")
    assert response["Location"] == f"/desk/t/{ticket.reference}/?kind=complaint&at=1.2.3"
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (desk.agent_a, "open")
    assert "assign-me/" not in text(alice.get(f"/desk/t/{ticket.reference}/"))  # the button goes once it is yours
    assert bob.post(f"/desk/t/{ticket.reference}/assign-me/").status_code == 404
