"""Links to articles as readers get them: the absolute address, and the one Markdown link.

``article_markdown_link`` is the only place a reply's article link is written: the canned
responses' ``{{ kb:slug }}`` placeholder, the desk composer's "Insert article link" without
JavaScript, and (through ``data-markdown`` and the suggest JSON) static/js/kb-insert.js.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from helpdesk.lib.markdown import md_link
from knowledgebase.models import Article


def article_url(article: Article) -> str:
    """The article's public address on this site, as an email or a reply links it."""
    return settings.SITE_URL + reverse("kb:article", kwargs={"slug": article.slug})


def article_markdown_link(article: Article) -> str:
    return md_link(article.title, article_url(article))
