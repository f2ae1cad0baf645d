from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from canned_responses.models import CannedResponseUse
from canned_responses.services import canned_response_use_record

pytestmark = pytest.mark.django_db


def test_a_use_counts_and_stamps(desk, ticket, make_response):
    response = make_response()
    at = timezone.now()
    canned_response_use_record(response=response, agent=desk.agent_a, ticket=ticket, at=at - timedelta(days=1))
    canned_response_use_record(response=response, agent=desk.agent_a, ticket=ticket, at=at)
    response.refresh_from_db()
    assert response.usage_count == 2
    assert response.last_used_at == at
    assert CannedResponseUse.objects.filter(response=response, agent=desk.agent_a, ticket=ticket).count() == 2
