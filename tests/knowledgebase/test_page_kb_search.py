"""/kb/search/ and /kb/suggest/: highlighted results, pagination, and no 500 on any input."""

from __future__ import annotations

import pytest

from knowledgebase.models import Article

pytestmark = pytest.mark.django_db

ODD = ["& | ! : * ( )", "a:*", "(((", "!", "", "x" * 10_000, "<script>alert(1)</script>", "%00", "' OR 1=1 --"]


def test_search_shows_matches_with_marked_snippets(client, make_article):
    make_article("Printer prints blank pages", summary="Blank pages mean the ink is out.")
    make_article("Internal printing notes", visibility=Article.Visibility.INTERNAL)
    page = client.get("/kb/search/", {"q": "blank pages"}).content.decode()
    assert "Printer prints blank pages" in page
    assert "<mark>" in page
    assert "Internal printing notes" not in page


def test_no_match_says_what_to_do(client, db):
    page = client.get("/kb/search/", {"q": "zebra"}).content.decode()
    assert "No articles match" in page
    assert "ask our team" in page


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_never_break_the_search_page(client, make_article, query):
    make_article("Printer prints blank pages")
    response = client.get("/kb/search/", {"q": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_never_break_suggestions(client, make_article, query):
    make_article("Printer prints blank pages")
    response = client.get("/kb/suggest/", {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_suggest_returns_public_published_articles_only(client, make_article):
    make_article("Printer prints blank pages", summary="Check the ink.")
    make_article("Printer internal", visibility=Article.Visibility.INTERNAL)
    make_article("Printer draft", status=Article.Status.DRAFT)
    results = client.get("/kb/suggest/", {"q": "printer"}).json()["results"]
    assert [r["title"] for r in results] == ["Printer prints blank pages"]
    assert results[0]["url"] == "/kb/a/printer-prints-blank-pages/"
    assert results[0]["snippet"] == "Check the ink."


def test_suggest_is_rate_limited(client, make_article, monkeypatch):
    monkeypatch.setattr("knowledgebase.views.RATELIMIT_SUGGEST", (2, 60))
    for _ in range(2):
        assert client.get("/kb/suggest/", {"q": "printer"}).status_code == 200
    assert client.get("/kb/suggest/", {"q": "printer"}).status_code == 429


def test_search_is_paginated_and_query_count_is_constant(client, make_article, django_assert_max_num_queries):
    for n in range(25):
        make_article(f"Printer tip {n}")
    with django_assert_max_num_queries(3):
        first = client.get("/kb/search/", {"q": "printer"}).content.decode()
    assert first.count("/kb/a/printer-tip-") == 20
    second = client.get("/kb/search/", {"q": "printer", "page": 2}).content.decode()
    assert second.count("/kb/a/printer-tip-") == 5
    assert "q=printer&amp;page=1" in second
