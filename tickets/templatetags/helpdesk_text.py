from __future__ import annotations

from collections.abc import Collection

from django import template
from django.utils.safestring import SafeString

from helpdesk.lib.sanitize import render_user_text

register = template.Library()


@register.filter
def user_text(value: str) -> SafeString:
    """Render text a person wrote (Markdown) as sanitised HTML."""
    return render_user_text(value or "")


@register.filter
def note_text(value: str, names: Collection[str] | None) -> SafeString:
    """An internal note: ``user_text`` with the ``@name`` of each agent in ``names`` highlighted."""
    return render_user_text(value or "", mentions=names or ())
