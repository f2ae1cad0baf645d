"""Shared personas: an agent in queue A, an agent in queue B, an admin, a customer with a
ticket link, and a stranger (anonymous)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from canned_responses.models import CannedResponse
from canned_responses.services import canned_response_create
from knowledgebase.models import Article, Category
from knowledgebase.services import article_create
from tests.factories import QueueFactory, TicketFactory, UserFactory
from tickets.links import link_path
from tickets.models import Queue, Ticket

PASSWORD = "correct-horse-battery"


# --- running in parallel (``make test`` runs ``pytest -n 2 --dist loadgroup``) ------------------------


def pytest_configure(config: pytest.Config) -> None:
    """Each pytest-xdist worker has its own test database (pytest-django's ``_gw0`` suffix) and
    needs its own broker too: a task one worker's test publishes must never reach the Celery
    worker another one's end-to-end test runs. Worker N uses the Redis database N below the one
    configured (15, 14, ... on CI), for this process and the processes its tests start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = str(django_settings.CELERY_BROKER_URL)
    if not worker.startswith("gw") or not url.startswith("redis://"):
        return
    base, _, db = url.rpartition("/")
    own = f"{base}/{(int(db or 0) - int(worker[2:])) % 16}"
    from helpdesk.celery import app

    django_settings.CELERY_BROKER_URL = own
    app.conf.broker_url = own
    os.environ["CELERY_BROKER_URL"] = own


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The end-to-end tests (browsers, worker processes, servers) run one after another on one
    pytest-xdist worker, while the others share out the rest: two stacks at once on a small
    machine would make their timing windows flaky."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("stack"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    from helpdesk.lib import degraded, ratelimit
    from tickets.sla_config import sla_config_forget

    cache.clear()
    ratelimit._fallback.clear()  # counts kept while a test's cache was unreachable
    degraded.reset()
    sla_config_forget()  # the SLA configuration cached from the last test's rows, rolled back since


@dataclass
class Desk:
    queue_a: Queue
    queue_b: Queue
    agent_a: object
    agent_b: object
    admin: object


@pytest.fixture
def desk(db) -> Desk:
    Queue.objects.update(is_default=False)
    queue_a = QueueFactory(name="Billing", slug="billing", is_default=True)
    queue_b = QueueFactory(name="Technical", slug="technical")
    agent_a = UserFactory(username="alice", first_name="Alice", last_name="Agent")
    agent_b = UserFactory(username="bob", first_name="Bob", last_name="Builder")
    # Every persona's name is fixed: a random last name (Faker's) could match what a test types ("@ca").
    admin = UserFactory(username="admin", first_name="Ada", last_name="Admin", is_superuser=True)
    queue_a.agents.add(agent_a)
    queue_b.agents.add(agent_b)
    return Desk(queue_a=queue_a, queue_b=queue_b, agent_a=agent_a, agent_b=agent_b, admin=admin)


@pytest.fixture
def ticket(desk) -> Ticket:
    """A ticket in queue A (Alice's), owned by a customer."""
    return TicketFactory(queue=desk.queue_a, subject="Printer prints blank pages")


@pytest.fixture
def customer_link(ticket) -> str:
    return link_path(ticket)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(desk) -> Client:
    return _client_for(desk.agent_a)


@pytest.fixture
def bob(desk) -> Client:
    return _client_for(desk.agent_b)


@pytest.fixture
def admin_client_(desk) -> Client:
    return _client_for(desk.admin)


@pytest.fixture
def stranger() -> Client:
    return Client()


# Canned responses and knowledge-base articles, for the domain tests and the desk's pages.


@pytest.fixture
def make_response(desk):
    """Make a canned response through the service: shared (by the admin) unless ``owner`` is given."""

    def make(*, owner: Any = None, **fields: Any) -> CannedResponse:
        fields.setdefault("title", "Refund on its way")
        fields.setdefault("body", "Hi {{ customer.first_name }}, your refund is on its way.")
        if owner is None:
            return canned_response_create(actor=desk.admin, shared=True, **fields)
        return canned_response_create(actor=owner, shared=False, **fields)

    return make


@pytest.fixture
def no_seeded_responses(db):
    """The data migration seeds shared responses; tests that count rows start from none."""
    CannedResponse.objects.all().delete()


@pytest.fixture
def category(db) -> Category:
    return Category.objects.create(name="Printing", slug="printing", position=1)


@pytest.fixture
def make_article(category) -> Callable[..., Article]:
    counter = {"n": 0}

    def make(title: str = "", body: str = "Some text.", **kwargs: Any) -> Article:
        counter["n"] += 1
        kwargs.setdefault("status", Article.Status.PUBLISHED)
        kwargs.setdefault("category", category)
        return article_create(title=title or f"Article {counter['n']}", body=body, **kwargs)

    return make
