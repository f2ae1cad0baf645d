"""The admin's view of API tokens: listed without secrets, revoked by an action."""

from __future__ import annotations

import pytest

from api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_an_admin_revokes_a_token_in_the_admin(admin_client_, desk, token_for):
    secret = token_for(desk.agent_a)
    token = ApiToken.objects.get()
    response = admin_client_.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert secret not in admin_client_.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
