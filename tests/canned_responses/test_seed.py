"""The data migration's shared responses: one or more for each kind, all valid, seeded once."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from canned_responses import placeholders
from canned_responses.models import BluntPhrase, CannedResponse
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
seed = importlib.import_module("canned_responses.migrations.0002_seed")


def test_seeding_gives_useful_valid_responses_for_each_kind_and_is_idempotent():
    CannedResponse.objects.all().delete()
    BluntPhrase.objects.all().delete()
    seed.seed(apps, None)
    seed.seed(apps, None)
    responses = list(CannedResponse.objects.all())
    assert len(responses) == len(seed.RESPONSES)
    assert all(r.is_shared and r.shortcut for r in responses)
    for kind in Ticket.Kind:
        assert any(r.applies_to_kind(kind) and r.kinds for r in responses), f"nothing written for {kind}"
    for response in responses:
        placeholders.validate(response.body)
    assert BluntPhrase.objects.count() == 6
    assert BluntPhrase.objects.filter(phrase="calm down").exists()
