from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from knowledgebase import selectors
from tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("desk/kb/_insert_picker.html")
def kb_insert_picker(ticket: Ticket) -> dict[str, Any]:
    """The composer's "Insert article link": the best public articles for the ticket's subject."""
    return {
        "ticket": ticket,
        "articles": selectors.articles_for_agent_picker(ticket.subject),
        "site_url": settings.SITE_URL,
    }
