"""'Was this helpful?': one vote per visitor per article, counted atomically; 'no' offers a ticket."""

from __future__ import annotations

import pytest
from django.test import Client

from knowledgebase.models import Article, Feedback
from knowledgebase.services import feedback_record

pytestmark = pytest.mark.django_db


def vote(client: Client, article: Article, helpful: str, comment: str = ""):
    return client.post(f"/kb/a/{article.slug}/feedback/", {"helpful": helpful, "comment": comment})


def test_a_yes_counts_once_per_visitor(client, make_article):
    article = make_article("Printer")
    assert vote(client, article, "yes").status_code == 302
    vote(client, article, "yes")
    vote(client, article, "no")
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert Feedback.objects.count() == 1


def test_two_visitors_count_twice(make_article):
    article = make_article("Printer")
    vote(Client(), article, "yes")
    vote(Client(), article, "no", comment="Didn't mention my model.")
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)
    assert article.helpful_ratio == 0.5
    assert Feedback.objects.get(helpful=False).comment == "Didn't mention my model."


def test_a_no_offers_a_ticket_form_prefilled_with_the_article(client, desk, make_article):
    article = make_article("Printer prints blank pages")
    response = vote(client, article, "no")
    assert response["Location"] == f"/kb/a/{article.slug}/?feedback=no"
    page = client.get(response["Location"]).content.decode()
    assert "Ask our team about this" in page
    assert "/support/new/?subject=Printer+prints+blank+pages&amp;article=printer-prints-blank-pages" in page
    form = client.get(f"/support/new/?subject=Printer+prints+blank+pages&article={article.slug}").content.decode()
    assert 'value="Printer prints blank pages"' in form
    assert "About the help article “Printer prints blank pages”" in form


def test_the_service_ignores_a_second_vote_but_keeps_a_late_comment(make_article):
    article = make_article("Printer")
    assert feedback_record(article=article, visitor_key="k", helpful=False) is True
    assert feedback_record(article=article, visitor_key="k", helpful=False, comment="Too short") is False
    article.refresh_from_db()
    assert article.helpful_no == 1
    assert Feedback.objects.get().comment == "Too short"


def test_feedback_on_an_internal_article_is_404(client, make_article):
    article = make_article("Internal", visibility=Article.Visibility.INTERNAL)
    assert vote(client, article, "yes").status_code == 404
    assert Feedback.objects.count() == 0


def test_feedback_needs_a_post(client, make_article):
    article = make_article("Printer")
    assert client.get(f"/kb/a/{article.slug}/feedback/").status_code == 405
