"""Signing in to and out of the desk (/desk/login/, /desk/logout/)."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tests.conftest import PASSWORD

LOGIN = "/desk/login/"
LOGOUT = "/desk/logout/"

pytestmark = pytest.mark.django_db


def sign_in(client, password: str = PASSWORD, username: str = "alice", next_url: str = ""):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


def text(response) -> str:
    return html.unescape(response.content.decode())


def is_signed_in(client) -> bool:
    return client.get("/desk/").status_code == 200


def test_anonymous_visitor_is_sent_to_login_with_next(desk, stranger):
    response = stranger.get("/desk/?status=all")
    assert response.status_code == 302
    assert response.url == "/desk/login/?next=/desk/%3Fstatus%3Dall"


def test_the_login_page_carries_next_through_the_form(desk, stranger):
    page = text(stranger.get(f"{LOGIN}?next=/desk/t/HD-1001/"))
    assert "Sign in to the help desk" in page
    assert 'name="next" value="/desk/t/HD-1001/"' in page


def test_alice_signs_in_with_her_password(desk, stranger):
    response = sign_in(stranger)
    assert response.status_code == 302 and response.url == "/desk/"
    assert is_signed_in(stranger)


def test_sign_in_returns_to_next(desk, ticket, stranger):
    response = sign_in(stranger, next_url=f"/desk/t/{ticket.reference}/")
    assert response.url == f"/desk/t/{ticket.reference}/"


def test_sign_in_never_redirects_off_site(desk, stranger):
    assert sign_in(stranger, next_url="https://evil.example/").url == "/desk/"


def test_a_wrong_password_shows_an_error_and_keeps_the_name(desk, stranger):
    response = sign_in(stranger, password="wrong-password")
    assert response.status_code == 200
    page = text(response)
    assert "Please enter a correct username and password." in page
    assert 'value="alice"' in page
    assert not is_signed_in(stranger)


def test_rate_limit_refuses_even_the_right_password(desk, stranger, settings):
    settings.RATELIMIT_LOGIN = (3, 600)
    for _ in range(3):
        assert sign_in(stranger, password="guess").status_code == 200
    response = sign_in(stranger)
    assert response.status_code == 429
    page = text(response)
    assert "Too many sign-in attempts from your address." in page
    assert 'value="alice"' in page
    assert not is_signed_in(stranger)


def test_rate_limit_is_per_address(desk, settings):
    settings.RATELIMIT_LOGIN = (1, 600)
    sign_in(Client(REMOTE_ADDR="10.0.0.1"), password="guess")
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert sign_in(other).status_code == 302


def test_logout_is_post_only(desk, alice):
    assert alice.get(LOGOUT).status_code == 405
    assert is_signed_in(alice)
    response = alice.post(LOGOUT)
    assert response.status_code == 302 and response.url == LOGIN
    assert not is_signed_in(alice)


def test_a_signed_in_agent_skips_the_login_page(desk, alice):
    response = alice.get(LOGIN)
    assert response.status_code == 302 and response.url == "/desk/"
