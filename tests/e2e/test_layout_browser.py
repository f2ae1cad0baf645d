"""The desk and the admin as they look in a real browser, on a 1366 px laptop and a 390 px phone.

Chromium on the live server and PostgreSQL; no worker is needed (nothing here sends email).
Each test asserts what a person would notice (a page wider than the phone, a column off the
screen, an error that stays red) and saves screenshots to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Notice, OutboundEmail, Promise, Ticket
from tickets.services import agent_reply_post, ticket_submit

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

Screenshot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LONG_ERROR = (
    "SMTPRecipientsRefused: {'rosa@example.com': (550, b'5.1.1 The email account that you tried to reach "
    "does not exist. Please try double-checking the recipient')}"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def signed_in(browser: Browser, site: str, user: Any, viewport: dict[str, int]) -> BrowserContext:
    """A browser profile already signed in as ``user`` (the sign-in page has its own test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])
    return context


def no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


# True when the whole element is on screen, not hidden under something or scrolled out of its
# box: the points just inside its left and right edges belong to it, and the window holds it.
# Only the window is scrolled, and only up or down: scrolling a table sideways would bring a
# clipped column into view and hide the defect.
ON_SCREEN = """el => {
  const above = el.getBoundingClientRect().top;
  window.scrollTo({top: window.scrollY + above - window.innerHeight / 2, behavior: "instant"});
  const r = el.getBoundingClientRect();
  const y = r.top + r.height / 2;
  const owns = x => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === el || el.contains(hit));
  };
  return r.left >= 0 && r.right <= window.innerWidth && owns(r.left + 2) && owns(r.right - 2);
}"""


def on_screen(page: Page, selector: str) -> None:
    elements = page.locator(selector).all()
    assert elements, f"nothing matches {selector}"
    for element in elements:
        expect(element).to_be_visible()
        assert element.evaluate(ON_SCREEN), f"{selector} is off the screen: {element.bounding_box()}"


def busy_queue(desk: Any) -> list[Ticket]:
    """A queue as agents see it mid-morning: long subjects and names, every kind and status."""
    now = timezone.now()
    desk.agent_a.first_name, desk.agent_a.last_name = "Alexandrina", "Featherstonehaugh-Smythe"
    desk.agent_a.save(update_fields=["first_name", "last_name"])
    rows = [
        (Ticket.Kind.COMPLAINT, Ticket.Status.WAITING, -3000, Ticket.Priority.URGENT),
        (Ticket.Kind.INFO, Ticket.Status.OPEN, 25, Ticket.Priority.HIGH),
        (Ticket.Kind.PROBLEM, Ticket.Status.NEW, 240, Ticket.Priority.NORMAL),
        (Ticket.Kind.PROBLEM, Ticket.Status.NEW, None, Ticket.Priority.LOW),
    ]
    tickets = []
    for n, (kind, status, minutes, priority) in enumerate(rows):
        ticket = TicketFactory(
            queue=desk.queue_a,
            kind=kind,
            status=status,
            priority=priority,
            customer=CustomerFactory(name=f"Maximiliane Oberhausen-Wetherington {n}"),
            subject=f"Invoice {n} for the annual enterprise subscription shows the wrong company name and VAT number",
            next_due_at=now + timedelta(minutes=minutes) if minutes is not None else None,
            assignee=desk.agent_a if n % 2 else None,
            created_at=now - timedelta(days=40),
        )
        tickets.append(ticket)
    return tickets


