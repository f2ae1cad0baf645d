"""Every API response a test receives is checked against the OpenAPI document the API publishes.

``SchemaCheckedClient`` validates each JSON response whose status the document describes for
that operation (drf-spectacular's generated schema, OpenAPI 3.1, so JSON Schema 2020-12 reads it
as is). A response the document doesn't describe (401, 404, 429, ...) must still be a JSON object.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache
from typing import Any

from django.urls import Resolver404
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient
from rest_framework.utils.encoders import JSONEncoder

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


_generating = threading.Lock()


def api_schema() -> dict[str, Any]:
    """The document, generated once per process. Locked: drf-spectacular's first generation is not
    thread-safe, and the concurrency tests' threads may be the first to ask."""
    with _generating:
        return _api_schema()


@cache
def _api_schema() -> dict[str, Any]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(schema, cls=JSONEncoder))


def response_schema(path: str, method: str, status: int) -> dict[str, Any] | None:
    document = api_schema()
    operation = document["paths"].get(path, {}).get(method.lower())
    assert operation is not None, f"{method} {path} is not in the OpenAPI document"
    described = operation["responses"].get(str(status))
    if described is None:
        return None
    return described.get("content", {}).get("application/json", {}).get("schema", {})


def check(response: Any) -> None:
    try:
        match = response.resolver_match
    except Resolver404:
        return
    if match is None or not match.route.startswith("api/v1/"):
        return
    path = ("/" + _PARAM.sub(r"{\1}", match.route)).replace("{pk}", "{id}")  # drf-spectacular names pk "id"
    schema = response_schema(path, response.request["REQUEST_METHOD"], response.status_code)
    if response.status_code in (204, 304):
        assert not response.content
        return
    if getattr(response, "streaming", False):  # a file: documented as binary, read by the test itself
        operation = api_schema()["paths"][path][response.request["REQUEST_METHOD"].lower()]
        assert "application/octet-stream" in operation["responses"][str(response.status_code)]["content"]
        return
    body = response.json()
    if schema is None:
        assert isinstance(body, dict), f"{response.status_code} without a JSON object: {body!r}"
        return
    validator = Draft202012Validator({**schema, "components": api_schema()["components"]})
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, f"{path} {response.status_code} does not match the schema: {errors[0]}"


class SchemaCheckedClient(APIClient):
    def request(self, **kwargs: Any) -> Any:
        response = super().request(**kwargs)
        check(response)
        return response
