from __future__ import annotations

from django import template
from django.utils import timezone

from tickets.models import Ticket, TicketEvent
from tickets.triage_text import event_sentence as sentence

register = template.Library()


@register.filter
def event_sentence(event: TicketEvent) -> str:
    """A triage event in words (docs/promises.md "Moves"), times in the zone the page is shown in; ""
    for the other kinds, which the timeline words itself."""
    return sentence(event, timezone.get_current_timezone())


@register.filter
def reference_of(pk: int | None) -> str:
    """A ticket's reference from its id alone ("HD-1001"), without loading it."""
    return Ticket.reference_for(pk) if pk else ""
