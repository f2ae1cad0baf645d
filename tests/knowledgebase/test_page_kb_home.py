"""/kb/: search first, categories with their subcategories, most read; constant queries."""

from __future__ import annotations

import pytest

from knowledgebase.models import Article, Category

pytestmark = pytest.mark.django_db


def test_home_puts_search_first_then_topics_and_most_read(client, category, make_article):
    phones = Category.objects.create(name="Phones", slug="phones", parent=category)
    Category.objects.create(name="Empty topic", slug="empty")
    agents_only = Category.objects.create(name="For agents", slug="agents")
    make_article("Printer prints blank pages")
    make_article("Print from your phone", category=phones)
    make_article("Secret", visibility=Article.Visibility.INTERNAL, category=agents_only)
    page = client.get("/kb/").content.decode()
    assert page.index('name="q"') < page.index("Browse by topic") < page.index("Most read")
    assert "Printer prints blank pages" in page
    assert "Phones" in page
    assert "Secret" not in page
    assert "Empty topic" not in page
    assert "For agents" not in page  # only internal articles: nothing for the public
    assert "(1 article)" in page  # the internal one isn't counted


@pytest.mark.parametrize("rows", [1, 20])
def test_home_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    for n in range(rows):
        parent = Category.objects.create(name=f"Topic {n}", slug=f"topic-{n}", position=n)
        child = Category.objects.create(name=f"Sub {n}", slug=f"sub-{n}", parent=parent)
        Article.objects.create(
            category=child, title=f"A {n}", slug=f"a-{n}", body="x", status="published",
            created_at="2026-01-01T00:00Z", updated_at="2026-01-01T00:00Z",
        )  # fmt: skip
    with django_assert_max_num_queries(4):
        assert client.get("/kb/").status_code == 200


def test_portal_pages_link_to_the_help_articles(client, desk):
    assert 'href="/kb/"' in client.get("/support/new/").content.decode()
