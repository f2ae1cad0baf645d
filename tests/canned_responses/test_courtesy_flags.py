from __future__ import annotations

import pytest

from canned_responses.models import BluntPhrase
from canned_responses.selectors import courtesy_flags
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def phrases(db):
    for phrase in ("calm down", "you're wrong", "obviously"):
        BluntPhrase.objects.get_or_create(phrase=phrase)
    BluntPhrase.objects.update_or_create(phrase="as I already said", defaults={"is_active": False})


def test_blunt_phrases_in_a_public_reply_to_a_complaint_are_flagged(ticket, phrases):
    ticket.kind = Ticket.Kind.COMPLAINT
    flagged = courtesy_flags(
        ticket=ticket, body="Please CALM  down. You\u2019re wrong, as I already said.", internal=False
    )
    assert sorted(p.phrase for p in flagged) == ["calm down", "you're wrong"]


def test_whole_words_only(ticket, phrases):
    ticket.kind = Ticket.Kind.COMPLAINT
    assert courtesy_flags(ticket=ticket, body="Obviously-not... unobviously", internal=False) != []
    assert courtesy_flags(ticket=ticket, body="unobviously", internal=False) == []


def test_notes_and_other_kinds_are_not_checked(ticket, phrases):
    assert courtesy_flags(ticket=ticket, body="calm down", internal=False) == []  # a problem
    ticket.kind = Ticket.Kind.COMPLAINT
    assert courtesy_flags(ticket=ticket, body="calm down", internal=True) == []
