"""Our own 400/403/404/500 and CSRF-failure pages, in the portal's look or the desk's.

DEBUG is off in tests, so these are the pages people really get.
"""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from portal.errors import server_error
from tests.e2e.stack import database_unreachable
from tickets.links import link_path
from tickets.models import Ticket


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def failing_urls(settings) -> None:
    settings.ROOT_URLCONF = "tests.urls_errors"


@pytest.mark.django_db
def test_portal_404_points_to_find_my_requests_and_the_help_articles(desk, client):
    response = client.get("/support/t/HD-99999/not-a-token/")
    assert response.status_code == 404
    page = text(response)
    assert "We can't find that page" in page
    assert 'class="portal-header' in page and "desk-topbar" not in page
    assert 'href="/support/links/"' in page and "Find my requests" in page
    assert 'action="/kb/search/"' in page  # search the help articles from here


@pytest.mark.django_db
def test_a_revoked_link_gets_the_portal_404(ticket, client):
    old = link_path(ticket)
    client.post(f"{old}revoke/")
    response = client.get(old)
    assert response.status_code == 404
    assert "it may have been replaced by a newer one" in text(response)


@pytest.mark.django_db
def test_desk_404_has_the_desks_look(alice):
    response = alice.get("/desk/t/HD-99999/")
    assert response.status_code == 404
    page = text(response)
    assert "desk-topbar" in page and 'class="portal-header' not in page
    assert "Back to the queue" in page and "Find my requests" not in page


def test_500_renders_without_the_database_in_both_looks(failing_urls):
    # No django_db mark: any query while rendering the error page would fail this test.
    client = Client(raise_request_exception=False)
    portal = client.get("/support/fail/500/")
    desk = client.get("/desk/fail/500/")
    assert portal.status_code == desk.status_code == 500
    assert "Something went wrong on our side" in text(portal) and "portal-header" in text(portal)
    assert "Something went wrong on our side" in text(desk) and "desk-topbar" in text(desk)
    assert "look for our email before sending it again" in text(portal)
    assert "Traceback" not in text(portal)


@pytest.mark.django_db
def test_500_for_a_signed_in_agent_on_a_desk_page_renders_while_the_database_is_down(
    failing_urls, desk, django_db_blocker
):
    client = Client(raise_request_exception=False)
    client.force_login(desk.agent_a)
    with django_db_blocker.block():  # the session, the bell's count: nothing may be read now
        response = client.get("/desk/fail/kb/500/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in text(response) and "desk-topbar" in text(response)


@pytest.mark.django_db
def test_403_and_400_are_ours(failing_urls, client):
    portal_denied = client.get("/support/fail/403/")
    desk_denied = client.get("/desk/fail/403/")
    bad = client.get("/support/fail/400/")
    assert (portal_denied.status_code, desk_denied.status_code, bad.status_code) == (403, 403, 400)
    assert "You can't open this page" in text(portal_denied) and "portal-header" in text(portal_denied)
    assert "ask an admin" in text(desk_denied) and "desk-topbar" in text(desk_denied)
    assert "Go back, reload the page and try again." in text(bad)


@pytest.mark.django_db
def test_csrf_failure_shows_what_they_typed_but_never_secrets(desk):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/support/new/",
        {
            "name": "Dana Scully",
            "email": "dana@example.com",
            "subject": "Lights in the sky",
            "description": "Three of them, in a triangle.",
            "submission_key": "hidden-key-123",
            "timezone": "Europe/Paris",
            "csrfmiddlewaretoken": "stale-token-456",
            "password": "hunter22",
        },
        headers={"Referer": "http://testserver/support/new/"},
    )
    assert response.status_code == 403
    page = text(response)
    assert "Reload the page and send again; what you typed is below" in page
    assert 'class="portal-header' in page
    for typed in ("Dana Scully", "dana@example.com", "Lights in the sky", "Three of them, in a triangle."):
        assert f"readonly>{typed}</textarea>" in page
    for secret in ("hidden-key-123", "Europe/Paris", "stale-token-456", "hunter22"):
        assert secret not in page
    assert 'href="http://testserver/support/new/"' in page  # "Open the form again"


