"""/healthz: a load balancer's view of the database and the broker."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from helpdesk.celery import app as celery_app
from helpdesk.lib import degraded

URL = "/healthz"
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # port 1: nothing listens there
UNREACHABLE_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}

pytestmark = pytest.mark.django_db


def health(client) -> tuple[int, dict]:
    response = client.get(URL)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {"status", "checks"}  # no error text: hostnames and driver messages stay in the logs
    return response.status_code, body


@pytest.fixture
def broken_broker(monkeypatch):
    """Point the Celery app at a broker nobody runs, and put the real one back afterwards."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # the env var wins over conf
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = UNREACHABLE_BROKER
    try:
        yield
    finally:
        celery_app.conf.broker_url = original


def test_healthy_on_the_default_setup(client):
    status, body = health(client)
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "cache": "ok"}}


def test_an_unreachable_broker_gives_503_naming_it(client, broken_broker):
    status, body = health(client)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "broker": "failed", "cache": "ok"}


def test_the_broker_is_back_after_the_outage(client, broken_broker):
    assert health(client)[0] == 503
    celery_app.conf.broker_url = "memory://"
    assert health(client)[0] == 200


def test_a_failing_database_gives_503_naming_it(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        status, body = health(client)
    assert status == 503
    assert body["checks"] == {"database": "failed", "broker": "ok", "cache": "ok"}


def test_an_unreachable_cache_is_degraded_not_down(client, settings):
    # The form works without the cache (docs/reliability.md §5): a load balancer must keep the
    # web processes in rotation, and a person reading /healthz must still see what is wrong.
    settings.CACHES = {"default": {**UNREACHABLE_CACHE}}
    status, body = health(client)
    assert status == 200
    assert body == {"status": "degraded", "checks": {"database": "ok", "broker": "ok", "cache": "failed"}}


def test_a_step_this_process_did_without_shows_as_degraded(client):
    degraded.report("deflection record", OperationalError("server closed the connection"))
    status, body = health(client)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["deflection record"] == "degraded"


def test_healthz_only_answers_get(client):
    assert client.post(URL).status_code == 405
