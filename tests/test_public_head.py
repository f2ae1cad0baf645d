"""HEAD on every public page answers like GET: uptime monitors check pages with HEAD."""

from __future__ import annotations

import pytest
from django.test import Client

from knowledgebase.models import Article, Category
from knowledgebase.services import article_create
from tickets.links import link_path
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_paths(ticket: Ticket) -> list[str]:
    category = Category.objects.create(name="Printing", slug="printing", position=1)
    article = article_create(
        title="Clearing a paper jam", body="Open the tray.", category=category, status=Article.Status.PUBLISHED
    )
    return [
        "/support/",
        "/support/new/",
        "/support/links/",
        link_path(ticket),
        "/kb/",
        "/kb/search/?q=jam",
        f"/kb/c/{category.slug}/",
        f"/kb/a/{article.slug}/",
        "/kb/suggest/?q=jam",
        "/desk/login/",
        "/healthz",
    ]


def test_head_gets_the_same_status_and_type_as_get_without_a_body(public_paths: list[str], client: Client) -> None:
    for path in public_paths:
        got = client.get(path)
        head = client.head(path)
        assert got.status_code == 200, path
        assert head.status_code == 200, f"HEAD {path} answered {head.status_code}"
        assert head["Content-Type"] == got["Content-Type"], path
        assert head.content == b"", path


def test_head_on_the_success_page_redirects_like_get(desk: object, client: Client) -> None:
    assert client.head("/support/new/done/").status_code == client.get("/support/new/done/").status_code == 302
