from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from helpdesk.lib.sanitize import render_user_text

register = template.Library()


@register.filter
def user_text(value: str) -> SafeString:
    """Render text a person wrote (Markdown) as sanitised HTML."""
    return render_user_text(value or "")