@pytest.mark.django_db
def test_csrf_failure_on_the_desk_has_the_desks_look_and_keeps_the_reply(desk, ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.agent_a)
    response = client.post(
        f"/desk/t/{ticket.reference}/reply/",
        {"body": "We have reset your printer queue.", "visibility": "public"},
        headers={"Referer": "https://elsewhere.example/"},
    )
    assert response.status_code == 403
    page = text(response)
    assert "desk-topbar" in page
    assert "readonly>We have reset your printer queue.</textarea>" in page
    assert "elsewhere.example" not in page  # only our own pages are offered as "the form"
    assert "Files you attached were not kept" not in page


@pytest.mark.django_db
def test_csrf_failure_on_a_reply_with_a_file_says_to_attach_it_again(ticket, customer_link):
    upload = SimpleUploadedFile("log.txt", b"router log", content_type="text/plain")
    response = Client(enforce_csrf_checks=True).post(customer_link, {"body": "Log attached", "attachments": upload})
    assert response.status_code == 403
    page = text(response)
    assert "readonly>Log attached</textarea>" in page
    assert "Files you attached were not kept: please attach them again." in page


@pytest.mark.django_db
def test_csrf_failure_with_nothing_typed_just_says_what_to_do(desk):
    response = Client(enforce_csrf_checks=True).post("/desk/login/", {"password": "secret-pw-1"})
    assert response.status_code == 403
    page = text(response)
    assert "Reload the page and send again." in page
    assert "secret-pw-1" not in page and "<textarea" not in page


def test_a_database_outage_gives_503_with_our_page_in_both_looks(failing_urls):
    client = Client(raise_request_exception=False)
    portal = client.get("/support/fail/503/")
    desk = client.get("/desk/fail/503/")
    assert portal.status_code == desk.status_code == 503
    assert portal["Retry-After"] == desk["Retry-After"] == "60"
    assert "We'll be back in a minute" in text(portal) and "portal-header" in text(portal)
    assert "We'll be back in a minute" in text(desk) and "desk-topbar" in text(desk)
    assert "Something went wrong" not in text(portal)


def test_a_programming_error_stays_a_500(failing_urls):
    response = Client(raise_request_exception=False).get("/support/fail/500/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def test_a_database_outage_outside_any_view_gets_the_503_page_too(rf):
    # The session saved after the view, for example: no middleware sees it, handler500 does.
    request = rf.post("/support/new/", {"subject": "Lights in the sky"})
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "readonly>Lights in the sky</textarea>" in text(response)


@pytest.mark.postgres
def test_the_form_posted_while_the_database_is_down_gets_503_and_keeps_the_text(transactional_db, desk):
    client = Client(raise_request_exception=False)
    form = {
        "name": "Dana Scully",
        "email": "dana@example.com",
        "kind": "problem",
        "subject": "Lights in the sky",
        "description": "Three of them, in a triangle.",
        "submission_key": "hidden-key-123",
    }
    with database_unreachable():
        response = client.post("/support/new/", form, headers={"Referer": "http://testserver/support/new/"})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = text(response)
    assert "We'll be back in a minute" in page and 'class="portal-header' in page
    for typed in ("Dana Scully", "dana@example.com", "Lights in the sky", "Three of them, in a triangle."):
        assert f"readonly>{typed}</textarea>" in page
    assert "hidden-key-123" not in page
    assert 'href="http://testserver/support/new/"' in page  # "Open the form again"
    assert not Ticket.objects.exists()


@pytest.mark.postgres
def test_the_desk_while_the_database_is_down_gets_503_in_the_desks_look(transactional_db, desk, ticket):
    client = Client(raise_request_exception=False)
    client.force_login(desk.agent_a)
    with database_unreachable():
        queue = client.get("/desk/")
        reply = client.post(f"/desk/t/{ticket.reference}/reply/", {"body": "We reset it.", "visibility": "public"})
    assert queue.status_code == reply.status_code == 503
    assert "desk-topbar" in text(queue) and "We'll be back in a minute" in text(queue)
    assert "readonly>We reset it.</textarea>" in text(reply)
    assert "Check the ticket before sending it again" in text(reply)
