"""/kb/a/<slug>/: a public article with related ones; internal and draft ones are 404."""

from __future__ import annotations

import pytest

from knowledgebase.models import Article

pytestmark = pytest.mark.django_db


def test_article_shows_body_and_related_articles_and_a_get_counts_no_read(client, make_article):
    article = make_article("Printer prints blank pages", body="## Check the ink")
    make_article("Printer driver")
    make_article("Hidden", visibility=Article.Visibility.INTERNAL)
    page = client.get(f"/kb/a/{article.slug}/").content.decode()
    assert "<h2>Check the ink</h2>" in page
    assert "Related articles" in page
    assert "Printer driver" in page
    assert "Hidden" not in page
    assert f'data-viewed-url="/kb/a/{article.slug}/viewed/"' in page and "js/kb-viewed.js" in page
    article.refresh_from_db()
    assert article.view_count == 0, "a GET (a prefetcher, a crawler) writes nothing"


def test_the_pages_beacon_counts_one_read_by_post_only(client, make_article):
    article = make_article("Printer prints blank pages")
    assert client.get(f"/kb/a/{article.slug}/viewed/").status_code == 405
    assert client.post(f"/kb/a/{article.slug}/viewed/").status_code == 204
    article.refresh_from_db()
    assert article.view_count == 1
    hidden = make_article("Hidden", visibility=Article.Visibility.INTERNAL)
    assert client.post(f"/kb/a/{hidden.slug}/viewed/").status_code == 404


def test_the_page_shown_again_after_a_vote_sends_no_beacon(client, make_article):
    article = make_article("Printer prints blank pages")
    assert "data-viewed-url" not in client.get(f"/kb/a/{article.slug}/?feedback=yes").content.decode()


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
