"""The care settings in the admin: follow-up rules, root causes, goodwill limits, the complaints queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets.models import FollowUpRule, GoodwillLimit, Queue, RootCause

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["followuprule", "rootcause", "goodwilllimit"])
def test_each_list_and_add_page_loads(admin_client_, desk, model):
    assert admin_client_.get(reverse(f"admin:tickets_{model}_changelist")).status_code == 200
    assert admin_client_.get(reverse(f"admin:tickets_{model}_add")).status_code == 200


def test_a_fresh_desk_starts_with_follow_up_rules_and_root_causes(db):
    assert set(FollowUpRule.objects.values_list("kind", flat=True)) == {"problem", "complaint"}
    assert RootCause.objects.filter(name="Our mistake").exists()


def test_an_admin_adds_a_limit_in_capitals_only(admin_client_, desk):
    url = reverse("admin:tickets_goodwilllimit_add")
    refused = admin_client_.post(url, {"currency": "eur", "amount": "50"})
    assert "three-letter code in capitals" in refused.content.decode()
    admin_client_.post(url, {"currency": "EUR", "amount": "50"})
    assert GoodwillLimit.objects.get().currency == "EUR"


def test_a_root_cause_is_retired_not_deleted(admin_client_, desk):
    cause = RootCause.objects.first()
    assert admin_client_.get(reverse("admin:tickets_rootcause_delete", args=[cause.pk])).status_code == 403


def test_a_second_complaints_queue_is_refused(admin_client_, desk):
    Queue.objects.filter(pk=desk.queue_a.pk).update(takes_complaints=True)
    response = admin_client_.post(
        reverse("admin:tickets_queue_add"), {"name": "Returns", "slug": "returns", "takes_complaints": "on"}
    )
    assert response.status_code == 200
    assert "already takes the complaints" in response.content.decode()
    assert not Queue.objects.filter(slug="returns").exists()
