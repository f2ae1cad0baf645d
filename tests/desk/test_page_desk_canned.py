"""/desk/canned/: an agent's own responses. Shared ones and other agents' are 404 to edit."""

from __future__ import annotations

import html

import pytest

from canned_responses.models import CannedResponse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_seeded_responses")]


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_list_shows_mine_and_shared_but_not_others(desk, alice, make_response):
    make_response(title="Shared answer", shortcut="/shared")
    make_response(owner=desk.agent_a, title="Alice's own", shortcut="/mine")
    make_response(owner=desk.agent_b, title="Bob's own", shortcut="/bobs")
    page = text(alice.get("/desk/canned/"))
    assert "Shared answer" in page and "Alice's own" in page
    assert "Bob's own" not in page


def test_anonymous_visitors_go_to_login(stranger):
    response = stranger.get("/desk/canned/")
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


def test_non_agents_find_nothing(db):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="customer", is_staff=False))
    assert client.get("/desk/canned/").status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_is_constant(desk, alice, make_response, django_assert_max_num_queries, rows):
    for n in range(rows):
        make_response(owner=desk.agent_a, title=f"Mine {n}", shortcut=f"/m{n}", queues=[desk.queue_a])
    with django_assert_max_num_queries(5):  # session, user, responses, their queues, bell
        page = text(alice.get("/desk/canned/"))
    assert page.count("Mine ") >= rows


def test_an_agent_creates_a_personal_response(desk, alice):
    response = alice.post(
        "/desk/canned/new/",
        {"title": "Thanks", "body": "Thanks {{ customer.first_name }}!", "shortcut": "thx", "is_active": "on"},
    )
    assert response.status_code == 302
    created = CannedResponse.objects.get(shortcut="/thx")
    assert created.owner == desk.agent_a


def test_bad_input_keeps_the_text_and_explains(desk, alice, no_seeded_responses):
    response = alice.post("/desk/canned/new/", {"title": "Oops", "body": "Hi {{ customer.phone }}"})
    assert response.status_code == 400
    page = text(response)
    assert "Hi {{ customer.phone }}" in page
    assert "is not a placeholder we know" in page and "Valid placeholders:" in page
    assert CannedResponse.objects.count() == 0


def test_a_one_megabyte_body_is_refused_with_the_limit(desk, alice, no_seeded_responses):
    response = alice.post("/desk/canned/new/", {"title": "Huge", "body": "x" * 1_048_576})
    assert response.status_code == 400
    assert "the limit is 10,000 characters" in text(response)
    assert CannedResponse.objects.count() == 0


def test_duplicate_shortcut_in_my_scope_is_refused(desk, alice, make_response):
    make_response(owner=desk.agent_a, shortcut="/mine")
    response = alice.post("/desk/canned/new/", {"title": "Again", "body": "x", "shortcut": "/mine"})
    assert response.status_code == 400
    assert "/mine is already the shortcut of another of your responses." in text(response)


def test_an_agent_edits_and_deletes_their_own(desk, alice, make_response):
    mine = make_response(owner=desk.agent_a, shortcut="/mine")
    assert alice.get(f"/desk/canned/{mine.pk}/").status_code == 200
    response = alice.post(f"/desk/canned/{mine.pk}/", {"title": "New title", "body": "New body", "shortcut": "/mine"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.is_active) == ("New title", False)
    assert alice.post(f"/desk/canned/{mine.pk}/delete/").status_code == 302
    assert not CannedResponse.objects.filter(pk=mine.pk).exists()


def test_an_agent_cannot_edit_a_shared_or_another_agents_response(desk, alice, make_response):
    shared = make_response(shortcut="/shared")
    bobs = make_response(owner=desk.agent_b, shortcut="/bobs")
    for response in (shared, bobs):
        assert alice.get(f"/desk/canned/{response.pk}/").status_code == 404
        assert alice.post(f"/desk/canned/{response.pk}/", {"title": "Mine", "body": "x"}).status_code == 404
        assert alice.post(f"/desk/canned/{response.pk}/delete/").status_code == 404
    assert alice.get("/desk/canned/999999/").status_code == 404
    shared.refresh_from_db()
    bobs.refresh_from_db()
    assert shared.title == bobs.title == "Refund on its way"


def test_delete_needs_a_post(desk, alice, make_response):
    mine = make_response(owner=desk.agent_a)
    assert alice.get(f"/desk/canned/{mine.pk}/delete/").status_code == 405


def test_the_form_help_shows_the_kb_slug_placeholder_escaped(desk, alice):
    raw = alice.get("/desk/canned/new/").content.decode()
    assert "{{ kb:&lt;slug&gt; }}" in raw
    assert "<slug>" not in raw
