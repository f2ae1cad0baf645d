"""Canned responses in the desk ticket page's composer: the select + Insert (no JavaScript), the
JSON suggestions (canned.js), counting a use when the reply is sent, and the courtesy check."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from canned_responses.models import BluntPhrase, CannedResponseUse
from tests.factories import CustomerFactory, TicketFactory
from tickets import services
from tickets.models import Message, OutboundEmail, Ticket
from tickets.sla_config import sla_config

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_seeded_responses")]


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(ticket: Ticket, action: str = "") -> str:
    return f"/desk/t/{ticket.reference}/{action + '/' if action else ''}"


@pytest.fixture
def grace_ticket(desk) -> Ticket:
    customer = CustomerFactory(name="Grace Hopper")
    return TicketFactory(queue=desk.queue_a, customer=customer, subject="Refund for a double charge")


def test_the_select_offers_suggestions_first_and_only_what_applies(desk, grace_ticket, alice, make_response):
    make_response(title="Refund on its way", shortcut="/refund", kinds=["problem"])
    make_response(title="Generic greeting", shortcut="/hello")
    make_response(title="Complaint apology", shortcut="/sorry", kinds=["complaint"])
    make_response(title="Technical only", shortcut="/tech", queues=[desk.queue_b])
    make_response(title="Inactive one", shortcut="/old", is_active=False)
    make_response(owner=desk.agent_b, title="Bob's own", shortcut="/bob")
    make_response(owner=desk.agent_a, title="Alice's own", shortcut="/alice")
    page = text(alice.get(url(grace_ticket)))
    assert '<optgroup label="Suggested for this ticket">' in page
    suggested = page.split('<optgroup label="Suggested for this ticket">')[1].split("</optgroup>")[0]
    assert "Refund on its way (/refund)" in suggested
    assert "Generic greeting" in page and "Alice's own" in page
    for absent in ("Complaint apology", "Technical only", "Inactive one", "Bob's own"):
        assert absent not in page
    assert 'name="apply_canned"' in page


def test_insert_without_javascript_fills_the_body_and_sends_nothing(desk, grace_ticket, alice, make_response):
    refund = make_response(
        title="Refund on its way",
        body="Hi {{ customer.first_name }}, your refund for {{ ticket.reference }} is on its way. "
        "{{ agent.first_name }}",
        suggested_status="waiting",
        suggested_next_update="tomorrow10",
    )
    response = alice.post(
        url(grace_ticket, "reply"),
        {"visibility": "public", "body": "Hello again.", "canned": refund.pk, "apply_canned": "1"},
    )
    assert response.status_code == 200
    page = text(response)
    expected = f"Hi Grace, your refund for {grace_ticket.reference} is on its way. Alice"
    assert f"Hello again.\n\n{expected}</textarea>" in page
    assert f'name="canned_id" value="{refund.pk}"' in page
    assert '<option value="waiting" selected>' in page
    assert '<option value="tomorrow10" selected>' in page
    assert "Inserted “Refund on its way”" in page
    assert not Message.objects.exists() and not OutboundEmail.objects.exists()
    assert not CannedResponseUse.objects.exists()


def test_insert_with_nothing_picked_says_so(desk, grace_ticket, alice):
    response = alice.post(url(grace_ticket, "reply"), {"body": "Draft", "canned": "", "apply_canned": "1"})
    assert response.status_code == 200
    assert "Pick a canned response to insert first." in text(response)
    assert "Draft</textarea>" in text(response)


def test_insert_of_a_response_the_agent_may_not_use_is_404(desk, grace_ticket, alice, make_response):
    bobs = make_response(owner=desk.agent_b, shortcut="/bob")
    response = alice.post(url(grace_ticket, "reply"), {"body": "", "canned": bobs.pk, "apply_canned": "1"})
    assert response.status_code == 404


def test_sending_a_reply_from_a_canned_response_counts_one_use(desk, grace_ticket, alice, make_response):
    refund = make_response()
    response = alice.post(
        url(grace_ticket, "reply"), {"visibility": "public", "body": "Hi Grace, done.", "canned_id": refund.pk}
    )
    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.usage_count == 1
    use = CannedResponseUse.objects.get()
    assert (use.response, use.agent, use.ticket) == (refund, desk.agent_a, grace_ticket)


def test_a_reply_without_a_canned_response_counts_nothing(desk, grace_ticket, alice, make_response):
    bobs = make_response(owner=desk.agent_b, shortcut="/bob")
    alice.post(url(grace_ticket, "reply"), {"visibility": "public", "body": "Hi"})
    alice.post(url(grace_ticket, "reply"), {"visibility": "public", "body": "Hi", "canned_id": bobs.pk})
    assert Message.objects.count() == 2
    assert not CannedResponseUse.objects.exists()


def test_a_refused_reply_counts_nothing(desk, grace_ticket, alice, make_response):
    refund = make_response()
    response = alice.post(url(grace_ticket, "reply"), {"visibility": "public", "body": "", "canned_id": refund.pk})
    assert response.status_code == 400
    assert not CannedResponseUse.objects.exists()


def test_json_suggestions_by_shortcut_are_rendered_for_the_ticket(desk, grace_ticket, alice, make_response):
    refund = make_response(shortcut="/refund", suggested_status="waiting", suggested_next_update="2bh")
    make_response(title="Refusal", shortcut="/refuse")
    data = alice.get(url(grace_ticket, "canned"), {"q": "/refund"}).json()
    first = data["results"][0]
    assert first["id"] == refund.pk
    assert first["body"] == "Hi Grace, your refund is on its way."
    assert (first["status"], first["next_update"], first["shared"]) == ("waiting", "2bh", True)
    assert [r["shortcut"] for r in alice.get(url(grace_ticket, "canned"), {"q": "/ref"}).json()["results"]] == [
        "/refund",
        "/refuse",
    ]


def test_json_suggestions_by_title_and_by_id(desk, grace_ticket, alice, make_response):
    refund = make_response()
    make_response(title="Opening hours", shortcut="/hours", body="We open at 9.")
    assert [r["title"] for r in alice.get(url(grace_ticket, "canned"), {"q": "hours"}).json()["results"]] == [
        "Opening hours"
    ]
    by_id = alice.get(url(grace_ticket, "canned"), {"id": refund.pk}).json()["results"]
    assert [r["id"] for r in by_id] == [refund.pk]


def test_json_ranks_subject_matches_and_use_first(desk, grace_ticket, alice, make_response, no_seeded_responses):
    make_response(title="Opening hours", shortcut="/hours", body="We open at 9.")
    make_response(title="Refund on its way", shortcut="/refund")
    results = alice.get(url(grace_ticket, "canned")).json()["results"]
    assert [r["shortcut"] for r in results] == ["/refund", "/hours"]
    assert results[0]["suggested"] is True


def test_json_values_are_escaped_for_markdown(desk, alice, make_response):
    customer = CustomerFactory(name="[click](javascript:alert(1))")
    ticket = TicketFactory(queue=desk.queue_a, customer=customer)
    make_response(shortcut="/refund", body="Hi {{ customer.name }}")
    [result] = alice.get(url(ticket, "canned"), {"q": "/refund"}).json()["results"]
    assert result["body"] == r"Hi \[click\](javascript:alert(1))"


def test_json_is_scoped_like_the_ticket(desk, grace_ticket, bob, stranger):
    assert bob.get(url(grace_ticket, "canned")).status_code == 404
    response = stranger.get(url(grace_ticket, "canned"))
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


def test_html_in_a_canned_body_is_inert_on_the_page_and_in_the_email(desk, grace_ticket, alice, make_response):
    nasty = make_response(
        shortcut="/nasty", body='<script>alert(1)</script> <img src=x onerror="alert(2)"> Hi {{ customer.name }}'
    )
    page = alice.post(url(grace_ticket, "reply"), {"body": "", "canned": nasty.pk, "apply_canned": "1"})
    assert "<script>alert(1)" not in page.content.decode()
    body = '<script>alert(1)</script> <img src=x onerror="alert(2)"> Hi Grace Hopper'
    alice.post(url(grace_ticket, "reply"), {"visibility": "public", "body": body, "canned_id": nasty.pk})
    services.outbox_send(email_id=OutboundEmail.objects.get().pk)
    [email] = mail.outbox
    html_part = str(email.alternatives[0][0])
    assert "<script" not in html_part and "<img" not in html_part
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_part
    assert "Hi Grace Hopper" in email.body
    timeline = alice.get(url(grace_ticket)).content.decode()
    assert "<script>alert(1)" not in timeline and "&lt;script&gt;alert(1)" in timeline


@pytest.fixture
def complaint(desk) -> Ticket:
    BluntPhrase.objects.get_or_create(phrase="calm down")
    return TicketFactory(queue=desk.queue_a, kind=Ticket.Kind.COMPLAINT, customer=CustomerFactory(name="Ada"))


def test_a_blunt_reply_to_a_complaint_gets_a_gentle_prompt_and_keeps_the_text(desk, complaint, alice):
    response = alice.post(url(complaint, "reply"), {"visibility": "public", "body": "Please calm down, Ada."})
    assert response.status_code == 200
    page = text(response)
    assert "A quick read before sending?" in page and "“calm down”" in page
    assert "Please calm down, Ada.</textarea>" in page
    assert 'name="confirm_courtesy" value="1"' in page
    assert not Message.objects.exists()


def test_send_anyway_sends(desk, complaint, alice):
    response = alice.post(
        url(complaint, "reply"), {"visibility": "public", "body": "Please calm down.", "confirm_courtesy": "1"}
    )
    assert response.status_code == 302
    assert Message.objects.get().body == "Please calm down."


def test_notes_and_courteous_replies_are_not_held(desk, complaint, alice):
    note = {"visibility": "note", "body": "Told them to calm down"}
    assert alice.post(url(complaint, "reply"), note).status_code == 302
    assert alice.post(url(complaint, "reply"), {"visibility": "public", "body": "I'm sorry."}).status_code == 302
    assert Message.objects.count() == 2


def test_ticket_page_queries_do_not_grow_with_canned_responses(desk, grace_ticket, alice, make_response):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as context:
            assert alice.get(url(grace_ticket)).status_code == 200
        return len(context)

    make_response(title="Response 0", shortcut="/r0")
    sla_config()  # as after the process's first request
    one = queries_for_page()
    for n in range(1, 20):
        make_response(title=f"Response {n}", shortcut=f"/r{n}", queues=[desk.queue_a], kinds=["problem"])
    assert queries_for_page() == one
    assert text(alice.get(url(grace_ticket))).count("Response ") >= 20


@pytest.mark.parametrize("responses", [1, 8])
def test_json_queries_do_not_grow_with_canned_responses(
    desk, grace_ticket, alice, make_response, django_assert_max_num_queries, responses
):
    for n in range(responses):
        make_response(title=f"Response {n}", shortcut=f"/r{n}", suggested_next_update=["", "2bh"][n % 2])
    with django_assert_max_num_queries(12):
        results = alice.get(url(grace_ticket, "canned"), {"q": "/r"}).json()["results"]
    assert len(results) == responses
