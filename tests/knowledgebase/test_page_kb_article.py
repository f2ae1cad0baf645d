"""/kb/a/<slug>/: a public article with related ones; internal and draft ones are 404."""

from __future__ import annotations

import pytest

from knowledgebase.models import Article

pytestmark = pytest.mark.django_db


def test_article_shows_body_related_articles_and_counts_a_view(client, make_article):
    article = make_article("Printer prints blank pages", body="## Check the ink")
    make_article("Printer driver")
    make_article("Hidden", visibility=Article.Visibility.INTERNAL)
    page = client.get(f"/kb/a/{article.slug}/").content.decode()
    assert "<h2>Check the ink</h2>" in page
    assert "Related articles" in page
    assert "Printer driver" in page
    assert "Hidden" not in page
    article.refresh_from_db()
    assert article.view_count == 1


@pytest.mark.parametrize("kwargs", [{"visibility": Article.Visibility.INTERNAL}, {"status": Article.Status.DRAFT}])
def test_internal_and_draft_articles_are_404_for_the_public_and_for_agents_here(client, alice, make_article, kwargs):
    article = make_article("Not for you", **kwargs)
    assert client.get(f"/kb/a/{article.slug}/").status_code == 404
    assert alice.get(f"/kb/a/{article.slug}/").status_code == 404


def test_article_query_count_is_small(client, make_article, django_assert_max_num_queries):
    article = make_article("One")
    for n in range(10):
        make_article(f"Other {n}")
    with django_assert_max_num_queries(4):
        assert client.get(f"/kb/a/{article.slug}/").status_code == 200
