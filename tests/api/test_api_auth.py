"""Tokens and sessions: found by hash only, noted once a minute, CSRF on the desk's session, throttled."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create
from api.throttles import AnonThrottle, UserThrottle
from api.tokens import token_hash
from tests.api.conftest import client_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_hash_is_kept(desk):
    created = token_create(owner=desk.agent_a, name="Shop", scope="write")
    row = ApiToken.objects.get()
    assert row.secret_hash == token_hash(created.secret)
    assert created.secret not in {row.name, row.prefix, row.secret_hash}
    assert created.secret.startswith(row.prefix)


def test_last_used_is_noted_at_most_once_a_minute(desk, django_assert_num_queries):
    created = token_create(owner=desk.agent_a, name="Shop", scope="read")
    client = client_with(created.secret)
    client.get("/api/v1/queues/")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        client.get("/api/v1/queues/")
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        client.get("/api/v1/queues/")
    assert ApiToken.objects.get().last_used_at > first


def test_a_token_of_someone_no_longer_an_agent_stops_working(desk):
    created = token_create(owner=desk.agent_a, name="Shop", scope="read")
    desk.agent_a.is_staff = False
    desk.agent_a.save()
    assert client_with(created.secret).get("/api/v1/queues/").status_code == 401


def test_only_admins_make_admin_tokens(desk):
    with pytest.raises(Exception, match="admin"):
        token_create(owner=desk.agent_a, name="All", scope="admin")
    assert token_create(owner=desk.admin, name="All", scope="admin").token.scope == "admin"


def test_expired_tokens_stop_at_their_time(desk):
    created = token_create(owner=desk.agent_a, name="Day", scope="read", expires_at=timezone.now() + timedelta(hours=1))
    client = client_with(created.secret)
    assert client.get("/api/v1/queues/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert client.get("/api/v1/queues/").status_code == 401


def test_the_desks_session_reads_and_writes_with_csrf(desk, ticket):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(desk.agent_a)
    assert client.get("/api/v1/tickets/").status_code == 200
    refused = client.post(f"/api/v1/tickets/{ticket.reference}/notes/", {"body": "x"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/desk/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    done = client.post(
        f"/api/v1/tickets/{ticket.reference}/notes/", {"body": "x"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert done.status_code == 201


def test_a_signed_in_customer_side_user_is_not_an_agent(db):
    client = Client()
    client.force_login(UserFactory(username="visitor", is_staff=False))
    assert client.get("/api/v1/tickets/").status_code == 401


def test_too_many_requests_get_429_with_retry_after(desk, monkeypatch, token_for):
    rates = {"user": "3/minute", "anon": "2/minute"}  # DRF reads REST_FRAMEWORK's rates once, at start-up
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", rates)
    client = client_with(token_for(desk.agent_a))
    answers = [client.get("/api/v1/queues/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/queues/")
    assert int(refused["Retry-After"]) > 0
    anon = client_with(None)
    assert [anon.get("/api/v1/kb/articles/").status_code for _ in range(3)] == [200, 200, 429]
    assert int(anon.get("/api/v1/kb/articles/")["Retry-After"]) > 0
