"""The per-account sign-in throttle on /desk/login/ (helpdesk.lib.ratelimit.account_*)."""

from __future__ import annotations

import html
import itertools
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

LOGIN = "/desk/login/"
ACCOUNT_THROTTLED = "Too many sign-in attempts for this account."

pytestmark = pytest.mark.django_db


_addresses = itertools.count(1)


def anywhere() -> Client:
    """A client from an address no other request used: only the per-account count applies."""
    n = next(_addresses)
    return Client(REMOTE_ADDR=f"10.1.{n // 250}.{n % 250 + 1}")


def sign_in(client: Client, password: str = PASSWORD, username: str = "alice"):
    return client.post(LOGIN, {"username": username, "password": password})


def text(response) -> str:
    return html.unescape(response.content.decode())


def is_signed_in(client: Client) -> bool:
    return client.get("/desk/").status_code == 200


def test_thirty_failures_from_three_addresses_then_the_right_password_from_a_fourth(desk):
    start = timezone.now().replace(hour=14, minute=30, second=0, microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            client = Client(REMOTE_ADDR=address)
            for _ in range(10):  # within the per-address limit of 10 per 10 minutes
                sign_in(client, password="guess")

        agent = Client(REMOTE_ADDR="10.0.0.4")
        response = sign_in(agent)
        assert response.status_code == 429
        page = text(response)
        assert f"{ACCOUNT_THROTTLED} Try again in 1 minute (at 14:31 UTC)." in page
        assert 'value="alice"' in page  # what she typed is kept
        assert not is_signed_in(agent)

        clock.shift(timedelta(seconds=61))
        response = sign_in(agent)
        assert response.status_code == 302 and response.url == "/desk/"
        assert is_signed_in(agent)


def test_the_fifth_failure_says_when_to_try_again(desk):
    client = anywhere()
    for _ in range(4):
        response = sign_in(client, password="guess")
        assert response.status_code == 200
        assert "Please enter a correct username and password." in text(response)
    response = sign_in(client, password="guess")
    assert response.status_code == 429
    assert f"{ACCOUNT_THROTTLED} Try again in 1 minute" in text(response)


def test_each_failure_after_a_cool_off_doubles_it_up_to_fifteen_minutes(desk):
    start = timezone.now()
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            sign_in(anywhere(), password="guess")
        for _ in range(6):
            response = sign_in(anywhere(), password="guess")
            assert response.status_code == 429
            until = _until(text(response))
            if until == 2:
                assert "Try again in 2 minutes (at " in text(response)
            waits.append(until)
            clock.move_to(timezone.now() + timedelta(minutes=until) + timedelta(seconds=1))
    assert waits == [1, 2, 4, 8, 15, 15]


def _until(page: str) -> int:
    marker = "Try again in "
    return int(page[page.index(marker) + len(marker) :].split(" ", 1)[0])


def test_attempts_during_a_cool_off_are_refused_unchecked_and_do_not_lengthen_it(desk):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            sign_in(anywhere(), password="guess")
        for _ in range(20):
            assert sign_in(anywhere(), password="guess").status_code == 429
        clock.shift(timedelta(seconds=61))
        assert sign_in(anywhere()).status_code == 302


def test_a_successful_sign_in_clears_the_count(desk):
    client = anywhere()
    for _ in range(4):
        sign_in(client, password="guess")
    assert sign_in(client).status_code == 302
    other = anywhere()
    for _ in range(4):
        assert sign_in(other, password="guess").status_code == 200  # four fresh tries, no cool-off


def test_the_count_is_per_account_whatever_the_case(desk):
    for name in ("alice", "Alice", " ALICE "):
        sign_in(anywhere(), password="guess", username=name)
    sign_in(anywhere(), password="guess", username="alIce")
    assert sign_in(anywhere(), password="guess").status_code == 429
    assert sign_in(anywhere(), username="bob").status_code == 302  # another account is untouched


def test_the_count_is_forgotten_fifteen_minutes_after_the_last_failure(desk):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            sign_in(anywhere(), password="guess")
        clock.shift(timedelta(minutes=16))
        assert sign_in(anywhere(), password="guess").status_code == 200


def test_blank_fields_are_not_counted_as_guesses(desk):
    for _ in range(10):
        anywhere().post(LOGIN, {"username": "alice", "password": ""})
    assert sign_in(anywhere()).status_code == 302


def test_the_address_limit_still_applies(desk, settings):
    settings.RATELIMIT_LOGIN = (2, 600)
    client = Client(REMOTE_ADDR="10.0.0.9")
    sign_in(client, password="guess")
    sign_in(client, password="guess")
    response = sign_in(client)
    assert response.status_code == 429
    assert "Too many sign-in attempts from your address." in text(response)


def test_no_raw_username_in_cache_keys(desk, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "keys"}}
    for _ in range(5):
        sign_in(anywhere(), password="guess", username="mallory-target")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert any(":rl:acct:" in key for key in keys)
    assert not any("mallory" in key for key in keys)


def test_the_time_to_try_again_is_shown_in_the_desk_zone(desk, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    at = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.get_fixed_timezone(0))
    with time_machine.travel(at, tick=False):
        for _ in range(5):
            response = sign_in(anywhere(), password="guess")
    assert "Try again in 1 minute (at 14:01 CEST)." in text(response)
