"""After "solved", in Chromium on the real stack (Celery worker on Redis, a real SMTP server):

- a customer rates the help from the survey email actually delivered: opening the link (what a
  mail scanner does) records nothing; the page's "Send" does, the desk shows the rating, and an
  agent marks its kind comment as praise, which lists it on the solver's own page;
- a customer answers "No, I still need help" on the private page (the ticket reopens, with a
  promise), and later "Yes, this solved it" from the link in the solved email (the ticket closes).

Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from satisfaction.models import Survey
from satisfaction.services.config import settings_get
from tests.e2e.conftest import Mailbox, Worker
from tests.e2e.helpers import Screenshot, private_link, sign_in, text_body
from tickets import services
from tickets.models import Promise, SlaPolicy, Ticket, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

SUBJECT = "Invoice shows the wrong address"


@pytest.fixture
def policy(desk: Any) -> SlaPolicy:
    """Problems: an update every 2 hours, around the clock. Made here: the migration's default
    policies don't survive another test's flush of the database."""
    SlaPolicy.objects.update(is_active=False)
    return SlaPolicy.objects.create(
        name="Problems", kind="problem", first_response_minutes=240, next_update_minutes=120,
        resolution_minutes=1440, pause_when_waiting=True,
    )  # fmt: skip


def _submitted(smtp_server: Mailbox) -> Ticket:
    ticket = services.ticket_submit(
        name="Dana Scully", email="dana@example.com", kind="problem", subject=SUBJECT, description="Old address."
    ).ticket
    smtp_server.wait_for(1)  # the acknowledgement
    return ticket


def _link(message: Any, pattern: str) -> str:
    match = re.search(pattern, text_body(message))
    assert match, f"no {pattern!r} in:\n{text_body(message)}"
    return match.group(1)


def test_a_customer_rates_from_the_survey_email(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    config = settings_get()
    config.survey_delay_minutes = 0  # the survey goes with beat's next run, not ten minutes later
    config.save()
    ticket = _submitted(smtp_server)
    services.agent_reply_post(
        ticket=ticket, agent=desk.agent_a, body="Fixed: the new address is on.", status_after=Ticket.Status.RESOLVED
    )
    smtp_server.wait_for(2)  # the reply that solves it
    from helpdesk.celery import app

    app.send_task("satisfaction.tasks.surveys_send")  # what beat queues every minute
    app.send_task("satisfaction.tasks.surveys_send")  # and again: still one survey
    survey_email = smtp_server.wait_for(3)[2]
    assert str(survey_email["Subject"]) == f"How did we do? {ticket.reference} {SUBJECT}"
    bad_link = _link(survey_email, rf"Bad: ({re.escape(live_site)}/support/rate/\S+/)")
    good_link = _link(survey_email, rf"Good: ({re.escape(live_site)}/support/rate/\S+/)")

    page = browser.new_context().new_page()
    page.goto(bad_link)  # a mail scanner follows every link: nothing is recorded
    page.goto(good_link)
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(page.get_by_label("Good")).to_be_checked()
    survey = Survey.objects.get(ticket=ticket)
    assert survey.rated_at is None
    page.get_by_label("Anything you'd like to tell us? (optional)").fill("Quick and friendly, thank you.")
    screenshot(page, "satisfaction-rate")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("We've got your answer: Good")).to_be_visible()
    screenshot(page, "satisfaction-rated")
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (3, "Quick and friendly, thank you.")

    page.goto(bad_link)  # a second answer is not counted
    expect(page.get_by_text("You've already rated this request (Good)")).to_be_visible()

    desk_page = browser.new_context().new_page()
    sign_in(desk_page, live_site, "alice")
    desk_page.goto(f"{live_site}/desk/t/{ticket.reference}/")
    card = desk_page.locator(".ratings-card")
    expect(card.locator(".rating-label")).to_have_text("Good")
    expect(card).to_contain_text("Quick and friendly, thank you.")
    card.get_by_role("button", name="Mark as praise").click()  # the kind words count for Alice
    expect(desk_page.get_by_text("Marked as praise for Alice Agent.")).to_be_visible()
    expect(desk_page.locator(".ratings-card .praise-marked")).to_be_visible()
    desk_page.goto(f"{live_site}/desk/me/")
    expect(desk_page.locator(".praise-list")).to_contain_text("Quick and friendly, thank you.")
    smtp_server.wait_quiet(3, 2.0)  # one survey, however often the task ran


def test_a_customer_says_no_then_yes(
    celery_worker_process: Worker,
    policy: SlaPolicy,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    ticket = _submitted(smtp_server)
    services.agent_reply_post(
        ticket=ticket, agent=desk.agent_a, body="Fixed, I think.", status_after=Ticket.Status.RESOLVED
    )
    solved_email = smtp_server.wait_for(2)[1]
    assert "Did this solve it?" in text_body(solved_email)

    page = browser.new_context().new_page()
    page.goto(private_link(solved_email, live_site))
    expect(page.get_by_role("heading", name="Did this solve it?")).to_be_visible()
    screenshot(page, "solved-ask-private-page")
    page.get_by_role("button", name="No, I still need help").click()
    expect(page.get_by_text("Thanks, we've reopened your request.")).to_be_visible()
    expect(page.get_by_role("heading", name="Did this solve it?")).to_have_count(0)
    expect(page.locator(".promise-text")).to_contain_text("We'll update you by")  # reopened with a promise
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert Promise.objects.filter(ticket=ticket, state=Promise.State.PENDING).exists()  # reopened with a promise
    assert ticket.events.filter(kind=TicketEvent.Kind.CUSTOMER_REOPENED).count() == 1

    services.agent_reply_post(
        ticket=ticket, agent=desk.agent_a, body="Now it's really fixed.", status_after=Ticket.Status.RESOLVED
    )
    # Alice heard of the customer's answer (a notice email), then the customer gets the second solve.
    second = [m for m in smtp_server.wait_for(4) if m["To"] == "dana@example.com"][-1]
    yes_link = _link(second, rf"Yes, this solved it: ({re.escape(live_site)}\S+)")
    page.goto(yes_link)  # opening it only asks
    expect(page.get_by_text("We're glad it's sorted")).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED
    page.get_by_role("button", name="Yes, this solved it").click()
    expect(page.get_by_text("Thank you for letting us know. We've closed your request.")).to_be_visible()
    screenshot(page, "solved-confirmed")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.events.filter(kind=TicketEvent.Kind.CUSTOMER_CONFIRMED).count() == 1


def test_a_bad_rating_reaches_the_team_lead_who_follows_it_up(
    celery_worker_process: Worker,
    smtp_server: Mailbox,
    desk: Any,
    live_site: str,
    browser: Browser,
    screenshot: Screenshot,
) -> None:
    from satisfaction.services.surveys import rating_record, survey_for_solve
    from tests.factories import UserFactory

    lead = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    desk.queue_a.team_lead = lead
    desk.queue_a.save()
    ticket = _submitted(smtp_server)
    services.ticket_status_change(ticket=ticket, agent=desk.agent_a, status=Ticket.Status.RESOLVED)
    survey = survey_for_solve(ticket_id=ticket.pk)
    assert survey is not None
    smtp_server.wait_for(2)  # the survey
    rating_record(survey_id=survey.pk, rating=1, comment="Three days and no answer.")
    notice_email = smtp_server.wait_for(3)[2]
    assert notice_email["To"] == lead.email
    assert str(notice_email["Subject"]) == f"Bad rating: {ticket.reference} {SUBJECT}"
    ticket_url = _link(notice_email, rf"({re.escape(live_site)}/desk/t/\S+/)")

    page = browser.new_context().new_page()
    sign_in(page, live_site, "lena")
    page.goto(f"{live_site}/desk/me/")
    follow_ups = page.locator(".follow-ups")
    expect(follow_ups).to_contain_text("Bad ratings to follow up in your queues (1)")
    expect(follow_ups.get_by_role("link", name=ticket.reference)).to_be_visible()
    page.goto(ticket_url)
    card = page.locator(".ratings-card")
    expect(card.locator(".rating-label")).to_have_text("Bad")
    expect(card).to_contain_text("Three days and no answer.")
    screenshot(page, "satisfaction-bad-rating-desk")
    card.get_by_role("button", name="Mark followed up").click()
    expect(page.get_by_text("Follow-up marked done.")).to_be_visible()
    expect(page.locator(".ratings-card")).to_contain_text("Followed up by Lena Lead")
    page.goto(f"{live_site}/desk/me/")
    expect(page.locator(".follow-ups")).to_have_count(0)


def test_the_admin_chooses_the_five_point_scale(
    desk: Any, live_site: str, browser: Browser, screenshot: Screenshot, transactional_db: None
) -> None:
    from tests.e2e.helpers import admin_sign_in

    page = browser.new_context().new_page()
    admin_sign_in(page, live_site)
    page.get_by_role("link", name="Satisfaction settings").click()  # on the admin's index: straight to the form
    page.get_by_label("Rating scale").select_option(label="1 to 5")
    page.get_by_label("Close solved tickets after (days)").fill("5")
    screenshot(page, "satisfaction-admin-settings")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    config = settings_get()
    assert (config.scale, config.auto_close_days) == (5, 5)
