"""/desk/kb/: agents read public and internal articles; and insert article links into a reply."""

from __future__ import annotations

import pytest

from knowledgebase.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_agents_see_internal_articles(alice, make_article):
    internal = make_article("Refund approvals", visibility=Article.Visibility.INTERNAL)
    make_article("Draft thing", status=Article.Status.DRAFT)
    page = alice.get("/desk/kb/").content.decode()
    assert "Refund approvals" in page
    assert "Internal" in page
    assert "Draft thing" not in page
    assert alice.get("/desk/kb/", {"q": "refund"}).status_code == 200
    assert "Refund approvals" in alice.get(f"/desk/kb/a/{internal.slug}/").content.decode()


def test_anonymous_visitors_go_to_login_and_non_agents_find_nothing(stranger, make_article):
    internal = make_article("Refund approvals", visibility=Article.Visibility.INTERNAL)
    response = stranger.get(f"/desk/kb/a/{internal.slug}/")
    assert response.status_code == 302
    assert "/desk/login/" in response["Location"]
    outsider = UserFactory(username="nobody", is_staff=False)
    stranger.force_login(outsider)
    assert stranger.get(f"/desk/kb/a/{internal.slug}/").status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_desk_kb_query_count_does_not_grow(alice, make_article, django_assert_max_num_queries, rows):
    for n in range(rows):
        make_article(f"Article {n}")
    with django_assert_max_num_queries(12):
        assert alice.get("/desk/kb/").status_code == 200


def test_reply_form_offers_matching_articles_and_inserts_a_link_without_javascript(
    alice, ticket, settings, make_article
):
    settings.SITE_URL = "https://help.example.com"
    make_article("Printer prints blank pages")
    make_article("Internal printer notes", visibility=Article.Visibility.INTERNAL)
    page = alice.get(f"/desk/t/{ticket.reference}/").content.decode()
    assert 'name="kb_article"' in page
    assert "Printer prints blank pages" in page
    assert "Internal printer notes" not in page.split('name="kb_article"', 1)[1].split("</select>", 1)[0]
    assert "js/kb-insert.js" in page
    response = alice.post(
        f"/desk/kb/insert/{ticket.reference}/",
        {"body": "Hello Ada, see this:", "kb_article": "printer-prints-blank-pages", "visibility": "public"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Hello Ada, see this:\n\n[Printer prints blank pages](https://help.example.com/kb/a/printer-prints-blank-pages/)"
        in html
    )


def test_inserting_into_another_queues_ticket_is_404(bob, ticket, make_article):
    make_article("Printer prints blank pages")
    response = bob.post(
        f"/desk/kb/insert/{ticket.reference}/", {"body": "x", "kb_article": "printer-prints-blank-pages"}
    )
    assert response.status_code == 404


def test_desk_kb_pages_show_the_agents_availability_like_every_desk_page(alice, db):
    page = alice.get("/desk/kb/").content.decode()
    assert "availability-toggle" in page
    assert ">On duty<" in page or ">Off duty<" in page
    assert alice.get("/desk/").content.decode().count(">On duty<") == page.count(">On duty<")
