"""/kb/c/<slug>/: a topic's public articles (its subtopics' too), paginated."""

from __future__ import annotations

import pytest

from knowledgebase.models import Article, Category

pytestmark = pytest.mark.django_db


def test_category_lists_public_articles_of_it_and_its_subcategories(client, category, make_article):
    child = Category.objects.create(name="Phones", slug="phones", parent=category)
    make_article("Top level article")
    make_article("Phone article", category=child)
    make_article("Internal one", visibility=Article.Visibility.INTERNAL)
    make_article("Draft one", status=Article.Status.DRAFT)
    page = client.get("/kb/c/printing/").content.decode()
    assert "Top level article" in page
    assert "Phone article" in page
    assert "Internal one" not in page
    assert "Draft one" not in page


def test_unknown_category_is_404(client, db):
    assert client.get("/kb/c/nope/").status_code == 404


def test_category_is_paginated(client, make_article):
    for n in range(25):
        make_article(f"Article {n:02}")
    first = client.get("/kb/c/printing/").content.decode()
    second = client.get("/kb/c/printing/?page=2").content.decode()
    assert first.count('class="fw-semibold" href="/kb/a/') == 20
    assert second.count('class="fw-semibold" href="/kb/a/') == 5


@pytest.mark.parametrize("rows", [1, 20])
def test_category_query_count_does_not_grow(client, make_article, django_assert_max_num_queries, rows):
    for n in range(rows):
        make_article(f"Article {n}")
    with django_assert_max_num_queries(3):
        assert client.get("/kb/c/printing/").status_code == 200
