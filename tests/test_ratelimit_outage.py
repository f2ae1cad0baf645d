"""The shared cache unreachable (Redis down): no limit costs a customer their ticket or an agent
their sign-in, the limits that guard something still hold per process, and the outage is logged
once, not per request (helpdesk.lib.ratelimit, docs/reliability.md §5)."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.test_healthz import UNREACHABLE_CACHE
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings) -> None:
    settings.CACHES = {"default": {**UNREACHABLE_CACHE}}


def submit(client: Client, n: int):
    return client.post(
        reverse("portal:new"),
        {
            "name": "Grace Hopper",
            "email": f"grace{n}@example.com",
            "kind": Ticket.Kind.PROBLEM,
            "subject": f"Question {n}",
            "description": "How do I reset my password?",
            "submission_key": f"key-{n}",
        },
    )


def test_the_form_saves_tickets_with_the_cache_down_and_its_limit_holds_per_process(desk, cache_down, settings):
    settings.RATELIMIT_PUBLIC_FORM = (2, 3600)
    client = Client()
    answers = [submit(client, n) for n in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert answers[0]["Location"] == reverse("portal:submitted")
    assert Ticket.objects.count() == 2
    assert client.get(reverse("portal:submitted")).status_code == 200


def test_the_outage_is_logged_once_not_per_request(desk, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="helpdesk.degraded"):
        for n in range(4):
            assert submit(Client(), n).status_code == 302
    outage = [r for r in caplog.records if r.name == "helpdesk.degraded"]
    assert len(outage) == 1
    assert "cache unavailable" in outage[0].getMessage()


def test_the_sign_in_throttle_still_holds_with_the_cache_down(desk, cache_down, settings):
    settings.RATELIMIT_LOGIN_ACCOUNT = (3, 900)
    client = Client()
    answers = [client.post("/desk/login/", {"username": "alice", "password": "wrong-guess"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = client.post("/desk/login/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 429  # cooling off: not even the right password is checked
    assert "Too many sign-in attempts for this account." in refused.content.decode()


def test_knowledge_base_suggestions_fail_open_with_the_cache_down(cache_down, monkeypatch):
    monkeypatch.setattr("knowledgebase.views.RATELIMIT_SUGGEST", (1, 60))
    client = Client()
    assert [client.get("/kb/suggest/", {"q": "password"}).status_code for _ in range(3)] == [200, 200, 200]


def test_a_failing_deflection_record_still_shows_the_success_page(desk, monkeypatch, caplog):
    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("portal.views.deflection_record", database_gone)
    client = Client()
    response = submit(client, 1)
    assert response.status_code == 302 and response["Location"] == reverse("portal:submitted")
    assert Ticket.objects.count() == 1
    assert "got your request" in client.get(reverse("portal:submitted")).content.decode()
    assert client.get("/healthz").json()["checks"]["deflection record"] == "degraded"
