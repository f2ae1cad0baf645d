"""The OpenAPI document: valid, complete (a summary and an example per operation), served, and
strict enough that the response check every API test runs (tests/api/schema_check.py) can fail."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.api.schema_check import api_schema, response_schema
from tests.api.schema_check import check as schema_check

pytestmark = pytest.mark.django_db


def test_the_document_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_operation_has_a_summary_and_an_example():
    for path, item in api_schema()["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            bodies = [*operation.get("requestBody", {}).get("content", {}).values()]
            bodies += [c for r in operation["responses"].values() for c in r.get("content", {}).values()]
            assert any("examples" in body for body in bodies), f"{method} {path} has no example"


def test_the_document_and_its_page_are_served(api_anon):
    assert api_anon.get("/api/schema/").status_code == 200
    page = api_anon.get("/api/docs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<style" not in text and "<script>" not in text  # CSP: nothing inline
    assert "cdn" not in text.lower()
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_a_response_that_breaks_the_schema_fails_the_check(api_alice, ticket, monkeypatch):
    response = api_alice.get(f"/api/v1/tickets/{ticket.reference}/")
    assert response_schema("/api/v1/tickets/{reference}/", "GET", 200)
    response.content = b'{"reference": 1}'
    response.__dict__.pop("_json", None)  # the client caches the parsed body
    with pytest.raises(AssertionError, match="does not match the schema"):
        schema_check(response)
