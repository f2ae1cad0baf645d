"""Examples for the OpenAPI document (every operation shows at least one)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

_QUEUE = {"id": 1, "name": "Billing", "slug": "billing"}
_CUSTOMER = {"id": 7, "name": "Dana Scully", "email": "dana@example.com"}
_AGENT = {"id": 3, "username": "alice", "name": "Alice Agent"}
_TICKET = {
    "reference": "HD-1042",
    "subject": "Invoice shows the wrong VAT number",
    "kind": "problem",
    "status": "open",
    "priority": 2,
    "channel": "api",
    "queue": _QUEUE,
    "customer": _CUSTOMER,
    "assignee": _AGENT,
    "tags": ["invoice"],
    "next_due_at": "2026-12-01T10:00:00Z",
    "created_at": "2026-11-30T09:12:00Z",
    "updated_at": "2026-11-30T09:40:00Z",
}
_PROMISE = {
    "id": 11,
    "kind": "first_response",
    "source": "policy",
    "state": "pending",
    "due_at": "2026-12-01T10:00:00Z",
    "created_at": "2026-11-30T09:12:00Z",
    "settled_at": None,
}
_MESSAGE = {
    "id": 301,
    "visibility": "public",
    "author_kind": "agent",
    "author_name": "Alice Agent",
    "body": "Thanks, Dana: we are correcting the invoice now.",
    "attachments": [],
    "created_at": "2026-11-30T09:40:00Z",
}

TICKET_PAGE = OpenApiExample(
    "A page",
    value={"next": "https://desk.example.com/api/v1/tickets/?cursor=k1764583200000000.-2.1042", "results": [_TICKET]},
    response_only=True,
)
TICKET_CREATE = OpenApiExample(
    "A ticket from the shop's contact form",
    value={
        "name": "Dana Scully",
        "email": "dana@example.com",
        "kind": "problem",
        "subject": "Invoice shows the wrong VAT number",
        "description": "Order 4821: the VAT number on the invoice is my old one.",
    },
    request_only=True,
)
TICKET_CREATED = OpenApiExample(
    "Created",
    value={"ticket": _TICKET, "promise": _PROMISE, "suggested_articles": [], "acknowledgement_queued": True},
    response_only=True,
    status_codes=["201"],
)
TICKET_DETAIL = OpenApiExample(
    "One ticket",
    value={
        **_TICKET,
        "first_response_at": "2026-11-30T09:40:00Z",
        "resolved_at": None,
        "closed_at": None,
        "promise": _PROMISE,
        "messages": [_MESSAGE],
        "notes": [],
        "events": [
            {
                "id": 90,
                "kind": "agent_replied",
                "actor_name": "Alice Agent",
                "old_value": "",
                "new_value": "",
                "via": "api",
                "via_label": "Shop website",
                "created_at": "2026-11-30T09:40:00Z",
            }
        ],
    },
    response_only=True,
)
TICKET_UPDATE = OpenApiExample("Take it and raise it", value={"assignee": 3, "priority": 3}, request_only=True)
REPLY = OpenApiExample(
    "A reply promising the next update",
    value={"body": "Thanks, Dana: we are correcting the invoice now.", "due_at": "2026-12-01T10:00:00Z"},
    request_only=True,
)
NOTE = OpenApiExample("A note", value={"body": "@bob can you check the VAT export?"}, request_only=True)
MESSAGE = OpenApiExample("The message written", value=_MESSAGE, response_only=True, status_codes=["201"])
TAGS = OpenApiExample("Tag and untag", value={"add": ["invoice", "vat"], "remove": ["triage"]}, request_only=True)
PROMISE_SET = OpenApiExample("Tomorrow at ten", value={"due_at": "2026-12-01T10:00:00Z"}, request_only=True)
PROMISE = OpenApiExample("The promise made", value=_PROMISE, response_only=True, status_codes=["201"])
CUSTOMER = OpenApiExample("A customer", value=_CUSTOMER, response_only=True)
CUSTOMER_PAGE = OpenApiExample(
    "A page", value={"next": None, "previous": None, "results": [_CUSTOMER]}, response_only=True
)
CUSTOMER_RENAME = OpenApiExample("Rename", value={"name": "Dana K. Scully"}, request_only=True)
QUEUES = OpenApiExample("Queues", value=[{**_QUEUE, "description": "Invoices and refunds"}], response_only=True)
AGENTS = OpenApiExample("Agents", value=[_AGENT], response_only=True)
TICKET_LIST = OpenApiExample("Tickets", value=[_TICKET], response_only=True)
ARTICLE = {
    "slug": "reset-your-password",
    "title": "Reset your password",
    "summary": "Two minutes, from the sign-in page.",
    "category": "Accounts",
    "published_at": "2026-10-02T08:00:00Z",
    "updated_at": "2026-10-02T08:00:00Z",
}
ARTICLE_PAGE = OpenApiExample(
    "Articles", value={"next": None, "previous": None, "results": [ARTICLE]}, response_only=True
)
ARTICLE_DETAIL = OpenApiExample(
    "An article", value={**ARTICLE, "body": "1. Open the sign-in page.\n2. ..."}, response_only=True
)
PROMISES = OpenApiExample("Promises", value=[_PROMISE], response_only=True)
FILE = OpenApiExample(
    "The file's bytes",
    value="(the file as it was uploaded, e.g. a PNG screenshot)",
    response_only=True,
    status_codes=["200"],
    media_type="application/octet-stream",
)
