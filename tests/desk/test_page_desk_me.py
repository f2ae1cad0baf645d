"""/desk/me/: an agent sets their own time zone and on-duty hours."""

from __future__ import annotations

import html
import re
from datetime import time

import pytest

from tickets.models import AgentProfile

pytestmark = pytest.mark.django_db
URL = "/desk/me/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def error_beside(page: str, field: str) -> str:
    match = re.search(rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', page, re.S)
    assert match, f"no error beside {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_the_top_bar_links_to_my_settings_and_names_the_zone(desk, alice, settings):
    page = text(alice.get("/desk/"))
    assert f'href="{URL}"' in page and 'Alice Agent <span class="desk-zone">· UTC</span>' in page
    response = alice.get(URL)
    assert response.status_code == 200
    assert "The desk's zone (UTC)" in text(response)


def test_an_agent_saves_a_zone_and_hours(desk, alice):
    response = alice.post(
        URL,
        {
            "timezone": "Europe/London",
            "duty_days": ["0", "1", "2", "3", "4"],
            "duty_start": "09:00",
            "duty_end": "17:30",
        },
        follow=True,
    )
    profile = AgentProfile.objects.get(user=desk.agent_a)
    assert (profile.timezone, profile.duty_days, profile.duty_start, profile.duty_end) == (
        "Europe/London", "01234", time(9), time(17, 30),
    )  # fmt: skip
    page = text(response)
    assert "Saved." in page and "you're on duty Mon-Fri, 09:00-17:30" in page
    assert "· London time</span>" in page  # the new zone, at once
    assert re.search(r'<option value="Europe/London" selected>', page)


def test_an_unknown_zone_is_refused_beside_the_field_keeping_the_hours(desk, alice):
    response = alice.post(
        URL, {"timezone": "Mars/Olympus_Mons", "duty_days": ["5"], "duty_start": "22:00", "duty_end": "06:00"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "“Mars/Olympus_Mons” is not a time zone. Pick one from the list, e.g. Europe/London." in error_beside(
        page, "timezone"
    )
    assert 'value="22:00"' in page and 'value="06:00"' in page
    assert re.search(r'value="5"[^>]*checked|checked[^>]*value="5"', page)
    assert not AgentProfile.objects.exists()


def test_a_start_without_an_end_is_refused(desk, alice):
    response = alice.post(URL, {"timezone": "", "duty_start": "09:00", "duty_end": ""})
    assert response.status_code == 400
    assert "Give both a start and an end time, or neither." in error_beside(text(response), "duty_end")


def test_only_agents_reach_my_settings(desk, stranger, client):
    assert stranger.get(URL).status_code == 302  # to the login page
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="cust", is_staff=False))
    assert client.get(URL).status_code == 404
