"""The admin: manage shared responses, preview, import/export, most used in the last 30 days."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from canned_responses.models import BluntPhrase, CannedResponse
from canned_responses.services import canned_response_use_record
from tests.factories import CustomerFactory, TicketFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_seeded_responses")]
BASE = "/admin/canned_responses/cannedresponse/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(**fields):
    data = {
        "title": "Refund on its way",
        "shortcut": "/refund",
        "body": "Hi {{ customer.first_name }}",
        "is_active": "on",
        "suggested_status": "",
        "suggested_next_update": "",
    }
    data.update(fields)
    return data


def test_the_changelist_lists_filters_and_searches(desk, admin_client_, make_response):
    make_response(title="Refund on its way", shortcut="/refund", kinds=["problem"])
    make_response(title="Opening hours", shortcut="/hours", kinds=["info"])
    make_response(owner=desk.agent_a, title="Alice's own", shortcut="/mine")
    page = text(admin_client_.get(BASE))
    assert "Refund on its way" in page and "Opening hours" in page and "Personal (alice)" in page
    assert "Refund" not in text(admin_client_.get(BASE, {"kind": "info"})).split("result_list")[1]
    searched = text(admin_client_.get(BASE, {"q": "hours"})).split("result_list")[1]
    assert "Opening hours" in searched and "Refund on its way" not in searched
    shared = text(admin_client_.get(BASE, {"scope": "shared"})).split("result_list")[1]
    assert "Alice's own" not in shared


def test_an_admin_creates_a_shared_response(desk, admin_client_):
    response = admin_client_.post(f"{BASE}add/", form_data(kinds=["problem"], queues=[desk.queue_a.pk]))
    assert response.status_code == 302, text(response)
    created = CannedResponse.objects.get()
    assert created.is_shared and created.kinds == ["problem"]
    assert list(created.queues.all()) == [desk.queue_a]


def test_the_admin_form_refuses_bad_placeholders_and_lists_the_valid_ones(desk, admin_client_):
    response = admin_client_.post(f"{BASE}add/", form_data(body="Hi {{ customer.email }}"))
    assert response.status_code == 200
    page = text(response)
    assert "is not a placeholder we know" in page and "{{ promise.due }}" in page
    assert not CannedResponse.objects.exists()


def test_the_admin_form_refuses_a_duplicate_shortcut_and_a_huge_body(desk, admin_client_, make_response):
    make_response(shortcut="/refund")
    page = text(admin_client_.post(f"{BASE}add/", form_data(title="Again")))
    assert "/refund is already the shortcut of another shared response." in page
    page = text(admin_client_.post(f"{BASE}add/", form_data(shortcut="", body="x" * 1_048_576)))
    assert "the limit is 10,000" in page
    assert CannedResponse.objects.count() == 1


def test_an_admin_edits_a_shared_response(desk, admin_client_, make_response):
    response = make_response()
    result = admin_client_.post(f"{BASE}{response.pk}/change/", form_data(title="Renamed"))
    assert result.status_code == 302
    response.refresh_from_db()
    assert response.title == "Renamed"


def test_agents_cannot_reach_the_admin_for_responses(desk, alice, make_response):
    response = make_response()
    assert alice.get(f"{BASE}{response.pk}/change/").status_code in (302, 403)
    assert alice.get(f"{BASE}export/json/").status_code in (302, 403)


def test_preview_against_the_sample_ticket(desk, admin_client_, make_response):
    response = make_response(body="Hi {{ customer.name }}, about {{ ticket.subject }}: <script>x</script>")
    page = admin_client_.get(f"{BASE}{response.pk}/preview/").content.decode()
    assert "Hi Ada Lovelace, about The invoice PDF opens blank" in page
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_preview_against_a_real_ticket(desk, admin_client_, make_response):
    ticket = TicketFactory(queue=desk.queue_a, customer=CustomerFactory(name="Grace Hopper"), subject="Printer")
    response = make_response(body="Hi {{ customer.first_name }} ({{ ticket.reference }}), due {{ promise.due }}")
    page = text(admin_client_.get(f"{BASE}{response.pk}/preview/", {"ticket": ticket.reference}))
    assert f"Hi Grace ({ticket.reference}), due " in page
    missing = text(admin_client_.get(f"{BASE}{response.pk}/preview/", {"ticket": "HD-999999"}))
    assert "No ticket HD-999999" in missing and "Ada Lovelace" in missing


def test_export_json_and_csv_round_trip(desk, admin_client_, make_response):
    make_response(shortcut="/refund", kinds=["problem"], queues=[desk.queue_a], suggested_status="waiting")
    make_response(title="Formula", shortcut="/f", body="=HYPERLINK(1) {{ customer.name }}")
    make_response(owner=desk.agent_a, title="Personal", shortcut="/mine")
    exported = admin_client_.get(f"{BASE}export/json/")
    assert exported["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment;" in exported["Content-Disposition"]
    rows = json.loads(exported.content)
    assert [r["title"] for r in rows] == ["Formula", "Refund on its way"]  # shared only
    assert rows[1]["queues"] == ["billing"] and rows[1]["kinds"] == ["problem"]
    csv_text = admin_client_.get(f"{BASE}export/csv/").content.decode()
    csv_rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert csv_rows[0]["body"].startswith("'=HYPERLINK")  # a spreadsheet won't run it

    CannedResponse.objects.shared().delete()
    upload = SimpleUploadedFile("responses.csv", csv_text.encode(), content_type="text/csv")
    response = admin_client_.post(f"{BASE}import/", {"file": upload})
    assert response.status_code == 302
    imported = CannedResponse.objects.shared().order_by("title")
    assert [r.title for r in imported] == ["Formula", "Refund on its way"]
    assert imported[0].body.startswith("=HYPERLINK")
    assert list(imported[1].queues.all()) == [desk.queue_a] and imported[1].suggested_status == "waiting"

    upload = SimpleUploadedFile("responses.json", json.dumps(rows).encode(), content_type="application/json")
    assert admin_client_.post(f"{BASE}import/", {"file": upload}).status_code == 302
    assert CannedResponse.objects.shared().count() == 2  # matched by shortcut: updated, not doubled


def test_import_is_all_or_nothing_and_names_the_bad_rows(desk, admin_client_):
    rows = [
        {"title": "Good", "body": "Hi {{ customer.name }}", "shortcut": "/good"},
        {"title": "Bad", "body": "Hi {{ customer.phone }}"},
        {"title": "Lost", "body": "x", "queues": ["nowhere"]},
    ]
    upload = SimpleUploadedFile("r.json", json.dumps(rows).encode())
    response = admin_client_.post(f"{BASE}import/", {"file": upload})
    assert response.status_code == 400
    page = text(response)
    assert "Row 2 (Bad): body:" in page and "Row 3: no queue with slug nowhere." in page
    assert not CannedResponse.objects.exists()


def test_import_refuses_unreadable_files(desk, admin_client_):
    for content in (b"[not json", b"\xff\xfe\x00bad", b"name,text\nx,y\n"):
        upload = SimpleUploadedFile("r.csv", content)
        assert admin_client_.post(f"{BASE}import/", {"file": upload}).status_code == 400
    assert not CannedResponse.objects.exists()


def test_most_used_in_the_last_30_days_is_a_recount(desk, ticket, admin_client_, make_response):
    old = make_response(title="Old favourite", shortcut="/old")
    new = make_response(title="New favourite", shortcut="/new")
    now = timezone.now()
    for _ in range(5):
        canned_response_use_record(response=old, agent=desk.agent_a, ticket=ticket, at=now - timedelta(days=40))
    for _ in range(2):
        canned_response_use_record(response=new, agent=desk.agent_a, ticket=ticket, at=now - timedelta(days=1))
    page = text(admin_client_.get(BASE))
    box = page.split("Most used in the last 30 days")[1].split("</div>")[0]
    assert "New favourite" in box and "2 uses" in box and "Old favourite" not in box
    recent = text(admin_client_.get(BASE, {"recent": "yes"})).split("result_list")[1]
    assert "New favourite" in recent and "Old favourite" not in recent
    ordered = text(admin_client_.get(BASE, {"o": "-6"})).split("result_list")[1]
    assert ordered.index("New favourite") < ordered.index("Old favourite")


@pytest.mark.parametrize("rows", [1, 20])
def test_changelist_query_count_is_constant(desk, admin_client_, make_response, django_assert_max_num_queries, rows):
    for n in range(rows):
        make_response(title=f"R{n}", shortcut=f"/r{n}", queues=[desk.queue_a])
    with django_assert_max_num_queries(12):
        assert admin_client_.get(BASE).status_code == 200


def test_blunt_phrases_are_admin_editable(desk, admin_client_):
    response = admin_client_.post(
        "/admin/canned_responses/bluntphrase/add/", {"phrase": "per my last email", "is_active": "on"}
    )
    assert response.status_code == 302
    assert BluntPhrase.objects.filter(phrase="per my last email").exists()


def test_publish_as_article_creates_a_draft(admin_client_, desk, make_response):
    from knowledgebase.models import Article

    response = make_response(title="How refunds work", body="Refunds take five working days.")
    changelist = reverse("admin:canned_responses_cannedresponse_changelist")
    reply = admin_client_.post(changelist, {"action": "publish_as_article", "_selected_action": [response.pk]})
    assert reply.status_code == 302
    article = Article.objects.get(title=response.title)
    assert article.status == Article.Status.DRAFT


def test_the_placeholder_help_shows_the_kb_slug_placeholder_escaped(desk, admin_client_):
    """Raw, "<slug>" would be parsed as a tag and the help would read "{{ kb: }}"."""
    raw = admin_client_.get(f"{BASE}add/").content.decode()
    assert "{{ kb:&lt;slug&gt; }}" in raw
    assert "<slug>" not in raw
