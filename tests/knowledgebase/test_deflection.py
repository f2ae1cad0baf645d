"""Suggestions on the ticket form: opened then never submitted is a deflection; submitted anyway is counted."""

from __future__ import annotations

import pytest

from knowledgebase.models import Article, DeflectionEvent
from knowledgebase.selectors import deflection_stats

pytestmark = pytest.mark.django_db


def beacon(client, form_id: str, article: Article, kind: str = "opened"):
    return client.post("/kb/deflection/", {"form_id": form_id, "kind": kind, "article": article.slug})


def submit(client, form_id: str):
    return client.post(
        "/support/new/",
        {
            "name": "Grace", "email": "grace@example.com", "kind": "info", "subject": "Printer prints blank",
            "description": "It does.", "submission_key": form_id,
        },
    )  # fmt: skip


def test_opening_a_suggestion_and_leaving_is_one_deflection(client, make_article):
    article = make_article("Printer prints blank pages")
    assert beacon(client, "form-1", article, "shown").status_code == 204
    assert beacon(client, "form-1", article).status_code == 204
    assert beacon(client, "form-1", article).status_code == 204  # a second click is the same event
    stats = deflection_stats()
    assert (stats.opened, stats.submitted_anyway, stats.deflected) == (1, 0, 1)


def test_submitting_after_opening_counts_as_submitted_anyway(client, desk, make_article):
    article = make_article("Printer prints blank pages")
    beacon(client, "form-2", article)
    assert submit(client, "form-2").status_code == 302
    stats = deflection_stats()
    assert (stats.opened, stats.submitted_anyway, stats.deflected) == (1, 1, 0)


def test_a_form_without_suggestions_records_nothing(client, desk):
    assert submit(client, "form-3").status_code == 302
    assert DeflectionEvent.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [{}, {"form_id": "f", "kind": "submitted", "article": "x"}, {"form_id": "", "kind": "opened", "article": "x"}],
)
def test_bad_beacons_are_refused(client, make_article, data):
    make_article("x")
    assert client.post("/kb/deflection/", data).status_code == 400
    assert DeflectionEvent.objects.count() == 0


def test_beacons_for_internal_articles_are_404(client, make_article):
    article = make_article("Internal", visibility=Article.Visibility.INTERNAL)
    assert beacon(client, "f", article).status_code == 404


def test_the_form_page_carries_the_suggestion_box_and_script(client, desk):
    page = client.get("/support/new/").content.decode()
    assert 'class="kb-suggestions' in page
    assert 'data-suggest-url="/kb/suggest/"' in page
    assert "js/kb-suggest.js" in page
    assert "js/portal.js" in page
