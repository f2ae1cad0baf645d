"""The customer portal in Chromium on the real stack: the live server with its real response
headers, PostgreSQL, a Celery worker on Redis and an SMTP server.

The test client sends no Origin header, so a header that makes browsers refuse or mangle a
form POST (``Referrer-Policy: no-referrer`` made Chromium send ``Origin: null`` and Django's
CSRF check refused every customer reply) only shows up here. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from knowledgebase.models import Article, Category
from knowledgebase.services import article_create
from tests.conftest import PASSWORD
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import fill_subject
from tickets import services
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

Screenshot = Callable[[Page, str], Path]
EMAIL = "dana@example.com"
SUBJECT = "Router drops the connection every hour"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def text_body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None, "the email has a text part"
    return str(part.get_content())


def link_in(message: EmailMessage, site: str) -> str:
    match = re.search(rf"{re.escape(site)}/support/t/\S+/", text_body(message))
    assert match, f"the email links to the live site:\n{text_body(message)}"
    return match.group(0)


def ticket_with_ack(mailbox: Mailbox, site: str) -> tuple[Ticket, str]:
    """A ticket as the form makes it; its private link read from the acknowledgement that arrived."""
    ticket = services.ticket_submit(
        name="Dana Scully", email=EMAIL, kind="problem", subject=SUBJECT, description="It happens at :00."
    ).ticket
    [ack] = mailbox.wait_for(1)
    return ticket, link_in(ack, site)


@contextmanager
def posted(page: Page) -> Iterator[list[Request]]:
    """The form POST the block makes, as the browser sent it (the list holds it afterwards).

    Only a navigation counts: the ticket form's suggestion beacons are POSTs too, by fetch.
    """
    sent: list[Request] = []
    with page.expect_request(lambda r: r.method == "POST" and r.resource_type == "document") as info:
        yield sent
    sent.append(info.value)


def post_status(request: Request) -> int:
    response = request.response()
    assert response is not None
    return response.status


def sign_in(page: Page, site: str) -> None:
    page.goto(f"{site}/desk/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    with posted(page) as sent:
        page.get_by_role("button", name="Sign in").click()
    assert post_status(sent[0]) == 302
    expect(page.locator(".queue-table")).to_be_visible()


def test_customer_replies_with_an_attachment_and_the_agent_sees_and_downloads_it(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    ticket, link = ticket_with_ack(smtp_server, live_site)
    customer = browser.new_context(accept_downloads=True).new_page()
    loaded: list[str] = []
    customer.on("request", lambda request: loaded.append(request.url))

    response = customer.goto(link)
    assert response is not None and response.status == 200
    assert response.headers["referrer-policy"] == "same-origin"
    expect(customer.get_by_role("heading", name=SUBJECT)).to_be_visible()
    # The link is a capability: nothing on the page may come from (or tell) another origin.
    foreign = [url for url in loaded if not url.startswith((live_site, "data:"))]
    assert loaded and not foreign, f"the private page loaded from other origins: {foreign}"

    customer.get_by_label("Your reply").fill("It dropped again at 14:00; the router's log is attached.")
    customer.get_by_label("Attachments").set_input_files(
        [{"name": "router-log.png", "mimeType": "image/png", "buffer": PNG}]
    )
    screenshot(customer, "portal-01-reply-with-attachment")
    with posted(customer) as sent:
        customer.get_by_role("button", name="Send reply").click()
    headers = sent[0].all_headers()
    assert headers.get("origin") == live_site, f"the browser sent Origin {headers.get('origin')!r}"
    assert post_status(sent[0]) == 302, "the reply was refused"
    expect(customer.get_by_text("Thanks, your reply has been added.")).to_be_visible()
    conversation = customer.get_by_role("list", name="Conversation")
    expect(conversation).to_contain_text("It dropped again at 14:00")
    with customer.expect_download() as own_copy:
        conversation.get_by_role("link", name=re.compile("router-log.png")).click()
    own_saved = tmp_path / "customer-copy.png"
    own_copy.value.save_as(own_saved)
    assert own_saved.read_bytes() == PNG, "the customer downloads the file they sent, unchanged"
    screenshot(customer, "portal-02-reply-sent")

    agent = browser.new_context(accept_downloads=True).new_page()
    sign_in(agent, live_site)
    agent.goto(f"{live_site}/desk/t/{ticket.reference}/")
    timeline = agent.get_by_role("list", name="Timeline")
    expect(timeline).to_contain_text("It dropped again at 14:00; the router's log is attached.")
    with agent.expect_download() as download:
        timeline.get_by_role("link", name=re.compile("router-log.png")).click()
    assert download.value.suggested_filename == "router-log.png"
    saved = tmp_path / "downloaded.png"
    download.value.save_as(saved)
    assert saved.read_bytes() == PNG
    screenshot(agent, "portal-03-agent-sees-reply-and-file")

    missing = agent.goto(f"{live_site}/desk/t/HD-99999/")
    assert missing is not None and missing.status == 404
    expect(agent.get_by_role("heading", name="We can't find that page")).to_be_visible()
    expect(agent.get_by_role("link", name="Back to the queue")).to_be_visible()
    screenshot(agent, "desk-404")


def test_every_public_form_posts_with_the_real_headers(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    category = Category.objects.create(name="Internet", slug="internet", position=1)
    article = article_create(
        title="Restart your router", body="Unplug it for ten seconds.", category=category,
        status=Article.Status.PUBLISHED,
    )  # fmt: skip
    context: BrowserContext = browser.new_context()
    page = context.new_page()
    answers: list[tuple[str, str, int]] = []
    page.on("response", lambda r: answers.append((r.request.method, r.url, r.status)))

    page.goto(f"{live_site}/support/new/")
    page.get_by_label("Your name").fill("Dana Scully")
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_label("Something isn't working").check()
    fill_subject(page, SUBJECT)
    page.get_by_label("Tell us more").fill("It happens at :00.")
    with posted(page) as sent:
        page.get_by_role("button", name="Send my request").click()
    assert post_status(sent[0]) == 302
    expect(page.get_by_role("heading", name="We've got your request")).to_be_visible()
    ref = Ticket.objects.get().reference

    page.get_by_role("link", name="View your request").click()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    page.get_by_label("Your reply").fill("One more detail: it's the 5 GHz network.")
    with posted(page) as sent:
        page.get_by_role("button", name="Send reply").click()
    assert post_status(sent[0]) == 302
    expect(page.get_by_text("Thanks, your reply has been added.")).to_be_visible()

    with posted(page) as sent:
        page.get_by_role("button", name="Revoke this link and send me a new one").click()
    assert post_status(sent[0]) == 200
    expect(page.get_by_role("heading", name="Your old link no longer works")).to_be_visible()

    page.goto(f"{live_site}/support/links/")
    page.get_by_label("Your email address").fill(EMAIL)
    with posted(page) as sent:
        page.get_by_role("button", name="Email me my links").click()
    assert post_status(sent[0]) == 200
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    page.goto(f"{live_site}/kb/")
    page.get_by_label("Search help articles").fill("router")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Restart your router").click()
    expect(page.get_by_role("heading", name=article.title)).to_be_visible()
    with posted(page) as sent:
        page.get_by_role("button", name="Yes").click()
    assert post_status(sent[0]) == 302
    expect(page.get_by_text("Thanks for telling us. We're glad it helped.")).to_be_visible()

    sign_in(page, live_site)
    refused = [answer for answer in answers if answer[2] == 403]
    assert not refused, f"refused: {refused}"
    posted_to = {url.removeprefix(live_site) for method, url, _ in answers if method == "POST"}
    assert {"/support/new/", "/support/links/", f"/kb/a/{article.slug}/feedback/", "/desk/login/"} <= posted_to
    assert sum(path.startswith("/support/t/") for path in posted_to) == 2  # the reply and the revoke
    received = smtp_server.wait_for(4)  # three to the customer, and the desk told of the reply
    subjects = sorted(str(message["Subject"]).split(" [")[0] for message in received if message["To"] == EMAIL)
    assert subjects == [
        "We've got your request", "Your links to your open requests", f"Your new private link for {ref}",
    ]  # fmt: skip
    [told] = [message for message in received if message["To"] != EMAIL]
    assert (told["To"], told["Subject"]) == (desk.agent_a.email, f"Customer replied: {ref} {SUBJECT}")


def test_send_links_again_emails_working_links_and_older_ones_still_work(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    _, older_link = ticket_with_ack(smtp_server, live_site)
    page = browser.new_context().new_page()
    page.goto(f"{live_site}/support/links/")
    expect(page.get_by_text("Links you already have keep working.")).to_be_visible()
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_role("button", name="Email me my links").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    screenshot(page, "portal-04-links-sent")

    _, links_email = smtp_server.wait_for(2)
    assert links_email["To"] == EMAIL
    page.goto(link_in(links_email, live_site))
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    response = page.goto(older_link)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    smtp_server.wait_quiet(2, 0.5)


def test_revoke_kills_the_old_link_and_the_new_one_arrives_by_email(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    _, old_link = ticket_with_ack(smtp_server, live_site)
    page = browser.new_context().new_page()
    page.goto(old_link)
    page.get_by_role("button", name="Revoke this link and send me a new one").click()
    expect(page.get_by_role("heading", name="Your old link no longer works")).to_be_visible()
    expect(page.locator(".masked-email")).to_have_text("d***@example.com")
    screenshot(page, "portal-05-link-revoked")

    response = page.goto(old_link)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="We can't find that page")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Find my requests")).to_be_visible()
    screenshot(page, "portal-06-old-link-404")

    _, new_link_email = smtp_server.wait_for(2)
    assert new_link_email["To"] == EMAIL
    new_link = link_in(new_link_email, live_site)
    assert new_link != old_link
    page.goto(new_link)
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()


def test_a_refused_form_shows_our_page_with_the_typed_text(
    desk: Any, live_site: str, browser: Browser, screenshot: Screenshot
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_site}/support/new/")
    page.get_by_label("Your name").fill("Dana Scully")
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_label("Something isn't working").check()
    fill_subject(page, SUBJECT)
    page.get_by_label("Tell us more").fill("A long description I would hate to type twice.")
    context.clear_cookies(name=re.compile("csrftoken"))
    with posted(page) as sent:
        page.get_by_role("button", name="Send my request").click()
    assert post_status(sent[0]) == 403
    expect(page.get_by_role("heading", name="Please send that again")).to_be_visible()
    expect(page.get_by_text("Reload the page and send again; what you typed is below")).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value(SUBJECT)
    expect(page.get_by_label("Description")).to_have_value("A long description I would hate to type twice.")
    screenshot(page, "portal-07-csrf-refused")
    page.get_by_role("link", name="Open the form again").click()
    expect(page.get_by_role("heading", name="Contact support")).to_be_visible()
    assert not Ticket.objects.exists()
