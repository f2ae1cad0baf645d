"""The public form at /support/new/ and its success page."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tickets.links import link_path
from tickets.models import Attachment, Customer, Message, OutboundEmail, Ticket, TicketEvent

URL = "/support/new/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
XSS = '<script>alert(1)</script> [x](javascript:alert(1)) <a href="javascript:alert(1)">click</a>'

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """The real start tags in a page (escaped text is not a tag)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def by_id(self, element_id: str) -> tuple[str, dict[str, str]]:
        return next((t, a) for t, a in self.tags if a.get("id") == element_id)


def form_data(**overrides):
    data = {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "kind": "problem",
        "subject": "Invoice PDF won't open",
        "description": "Clicking the invoice shows a blank page.",
    }
    return {**data, **overrides}


def post(client, **overrides):
    return client.post(URL, form_data(**overrides))


def counts():
    return (Customer.objects.count(), Ticket.objects.count(), Message.objects.count(), OutboundEmail.objects.count())


def text(response) -> str:
    return response.content.decode()


def error_beside(page: str, field: str) -> str:
    """The error text crispy renders for ``field``, checked to be tied to the input."""
    tags = Tags(page)
    _, attrs = tags.by_id(f"id_{field}")
    assert "is-invalid" in attrs["class"] and attrs.get("aria-invalid") == "true"
    assert f"id_{field}_error" in attrs["aria-describedby"].split()
    match = re.search(rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', page, re.S)
    assert match, f"no invalid-feedback block for {field}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_form_offers_the_three_kinds_in_plain_words(desk, client):
    response = client.get(URL)
    assert response.status_code == 200
    page = html.unescape(text(response))
    for words in ("I have a question", "Something isn't working", "I want to make a complaint"):
        assert words in page
    assert "priority" not in page.lower()  # the customer never picks a priority


def test_valid_post_lands_on_the_success_page(desk, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(client)
    assert response.status_code == 302 and response.url == "/support/new/done/"
    ticket = Ticket.objects.get()
    page = html.unescape(text(client.get(response.url)))
    assert ticket.reference in page and ticket.reference.startswith("HD-")
    assert "grace@example.com" in page
    assert "What happens next" in page
    assert link_path(ticket) in page
    assert counts() == (1, 1, 1, 1)
    assert list(ticket.events.values_list("kind", flat=True)) == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.PROMISE_MADE,
    ]
    assert OutboundEmail.objects.get().kind == OutboundEmail.Kind.ACKNOWLEDGEMENT
    assert len(callbacks) == 1  # the email task is queued after commit only


def test_success_page_without_a_submission_goes_back_to_the_form(desk, client):
    response = client.get("/support/new/done/")
    assert response.status_code == 302 and response.url == URL


def test_missing_fields_keep_what_was_typed_and_write_nothing(desk, client):
    response = post(client, name="", description="", subject="My subject typed", email="ada@example.com")
    assert response.status_code == 400
    page = text(response)
    assert "Please tell us your name" in error_beside(page, "name")
    assert "Please tell us what happened" in error_beside(page, "description")
    assert 'value="My subject typed"' in page
    assert 'value="ada@example.com"' in page
    _, kind = Tags(page).by_id("id_kind_1")
    assert kind["value"] == "problem" and "checked" in kind  # "Something isn't working" still chosen
    assert "Everything you typed is still here" in page
    assert counts() == (0, 0, 0, 0)


def test_typed_description_is_kept_when_another_field_fails(desk, client):
    response = post(client, email="not-an-email", description="My long story")
    assert response.status_code == 400
    assert "Please give an email address like name@example.com." in error_beside(text(response), "email")
    assert "My long story</textarea>" in text(response)
    assert counts() == (0, 0, 0, 0)


def test_a_10000_character_subject_is_refused_with_its_length(desk, client):
    response = post(client, subject="x" * 10_000)
    assert response.status_code == 400
    message = error_beside(text(response), "subject")
    assert "at most 200 characters" in message and "10000" in message
    assert counts() == (0, 0, 0, 0)


def test_an_oversize_file_is_named_with_the_limit(desk, client, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = post(client, attachments=upload("scan.png", PNG + b"\x00" * 2000))
    assert response.status_code == 400
    message = error_beside(text(response), "attachments")
    assert "“scan.png”" in message and "the limit is 1000\xa0bytes" in message
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("photo.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_forbidden_files_are_refused_by_content(desk, client, name, content):
    response = post(client, attachments=upload(name, content, "image/png"))
    assert response.status_code == 400
    message = error_beside(text(response), "attachments")
    assert f"We can't accept “{name}”" in message
    assert counts() == (0, 0, 0, 0)
    assert not Attachment.objects.exists()


def test_a_real_png_is_accepted_and_stored(desk, client):
    response = post(client, attachments=upload("screen.png", PNG, "image/png"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == ("screen.png", "image/png", len(PNG))
    assert attachment.file.read() == PNG
    assert attachment.message == Ticket.objects.get().messages.get()


def assert_inert(page: str) -> None:
    assert "<script>alert" not in page
    hrefs = [a.get("href", "") for tag, a in Tags(page).tags if tag == "a"]
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not dropped


def test_markup_in_a_description_is_shown_inert_to_customer_and_agent(desk, client):
    post(client, description=XSS)
    ticket = Ticket.objects.get()
    customer_page = text(client.get(link_path(ticket)))
    assert_inert(customer_page)
    agent = Client()
    agent.force_login(desk.agent_a)
    assert_inert(text(agent.get(f"/desk/t/{ticket.reference}/")))


def test_double_submit_with_the_same_key_makes_one_ticket(desk, client):
    first = post(client, submission_key="k" * 32)
    second = post(client, submission_key="k" * 32)
    assert first.status_code == second.status_code == 302
    assert counts() == (1, 1, 1, 1)


def test_the_form_carries_a_fresh_submission_key(desk, client):
    keys = [re.search(r'name="submission_key" value="(\w+)"', text(client.get(URL))) for _ in range(2)]
    assert all(keys) and keys[0].group(1) != keys[1].group(1)


def test_a_post_without_csrf_token_is_refused(desk):
    response = Client(enforce_csrf_checks=True).post(URL, form_data())
    assert response.status_code == 403
    assert counts() == (0, 0, 0, 0)


def test_rate_limit_refuses_the_third_post_and_keeps_the_values(desk, client, settings):
    settings.RATELIMIT_PUBLIC_FORM = (2, 3600)
    assert post(client).status_code == 302
    assert post(client, subject="").status_code == 400
    response = post(client, subject="Third try", description="Still typed")
    assert response.status_code == 429
    page = html.unescape(text(response))
    assert "We've received many requests from your address. Please try again in an hour." in page
    assert 'value="Third try"' in page and "Still typed</textarea>" in page
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("busy", [False, True])
def test_the_success_page_states_the_promise_as_the_acknowledgement_does(desk, client, busy):
    from django.core import mail

    from tickets import services

    if busy:  # one agent, threshold 1, a waiting ticket already: the promise is stretched and says why
        desk.queue_a.busy_threshold = 1
        desk.queue_a.save()
        post(client, email="first@example.com")
    post(client, timezone="America/New_York")
    page = " ".join(html.unescape(text(client.get("/support/new/done/"))).split())
    ack = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).latest("id")
    services.outbox_send(email_id=ack.pk)
    email_text = " ".join(mail.outbox[-1].body.split())
    match = re.search(r"(We're busier[^.]*: )?We'll update you by [^.]*\(New York time\)\.", email_text)
    assert match, email_text
    assert match.group(0) in page
    assert bool(match.group(1)) is busy
