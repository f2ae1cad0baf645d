"""/desk/me/tokens/: make a token (its secret shown once), list and revoke one's own."""

from __future__ import annotations

import pytest
from django.test import Client

from api.models import ApiToken
from api.services import token_create

pytestmark = pytest.mark.django_db
PAGE = "/desk/me/tokens/"


def test_making_a_token_shows_its_secret_once(alice, desk):
    response = alice.post(PAGE, {"name": "Shop website", "scope": "write"})
    assert response.status_code == 201
    token = ApiToken.objects.get(owner=desk.agent_a)
    secret = response.context["secret"]
    assert secret.startswith(token.prefix)
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    again = alice.get(PAGE).content.decode()
    assert secret not in again
    assert token.prefix in again


def test_a_missing_name_is_said_beside_the_field(alice):
    response = alice.post(PAGE, {"name": "", "scope": "read"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_agents_cannot_pick_the_admin_scope(alice):
    response = alice.post(PAGE, {"name": "All", "scope": "admin"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_ones_own(alice, desk):
    token_create(owner=desk.agent_b, name="Bob's robot", scope="read")
    token_create(owner=desk.agent_a, name="Alice's shop", scope="read")
    page = alice.get(PAGE).content.decode()
    assert "Alice&#x27;s shop" in page
    assert "Bob&#x27;s robot" not in page


def test_revoking_ones_own_token(alice, desk):
    created = token_create(owner=desk.agent_a, name="Old", scope="read")
    response = alice.post(f"{PAGE}{created.token.pk}/revoke/")
    assert response.status_code == 302
    created.token.refresh_from_db()
    assert created.token.revoked_at is not None


def test_anothers_token_is_404_and_stays(alice, desk):
    bobs = token_create(owner=desk.agent_b, name="Bob's", scope="read").token
    assert alice.post(f"{PAGE}{bobs.pk}/revoke/").status_code == 404
    bobs.refresh_from_db()
    assert bobs.revoked_at is None


def test_revoking_needs_a_post_with_csrf(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.agent_a)
    created = token_create(owner=desk.agent_a, name="Old", scope="read")
    assert client.get(f"{PAGE}{created.token.pk}/revoke/").status_code == 405
    assert client.post(f"{PAGE}{created.token.pk}/revoke/").status_code == 403
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_visitors_are_sent_to_sign_in(stranger):
    response = stranger.get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"]
