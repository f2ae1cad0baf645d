"""Knowledge-base fixtures: articles are made through the service, so PostgreSQL indexes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from knowledgebase.models import Article, Category
from knowledgebase.services import article_create


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
