"""Article bodies are Markdown through the one sanitiser: dangerous input is inert, structure kept."""

from __future__ import annotations

import pytest

from tests.portal.test_page_portal_new import Tags

pytestmark = pytest.mark.django_db

EVIL = """## Heading

<script>alert(1)</script>
<img src=x onerror="alert(1)">
<a href="https://example.com" onclick="alert(1)">raw link</a>

- one
- two

1. first

`inline code`

```
block code
```

[js](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.com/ok)

![logo](https://example.com/logo.png)
"""


def test_article_body_is_rendered_inert_but_keeps_its_structure(client, make_article):
    article = make_article("Safe", body=EVIL)
    page = client.get(f"/kb/a/{article.slug}/").content.decode()
    body = page.split('class="kb-body">', 1)[1].split("</article>", 1)[0]
    tags = Tags(body).tags
    names = {name for name, _ in tags}
    assert {"h2", "ul", "ol", "li", "code", "pre", "a", "img"} <= names
    assert "script" not in names
    for _, attrs in tags:
        assert not any(key.startswith("on") for key in attrs)
        assert not attrs.get("href", "").startswith(("javascript:", "data:"))
        assert not attrs.get("src", "").startswith(("javascript:", "data:"))
    hrefs = [attrs.get("href") for name, attrs in tags if name == "a"]
    assert "https://example.com/ok" in hrefs
    assert ("img", {"src": "https://example.com/logo.png", "alt": "logo"}) in tags
    assert "&lt;script&gt;" in body  # raw HTML shows as text
