from __future__ import annotations

from typing import Any

import pytest

from canned_responses.models import CannedResponse
from canned_responses.services import canned_response_create


@pytest.fixture
def make_response(desk):
    """Make a canned response through the service: shared (by the admin) unless ``owner`` is given."""

    def make(*, owner: Any = None, **fields: Any) -> CannedResponse:
        fields.setdefault("title", "Refund on its way")
        fields.setdefault("body", "Hi {{ customer.first_name }}, your refund is on its way.")
        if owner is None:
            return canned_response_create(actor=desk.admin, shared=True, **fields)
        return canned_response_create(actor=owner, shared=False, **fields)

    return make


@pytest.fixture
def no_seeded_responses(db):
    """The data migration seeds shared responses; tests that count rows start from none."""
    CannedResponse.objects.all().delete()
