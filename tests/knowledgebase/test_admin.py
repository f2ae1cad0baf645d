"""The knowledge-base admin: preview, publish/unpublish, revisions and restore, helpful ratio, ordering."""

from __future__ import annotations

import pytest

from knowledgebase.models import REVISIONS_KEPT, Article, ArticleRevision, Category, Feedback
from knowledgebase.services import article_draft_from_text, article_save

pytestmark = pytest.mark.django_db


def test_change_page_shows_a_sanitised_preview_and_the_helpful_ratio(admin_client_, make_article):
    article = make_article("Printer", body="## Step one\n\n<script>alert(1)</script>")
    Article.objects.filter(pk=article.pk).update(helpful_yes=3, helpful_no=1)
    Feedback.objects.create(
        article=article, visitor_key="v", helpful=False, comment="Add photos", created_at=article.updated_at
    )
    page = admin_client_.get(f"/admin/knowledgebase/article/{article.pk}/change/").content.decode()
    assert "<h2>Step one</h2>" in page
    assert "<script>alert(1)</script>" not in page
    assert "75% (3 yes, 1 no)" in page
    assert "Add photos" in page


def test_saving_in_the_admin_keeps_a_revision_and_restore_brings_it_back(admin_client_, desk, make_article):
    article = make_article("Printer", body="Old text")
    data = {
        "title": "Printer", "slug": article.slug, "category": article.category_id, "summary": "", "tags": "",
        "status": "published", "visibility": "public", "body": "New text",
        "revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0, "feedback-TOTAL_FORMS": 0,
        "feedback-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = admin_client_.post(f"/admin/knowledgebase/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.body == "New text"
    revision = ArticleRevision.objects.get()
    assert revision.body == "Old text"
    url = f"/admin/knowledgebase/article/{article.pk}/restore/{revision.pk}/"
    assert admin_client_.get(url).status_code == 405
    assert admin_client_.post(url).status_code == 302
    article.refresh_from_db()
    assert article.body == "Old text"
    assert ArticleRevision.objects.filter(body="New text").exists()


def test_only_the_last_revisions_are_kept(make_article):
    article = make_article("Printer", body="v0")
    for n in range(1, REVISIONS_KEPT + 5):
        previous = Article.objects.get(pk=article.pk)
        article.body = f"v{n}"
        article_save(article=article, previous=previous)
    bodies = list(article.revisions.values_list("body", flat=True))
    assert len(bodies) == REVISIONS_KEPT
    assert bodies[0] == f"v{REVISIONS_KEPT + 3}"


def test_publish_and_unpublish_actions(admin_client_, make_article):
    article = make_article("Printer", status=Article.Status.DRAFT)
    url = "/admin/knowledgebase/article/"
    admin_client_.post(url, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    admin_client_.post(url, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_categories_are_reordered_by_position_in_the_list(admin_client_, db):
    first = Category.objects.create(name="A", slug="a", position=1)
    second = Category.objects.create(name="B", slug="b", position=2)
    page = admin_client_.get("/admin/knowledgebase/category/").content.decode()
    assert 'name="form-0-position"' in page
    assert page.index(">A<") < page.index(">B<")
    assert first.position < second.position


def test_a_category_cannot_nest_two_levels(admin_client_, db):
    top = Category.objects.create(name="Top", slug="top")
    child = Category.objects.create(name="Child", slug="child", parent=top)
    page = admin_client_.get("/admin/knowledgebase/category/add/").content.decode()
    assert f'value="{top.pk}"' in page
    assert f'value="{child.pk}"' not in page


def test_draft_from_canned_text_makes_an_unpublished_article(desk, category):
    article = article_draft_from_text(title="Resetting a password", body="Use the link.", author=desk.admin)
    assert article.status == Article.Status.DRAFT
    assert article.author == desk.admin
    assert article.slug == "resetting-a-password"


def test_deflection_admin_shows_the_figures(admin_client_, db):
    page = admin_client_.get("/admin/knowledgebase/deflectionevent/").content.decode()
    assert "0 deflected" in page


def test_agents_who_are_not_admins_cannot_open_the_kb_admin(alice, db):
    assert alice.get("/admin/knowledgebase/article/").status_code in (302, 403)
