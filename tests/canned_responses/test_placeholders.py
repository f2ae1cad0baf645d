"""The placeholder language: every name, escaping, refusal of unknown and broken input."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canned_responses import placeholders
from canned_responses.placeholders import Context, KbLink, Placeholder, PlaceholderError, Text
from helpdesk.lib.sanitize import render_user_text
from tests.factories import CustomerFactory, TicketFactory
from tickets.links import link_url

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture
def ctx(desk) -> Context:
    customer = CustomerFactory(name="Grace Hopper", timezone="America/New_York")
    ticket = TicketFactory(queue=desk.queue_a, customer=customer, subject="Invoice PDF opens blank")
    return Context(ticket=ticket, agent_first_name="Alice", promise_due=DUE, now=NOW)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("customer.first_name", "Grace"),
        ("customer.name", "Grace Hopper"),
        ("ticket.subject", "Invoice PDF opens blank"),
        ("agent.first_name", "Alice"),
        ("promise.due", "today at 09:00 (New York time)"),
    ],
)
def test_each_placeholder_renders_its_value(ctx, name, expected):
    assert placeholders.render(f"[{{{{ {name} }}}}]", ctx) == f"[{expected}]"


@pytest.mark.django_db
def test_reference_and_link_render(ctx):
    assert placeholders.render("{{ticket.reference}}", ctx) == ctx.ticket.reference
    link = placeholders.render("{{ ticket.link }}", ctx)
    assert link == link_url(ctx.ticket).replace("_", "%5F")
    assert "_" not in link  # Markdown can't turn part of the link into emphasis


@pytest.mark.django_db
def test_the_link_still_opens_the_ticket(ctx, client, settings):
    settings.SITE_URL = ""
    link = placeholders.render("{{ ticket.link }}", ctx)
    assert client.get(link).status_code == 200


@pytest.mark.django_db
def test_no_promise_reads_in_plain_words(ctx):
    ctx = Context(ticket=ctx.ticket, agent_first_name="Alice", promise_due=None, now=NOW)
    assert placeholders.render("by {{ promise.due }}", ctx) == "by as soon as we can"


@pytest.mark.django_db
def test_whitespace_inside_braces_is_optional(ctx):
    assert placeholders.render("{{customer.first_name}}/{{   customer.first_name   }}", ctx) == "Grace/Grace"


@pytest.mark.django_db
def test_values_are_escaped_as_markdown(ctx):
    ctx.ticket.customer.name = "[x](javascript:alert(1)) *bold* `code` <script>alert(1)</script>"
    text = placeholders.render("Hi {{ customer.name }}", ctx)
    assert text == r"Hi \[x\](javascript:alert(1)) \*bold\* \`code\` <script>alert(1)</script>"
    html = str(render_user_text(text))
    assert "<a" not in html and "<em>" not in html and "<code>" not in html and "<script" not in html
    assert "&lt;script&gt;" in html
    assert "[x](javascript:alert(1))" in html


@pytest.mark.django_db
def test_a_value_is_never_parsed_again(ctx):
    ctx.ticket.subject = "{{ agent.first_name }} {{ nope }}"
    assert placeholders.render("{{ ticket.subject }}", ctx) == r"{{ agent.first\_name }} {{ nope }}"


@pytest.mark.django_db
def test_newlines_in_a_value_cannot_start_new_markdown_blocks(ctx):
    ctx.ticket.subject = "first\n# heading\n\n> quote"
    assert placeholders.render("{{ ticket.subject }}", ctx) == "first # heading > quote"


def _article(slug: str, **fields):
    from django.utils import timezone

    from knowledgebase.models import Article, Category

    category, _ = Category.objects.get_or_create(slug="billing-help", defaults={"name": "Billing help"})
    now = timezone.now()
    fields.setdefault("status", Article.Status.PUBLISHED)
    return Article.objects.create(
        category=category, slug=slug, body="...", created_at=now, updated_at=now, **{"title": slug, **fields}
    )


@pytest.mark.django_db
def test_kb_link_renders_a_public_article_and_refuses_a_missing_one(ctx, settings):
    settings.SITE_URL = "https://desk.example"
    _article("refunds", title="Refunds [how]")
    assert placeholders.render("See {{ kb:refunds }}", ctx) == (
        r"See [Refunds \[how\]](https://desk.example/kb/a/refunds/)"
    )
    placeholders.validate("{{ kb:refunds }}")
    with pytest.raises(ValidationError, match="no knowledge-base article with slug “missing”"):
        placeholders.validate("{{ kb:missing }}")


@pytest.mark.django_db
def test_kb_drafts_and_internal_articles_are_never_linked_for_customers(ctx):
    from knowledgebase.models import Article

    _article("draft-one", status=Article.Status.DRAFT)
    _article("agents-only", visibility=Article.Visibility.INTERNAL)
    for slug in ("draft-one", "agents-only"):
        with pytest.raises(ValidationError, match="no knowledge-base article"):
            placeholders.validate(f"{{{{ kb:{slug} }}}}")
        assert placeholders.render(f"{{{{ kb:{slug} }}}}", ctx) == slug


@pytest.mark.django_db
def test_kb_slug_is_plain_text_while_the_knowledge_base_has_no_article_model(ctx):
    with mock.patch.object(placeholders, "_article_model", return_value=None):
        placeholders.validate("{{ kb:refunds }}")
        assert placeholders.render("See {{ kb:refunds }}", ctx) == "See refunds"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hi {{ customer.email }}", "“{{ customer.email }}” is not a placeholder we know"),
        ("Hi {{ customer.first_name }", "is never closed"),
        ("Hi customer.first_name }}", "without its opening"),
        ("Hi {{ ticket.__class__ }}", "is not a placeholder"),
        ("Hi {{ ticket.customer.email }}", "is not a placeholder"),
        ("{% if x %}{{ x }}{% endif %}", "is not a placeholder"),
        ("{{ {{ customer.name }} }}", "is not a placeholder"),
        ("{{ kb:Bad Slug }}", "is not a placeholder"),
        ("{{}}", "is not a placeholder"),
    ],
)
def test_unknown_or_broken_placeholders_are_refused_with_the_valid_list(text, message):
    with pytest.raises(ValidationError) as caught:
        placeholders.validate(text)
    [error] = caught.value.messages
    assert message in error
    assert "Valid placeholders: {{ customer.first_name }}, {{ customer.name }}" in error
    assert "{{ kb:<slug> }}" in error


def test_single_braces_and_template_tags_are_just_text():
    assert placeholders.tokenize("{x} {% now %} {{ customer.name }}") == [
        Text("{x} {% now %} "),
        Placeholder("customer.name"),
    ]


def test_tokenizer_finds_kb_links():
    assert placeholders.tokenize("{{ kb:how-to-pay }}") == [KbLink("how-to-pay")]


FRAGMENTS = st.sampled_from(
    ["{{", "}}", "{", "}", " ", "customer.name", "ticket.link", "kb:", "a-b", "__class__", "\n", "{%", "%}", ".", "x"]
)
TEXT = st.one_of(st.text(max_size=80), st.lists(FRAGMENTS, max_size=20).map("".join))


class _Spy:
    """A ticket/customer stand-in: any attribute outside the allowed list fails the test."""

    def __init__(self, allowed: dict[str, object]) -> None:
        object.__setattr__(self, "_allowed", allowed)

    def __getattr__(self, name: str) -> object:
        allowed = object.__getattribute__(self, "_allowed")
        if name not in allowed:
            raise AssertionError(f"attribute {name!r} read outside the allowed list")
        return allowed[name]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_any_text_renders_or_is_refused_cleanly(text):
    customer = _Spy({"first_name": "Grace", "name": "Grace Hopper"})
    ticket = _Spy({"customer": customer, "subject": "Subject", "reference": "HD-1001"})
    ctx = Context(ticket=ticket, agent_first_name="Alice", promise_due=None, now=NOW)  # type: ignore[arg-type]
    try:
        tokens = placeholders.tokenize(text)
    except PlaceholderError:
        with pytest.raises(ValidationError):
            placeholders.validate(text)
        return
    with (
        mock.patch("django.template.Template", side_effect=AssertionError("a template engine ran")),
        mock.patch.object(placeholders, "_link", return_value="https://desk.example/t/"),
        mock.patch.object(placeholders, "_article_model", return_value=None),
    ):
        rendered = placeholders.render(text, ctx)
    for token in tokens:
        if isinstance(token, Placeholder):
            assert token.name in placeholders.PLACEHOLDERS
    # Text outside tokens passes through unchanged and holds no braces left to evaluate.
    literal = [t.text for t in tokens if isinstance(t, Text)]
    assert all("{{" not in part and "}}" not in part for part in literal)
    position = 0
    for part in literal:
        position = rendered.index(part, position) + len(part)
    if all(isinstance(t, Text) for t in tokens):
        assert rendered == text