# The WCAG contrast ratio of an element's text against the first opaque background behind it.
CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let back = el;
  while (back && (rgb(getComputedStyle(back).backgroundColor)[3] ?? 1) === 0) back = back.parentElement;
  const bg = back ? getComputedStyle(back).backgroundColor : "rgb(255, 255, 255)";
  const [a, b] = [lum(getComputedStyle(el).color), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def header_items_on_screen(page: Page) -> None:
    bar = page.get_by_role("navigation", name="Desk")
    for item in (
        bar.get_by_role("link", name="Help desk"),
        bar.get_by_role("searchbox", name="Search tickets"),
        bar.get_by_role("link", name="Knowledge base"),
        bar.get_by_role("link", name="Reports"),
        bar.get_by_role("button", name="On duty"),
        bar.get_by_role("link", name="No unread notices"),
        bar.get_by_role("button", name="Sign out"),
    ):
        expect(item).to_be_visible()
        assert item.evaluate(ON_SCREEN), f"{item} is off the screen: {item.bounding_box()}"


def test_the_desk_on_a_phone_queue_cards_and_one_column_ticket(
    transactional_db: None, desk: Any, live_site: str, browser: Browser, screenshot: Screenshot
) -> None:
    due_soon = busy_queue(desk)[1]
    ticket = ticket_submit(
        name="Maximiliane Oberhausen-Wetherington",
        email="maximiliane.oberhausen-wetherington@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject="The invoice PDF for the annual enterprise subscription opens as a blank page",
        description="Every invoice since March opens as a blank page in the browser and in Acrobat.",
        files=[SimpleUploadedFile("invoice-2026-03-annual-enterprise-subscription-" * 4 + ".png", PNG)],
    ).ticket
    agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Checked: the PDF renderer times out.", internal=True)
    page = signed_in(browser, live_site, desk.agent_a, PHONE).new_page()

    page.goto(f"{live_site}/desk/")
    cards = page.locator(".queue-table tbody tr")
    expect(cards).to_have_count(5)
    screenshot(page, "layout-phone-queue")
    no_horizontal_scroll(page)
    header_items_on_screen(page)
    card = cards.filter(has_text=due_soon.reference)
    for part in (due_soon.reference, due_soon.subject, due_soon.customer.name, "Open", re.compile(r"in 2\d min")):
        expect(card).to_contain_text(part)
    for part in ("ref", "due-cell", "subject", "customer", "status"):
        on_screen(page, f".queue-table tbody td.{part}")  # inside its card, not clipped by it
    expect(card.locator("td.priority")).to_be_hidden()  # a card keeps what an agent scans for

    page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    expect(page.get_by_role("heading", name=ticket.subject)).to_be_visible()
    screenshot(page, "layout-phone-ticket")
    no_horizontal_scroll(page)
    header_items_on_screen(page)
    conversation = page.get_by_role("list", name="Timeline").bounding_box()
    facts = page.get_by_role("complementary", name="Ticket facts").bounding_box()
    assert conversation and facts and facts["y"] >= conversation["y"] + conversation["height"]  # one column

    # The paperclip is drawn (an SVG), not an emoji that shows as a box without an emoji font.
    link = page.locator(".attachment-link")
    expect(link).to_contain_text("invoice-2026-03")
    expect(link).not_to_contain_text("\N{PAPERCLIP}")
    icon = link.locator("svg.attachment-icon")
    expect(icon).to_have_attribute("aria-hidden", "true")
    box = icon.bounding_box()
    assert box and box["width"] >= 10 and box["height"] >= 10
    page.get_by_role("list", name="Timeline").locator("li").first.screenshot(
        path=str(screenshot(page, "layout-phone-ticket").with_name("layout-phone-attachment.png"))
    )


def test_a_fixed_field_loses_its_error_as_the_customer_types(
    transactional_db: None, desk: Any, live_site: str, browser: Browser, screenshot: Screenshot
) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    page.goto(f"{live_site}/support/new/")
    page.get_by_role("button", name="Send my request").click()
    name, email = page.get_by_label("Your name"), page.get_by_label("Your email address")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_name_error")).to_be_visible()
    screenshot(page, "field-errors-shown")

    name.fill("Grace Hopper")
    expect(page.locator("#id_name_error")).to_be_hidden()
    expect(name).not_to_have_class(re.compile(r"\bis-invalid\b"))
    expect(name).not_to_have_attribute("aria-invalid", "true")
    assert "id_name_error" not in (name.get_attribute("aria-describedby") or "")
    # Only the field that was fixed: the others still say what is wrong.
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Something isn't working").check()
    expect(page.locator("#id_kind_error")).to_be_hidden()
    expect(page.get_by_label("I have a question")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    screenshot(page, "field-errors-one-fixed")
    no_horizontal_scroll(page)


def test_queue_notices_and_outbox_fit_a_laptop(
    transactional_db: None, desk: Any, live_site: str, browser: Browser, screenshot: Screenshot
) -> None:
    tickets = busy_queue(desk)
    promise = Promise.objects.create(
        ticket=tickets[2],
        kind=Promise.Kind.FIRST_RESPONSE,
        source=Promise.Source.POLICY,
        due_at=timezone.now() + timedelta(minutes=25),
        created_at=timezone.now(),
    )
    Notice.objects.create(
        promise=promise, ticket=tickets[2], user=desk.admin, kind=Notice.Kind.REMINDER, created_at=timezone.now()
    )
    page = signed_in(browser, live_site, desk.admin, LAPTOP).new_page()
    page.goto(f"{live_site}/desk/")
    screenshot(page, "layout-laptop-queue")
    on_screen(page, ".queue-table th:last-child")
    on_screen(page, ".queue-table tbody td:last-child")
    preset = page.get_by_role("link", name="Due within the hour")
    assert preset.evaluate(CONTRAST) >= 4.5  # WCAG AA for text
    status_new = page.locator(".queue-table .status-new").first
    expect(status_new).to_have_text("New")

    # An unread notice is marked "Unread", in a look of its own, not the ticket status "New".
    page.goto(f"{live_site}/desk/notices/")
    unread = page.locator(".notice-unread-badge")
    expect(unread).to_have_text("Unread")
    expect(page.locator(".notice-list")).not_to_contain_text("New")
    new_background = "rgb(11, 94, 215)"  # the status badge "New" (#0b5ed7)
    expect(unread).not_to_have_css("background-color", new_background)
    assert unread.evaluate(CONTRAST) >= 4.5
    screenshot(page, "layout-laptop-notices")

    for n in range(3):
        ticket = ticket_submit(
            name="Rosa Diaz",
            email=f"rosa.diaz.accounts.payable{n}@example-enterprise-customer.com",
            kind=Ticket.Kind.PROBLEM,
            subject=f"Invoice {n} shows the wrong company name",
            description="The PDF says ACME Ltd but we are ACME GmbH.",
        ).ticket
        agent_reply_post(ticket=ticket, agent=desk.agent_a, body="Thanks Rosa, we've corrected the name.")
    OutboundEmail.objects.filter(kind="ack").update(status="failed", attempts=10, last_error=LONG_ERROR)
    OutboundEmail.objects.filter(kind="reply").update(
        status="sent", attempts=1, sent_at=timezone.now(), subject="Re: Invoice shows the wrong company name",
        body_text="Hello Rosa,\n\nAlice replied: <b>corrected</b>.\n",
    )  # fmt: skip
    page.goto(f"{live_site}/admin/tickets/outboundemail/")
    screenshot(page, "layout-laptop-outbox")
    for column in ("status", "attempts", "sent", "error_excerpt"):
        on_screen(page, f"#result_list th.column-{column}")
        on_screen(page, f"#result_list tbody td.field-{column}")

    page.get_by_role("link", name=OutboundEmail.objects.filter(kind="reply").first().key).click()
    text_sent = page.locator(".field-text_sent .outbox-text")
    expect(text_sent).to_contain_text("Alice replied: <b>corrected</b>.")  # shown as written, not as HTML
    expect(page.locator(".field-subject")).to_contain_text("Re: Invoice shows the wrong company name")
    screenshot(page, "layout-laptop-outbox-detail")
