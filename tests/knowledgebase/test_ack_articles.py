"""The acknowledgement of an info request names the best matching help articles, with absolute links."""

from __future__ import annotations

import pytest
from django.core import mail

from knowledgebase.models import Article
from tickets import services
from tickets.models import OutboundEmail, Ticket

pytestmark = pytest.mark.django_db


def ack_for(kind: str):
    services.ticket_submit(
        name="Ada", email="ada@example.com", kind=kind, subject="My printer prints blank pages", description="Help",
    )  # fmt: skip
    services.outbox_send(email_id=OutboundEmail.objects.get().pk)
    return mail.outbox[-1]


def test_info_request_ack_lists_matching_articles(desk, settings, make_article):
    settings.SITE_URL = "https://help.example.com"
    make_article("Printer prints blank pages")
    make_article("Printer internal notes", visibility=Article.Visibility.INTERNAL)
    message = ack_for(Ticket.Kind.INFO)
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "These articles may answer your question right away" in body
        assert "https://help.example.com/kb/a/printer-prints-blank-pages/" in body
        assert "internal" not in body.lower()


def test_problem_ack_has_no_article_list(desk, make_article):
    make_article("Printer prints blank pages")
    message = ack_for(Ticket.Kind.PROBLEM)
    assert "These articles may answer" not in message.body


def test_info_ack_without_matches_has_no_article_list(desk, db):
    message = ack_for(Ticket.Kind.INFO)
    assert "These articles may answer" not in message.body
