"""The reply form's promise on the agent's ticket page: what "Waiting on customer" does, said before
sending and enforced without JavaScript; times read and shown in the agent's own zone."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tickets.models import AgentProfile, Promise, SlaPolicy, Ticket

pytestmark = pytest.mark.django_db


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_error(page: str, field: str) -> str:
    """The error crispy renders beside ``field`` (tied to the input by aria-describedby)."""
    assert re.search(rf'id="id_{field}"[^>]*aria-describedby="[^"]*id_{field}_error', page) or re.search(
        rf'aria-describedby="[^"]*id_{field}_error[^"]*"[^>]*id="id_{field}"', page
    ), f"{field} is not tied to its error"
    match = re.search(rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', page, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def waiting_note(page: str) -> tuple[str, bool]:
    match = re.search(r'<p class="small waiting-note" id="waiting-note"[^>]*?( hidden)?>(.*?)</p>', page, re.S)
    assert match, "the form has the waiting note"
    return match.group(2), bool(match.group(1))


def test_the_form_says_what_waiting_will_do_before_sending(desk, ticket, alice):
    page = text(alice.get(url(ticket)))
    first = ticket.customer.first_name
    expected = (
        f"The clock pauses while we wait for {first}. "
        f"When {first} answers, we'll promise an update within 2 business hours."
    )
    note, hidden = waiting_note(page)
    assert note == expected and hidden  # shown by static/js/promise-pick.js when "Waiting on customer" is chosen
    assert 'data-waiting-pauses="true"' in page and f'data-waiting-note="{expected}"' in page


def test_waiting_with_a_picked_time_is_refused_beside_the_time_field_keeping_everything(desk, ticket, alice):
    response = alice.post(
        url(ticket, "reply"),
        {
            "visibility": "public",
            "body": "Which version do you run?",
            "status_after": "waiting",
            "next_update": "tomorrow10",
        },
    )
    assert response.status_code == 400
    page = text(response)
    first = ticket.customer.first_name
    assert (
        f"“Waiting on customer” pauses the clock, so no update time is promised until {first} answers."
        in field_error(page, "next_update_at")
    )
    assert "Which version do you run?</textarea>" in page
    assert re.search(r'<option value="waiting" selected>', page)
    assert re.search(r'<option value="tomorrow10" selected>', page)
    note, hidden = waiting_note(page)
    assert note.startswith(f"The clock pauses while we wait for {first}.") and not hidden
    assert not ticket.messages.exists() and not ticket.promises.exists()


def test_a_policy_that_keeps_running_keeps_the_picker_and_says_so(desk, ticket, alice):
    SlaPolicy.objects.update(pause_when_waiting=False)
    page = text(alice.get(url(ticket)))
    assert 'data-waiting-pauses="false"' in page
    assert "the next update you promise stands" in waiting_note(page)[0]
    response = alice.post(
        url(ticket, "reply"),
        {"visibility": "public", "body": "Which version?", "status_after": "waiting", "next_update": "2bh"},
    )
    assert response.status_code == 302
    promise = ticket.promises.get(state="pending")
    assert promise.due_at is not None and promise.source == "agent"


def test_a_picked_time_is_read_and_shown_in_the_agents_zone(desk, ticket, alice):
    AgentProfile.objects.create(user=desk.agent_a, timezone="America/New_York")
    new_york = ZoneInfo("America/New_York")
    local = (timezone.now().astimezone(new_york) + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    form = text(alice.get(url(ticket)))
    assert "In your time zone (New York time)." in form
    response = alice.post(
        url(ticket, "reply"),
        {"visibility": "public", "body": "On it", "next_update": "custom", "next_update_at": f"{local:%Y-%m-%dT%H:%M}"},
        follow=True,
    )
    promise = Promise.objects.get(ticket=ticket, state="pending")
    assert promise.due_at == local  # the same instant: 10:00 in New York
    page = text(response)
    assert f"Next update promised by {local:%a} 10:00 (New York time)." in page  # the success message
    card = page[page.index('class="card mb-3 promise-card') :]
    assert re.search(
        rf"{local:%a} {local.day} {local:%b} 10:00</time></strong> <span class=\"promise-zone\">\(New York time\)", card
    )
    assert f'promise made <span class="text-body">due {local:%a} {local.day} {local:%b} 10:00 (New York time)' in page
    assert "· New York time</span>" in page  # the top bar names the zone


def test_the_sidebar_says_the_clock_waits_after_a_waiting_reply(desk, ticket, alice):
    alice.post(url(ticket, "reply"), {"visibility": "public", "body": "Which version?", "status_after": "waiting"})
    page = text(alice.get(url(ticket)))
    first = ticket.customer.first_name
    assert "Clock paused: waiting on the customer. No update time is promised." in re.sub(r"<[^>]+>", "", page)
    assert f"When {first} answers, we promise an update within 2 business hours." in page
    assert "clock paused until the customer answers, then an update within 2 business hours" in page  # timeline


def test_keeping_a_waiting_status_counts_as_waiting(desk, ticket, alice):
    alice.post(url(ticket, "reply"), {"visibility": "public", "body": "Which version?", "status_after": "waiting"})
    page = text(alice.get(url(ticket)))
    assert not waiting_note(page)[1]  # "Keep the current status" keeps it waiting: the note is shown
    assert 'data-current-status="waiting"' in page
    response = alice.post(
        url(ticket, "reply"), {"visibility": "public", "body": "Any news?", "status_after": "", "next_update": "2bh"}
    )
    assert response.status_code == 400
    assert "pauses the clock" in field_error(text(response), "next_update_at")
