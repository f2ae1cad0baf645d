from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest

from helpdesk.lib.sanitize import render_user_text


class Tags(HTMLParser):
    """The real elements and attributes in a piece of HTML (escaped text is not a tag)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        '<img src=x onerror="alert(1)">',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_dangerous_input_is_inert(text):
    tags = Tags(render_user_text(text)).tags
    names = {name for name, _ in tags}
    assert not names & {"script", "iframe", "object", "embed", "style"}
    for _, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")]
        for attr in ("href", "src"):
            assert not (attrs.get(attr) or "").strip().lower().startswith(("javascript:", "data:"))


def test_markdown_structure_survives():
    html = render_user_text("# Title\n\n- one\n- two\n\n`code` and [link](https://example.com)")
    assert "<h1>Title</h1>" in html
    assert "<li>one</li>" in html
    assert "<code>code</code>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_typed_angle_brackets_show_as_text():
    assert "&lt;b&gt;bold?&lt;/b&gt;" in render_user_text("<b>bold?</b>")


def test_code_keeps_its_characters_escaped_once():
    html = render_user_text("Run `a < b && c > d`\n\n```\nif x < 3 and y > 2:\n```")
    assert "<code>a &lt; b &amp;&amp; c &gt; d</code>" in html
    assert "if x &lt; 3 and y &gt; 2:" in html
    assert "&amp;lt;" not in html and "&amp;gt;" not in html


def test_known_mentions_are_highlighted_and_only_they():
    html = render_user_text("@bob and @Carl, not @zed, ann@bob.example or `@bob`", mentions={"bob", "carl"})
    spans = [attrs for name, attrs in Tags(html).tags if name == "span"]
    assert spans == [{"class": "mention"}, {"class": "mention"}]
    assert '<span class="mention">@bob</span> and <span class="mention">@Carl</span>, not @zed' in html
    assert "ann@bob.example" in html and "<code>@bob</code>" in html


@pytest.mark.parametrize(
    "text",
    [
        '<span class="mention" onclick="alert(1)">@bob</span>',
        '[@bob](javascript:alert(1)) <span style="x">@bob</span>',
        "@bob<script>alert(1)</script>",
    ],
)
def test_a_typed_span_is_text_and_a_mention_brings_nothing_else(text):
    tags = Tags(render_user_text(text, mentions={"bob"})).tags
    assert {name for name, _ in tags} <= {"p", "span", "a"}
    for name, attrs in tags:
        assert not [a for a in attrs if a.startswith(("on", "style"))]
        if name == "span":
            assert attrs == {"class": "mention"}


def test_without_mentions_no_span_is_made():
    assert "<span" not in render_user_text("@bob")


def test_one_text_leaves_nothing_behind_for_the_next():
    """The converter is reused: a link reference or a mention list of one text is not the next one's."""
    first = render_user_text("See [the guide][g].\n\n[g]: https://example.com/guide")
    assert '<a href="https://example.com/guide"' in first
    assert "[the guide]" in render_user_text("See [the guide][g].")  # no reference here: stays text
    assert '<span class="mention">@bob</span>' in render_user_text("@bob", mentions={"bob"})
    assert '<span class="mention">' not in render_user_text("@bob", mentions={"carl"})


def test_each_thread_converts_on_its_own():
    texts = [f"**{n}** and [link {n}][r]\n\n[r]: https://example.com/{n}" for n in range(40)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render_user_text, texts * 5))
    for n, html in enumerate(results):
        n %= 40
        assert f"<strong>{n}</strong>" in html and f'href="https://example.com/{n}"' in html
