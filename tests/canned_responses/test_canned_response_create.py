"""canned_response_create / _update / _delete: validation, scopes and who may write what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canned_responses.models import CannedResponse
from canned_responses.services import canned_response_create, canned_response_delete, canned_response_update

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_shared_response(desk, make_response):
    response = make_response(
        title="  Refund   on its way ",
        shortcut="Refund",
        kinds=["problem", "info"],
        queues=[desk.queue_a],
        suggested_status="waiting",
        suggested_next_update="2bh",
    )
    assert response.is_shared
    assert (response.title, response.shortcut, response.kinds) == ("Refund on its way", "/refund", ["info", "problem"])
    assert list(response.queues.all()) == [desk.queue_a]


def test_an_agent_creates_their_own(desk, make_response):
    response = make_response(owner=desk.agent_a, shortcut="/mine")
    assert response.owner == desk.agent_a


def test_an_agent_cannot_create_a_shared_response(desk, no_seeded_responses):
    with pytest.raises(PermissionDenied):
        canned_response_create(actor=desk.agent_a, shared=True, title="x", body="y")
    assert CannedResponse.objects.count() == 0


def test_an_agent_cannot_change_or_delete_shared_or_others_responses(desk, make_response):
    shared = make_response(shortcut="/shared")
    bobs = make_response(owner=desk.agent_b, shortcut="/bobs")
    for response in (shared, bobs):
        with pytest.raises(PermissionDenied):
            canned_response_update(response=response, actor=desk.agent_a, title="Mine now", body="ha")
        with pytest.raises(PermissionDenied):
            canned_response_delete(response=response, actor=desk.agent_a)
    shared.refresh_from_db()
    assert shared.title == "Refund on its way"
    assert CannedResponse.objects.filter(pk__in=[shared.pk, bobs.pk]).count() == 2


def test_a_one_megabyte_body_is_refused_with_the_limit(desk, no_seeded_responses):
    with pytest.raises(ValidationError) as caught:
        canned_response_create(actor=desk.admin, shared=True, title="Huge", body="x" * 1_048_576)
    assert caught.value.message_dict["body"] == [
        "This response is 1,048,576 characters; the limit is 10,000. Shorten it."
    ]
    assert CannedResponse.objects.count() == 0


@pytest.mark.parametrize("body", ["Hi {{ customer.email }}", "Hi {{ customer.name", "Hi }}"])
def test_unknown_or_broken_placeholders_are_refused_at_save(desk, no_seeded_responses, body):
    with pytest.raises(ValidationError) as caught:
        canned_response_create(actor=desk.admin, shared=True, title="Bad", body=body)
    assert "Valid placeholders:" in caught.value.message_dict["body"][0]
    assert CannedResponse.objects.count() == 0


def test_a_duplicate_shortcut_in_the_same_scope_is_refused(desk, make_response):
    make_response(shortcut="/refund")
    with pytest.raises(ValidationError) as caught:
        make_response(title="Another", shortcut="/REFUND")
    assert caught.value.message_dict["shortcut"] == ["/refund is already the shortcut of another shared response."]
    make_response(owner=desk.agent_a, shortcut="/mine")
    with pytest.raises(ValidationError, match="another of your responses"):
        make_response(owner=desk.agent_a, title="Again", shortcut="/mine")
    with pytest.raises(ValidationError, match="of a shared response"):
        make_response(owner=desk.agent_a, title="Shadow", shortcut="/refund")


def test_two_agents_may_use_the_same_personal_shortcut(desk, make_response):
    make_response(owner=desk.agent_a, shortcut="/hi")
    make_response(owner=desk.agent_b, shortcut="/hi")
    assert CannedResponse.objects.filter(shortcut="/hi").count() == 2


def test_the_database_enforces_one_shortcut_per_scope(desk, make_response):
    from django.db import IntegrityError, transaction

    make_response(shortcut="/refund")
    with pytest.raises(IntegrityError), transaction.atomic():
        CannedResponse.objects.create(title="Race", body="x", shortcut="/refund")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shortcut", "/has space", "A shortcut is"),
        ("kinds", ["sales"], "Unknown ticket kind: sales."),
        ("suggested_status", "closed", "Pick a status"),
        ("suggested_next_update", "custom", "Pick a next update"),
        ("title", "", "Please give the response a short title."),
        ("body", "   ", "Please write the response."),
    ],
)
def test_bad_fields_are_refused(desk, no_seeded_responses, field, value, message):
    fields = {"title": "T", "body": "B", field: value}
    with pytest.raises(ValidationError) as caught:
        canned_response_create(actor=desk.admin, shared=True, **fields)
    assert message in caught.value.message_dict[field][0]
    assert CannedResponse.objects.count() == 0


def test_html_in_the_body_is_stored_as_written(desk, make_response):
    response = make_response(body="<script>alert(1)</script> <b>hi</b> {{ customer.name }}")
    assert response.body.startswith("<script>")  # inert: rendered through the one sanitiser


def test_update_and_delete_own(desk, make_response):
    response = make_response(owner=desk.agent_a, shortcut="/mine")
    canned_response_update(
        response=response, actor=desk.agent_a, title="Renamed", body="Hello", shortcut="/mine", is_active=False
    )
    response.refresh_from_db()
    assert (response.title, response.body, response.is_active) == ("Renamed", "Hello", False)
    canned_response_delete(response=response, actor=desk.agent_a)
    assert not CannedResponse.objects.filter(pk=response.pk).exists()
