"""Who may call what: every endpoint for each persona (tests/conftest.py's desk, with tokens).

Anonymous: 401 (the public knowledge base excepted); a revoked or an expired token: 401, the same
body as an unknown one; a read-only token writing: 403; Bob (queue B) asking for Alice's ticket
(queue A): 404, as if it didn't exist; Alice and the admin: served.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from canned_responses.models import CannedResponse
from tests.e2e.helpers import PNG_BYTES
from tests.factories import TicketFactory
from tickets.services import agent_reply_post

pytestmark = pytest.mark.django_db

# (method, path, body); {ref} is a ticket in queue A, {customer} its customer, {canned} a shared response.
READS = [
    ("get", "/api/v1/tickets/", None),
    ("get", "/api/v1/tickets/{ref}/", None),
    ("get", "/api/v1/tickets/{ref}/promise/", None),
    ("get", "/api/v1/tickets/{ref}/attachments/{file}/", None),
    ("get", "/api/v1/customers/", None),
    ("get", "/api/v1/customers/{customer}/", None),
    ("get", "/api/v1/customers/{customer}/tickets/", None),
    ("get", "/api/v1/queues/", None),
    ("get", "/api/v1/agents/", None),
    ("get", "/api/v1/canned-responses/", None),
    ("post", "/api/v1/canned-responses/{canned}/render/", {"ticket": "{ref}"}),
    ("get", "/api/v1/sla-policies/", None),
    ("get", "/api/v1/calendars/", None),
    ("get", "/api/v1/notices/", None),
]
WRITES = [
    (
        "post",
        "/api/v1/tickets/",
        {"name": "Dana", "email": "dana@example.com", "kind": "problem", "subject": "S", "description": "D"},
    ),
    ("patch", "/api/v1/tickets/{ref}/", {"priority": 3}),
    ("post", "/api/v1/tickets/{ref}/replies/", {"body": "Thanks, on it."}),
    ("post", "/api/v1/tickets/{ref}/notes/", {"body": "Checked the logs."}),
    ("post", "/api/v1/tickets/{ref}/tags/", {"add": ["vip"]}),
    ("post", "/api/v1/tickets/{ref}/promise/", {"due_at": "{tomorrow}"}),
    ("patch", "/api/v1/customers/{customer}/", {"name": "Dana K."}),
]
# Endpoints about one ticket (or its customer, or rendering against it): 404 for an agent of another queue.
SCOPED = [e for e in READS + WRITES if "{ref}" in e[1] or "{customer}" in e[1] or "{ref}" in str(e[2])]


@pytest.fixture
def place(ticket, desk):
    canned = CannedResponse.objects.create(title="Thanks", body="Thank you!")
    upload = SimpleUploadedFile("screen.png", PNG_BYTES, content_type="image/png")
    agent_reply_post(ticket=ticket, agent=desk.agent_a, body="The screenshot.", files=[upload])
    file = ticket.attachments.get()

    def fill(method: str, path: str, body: dict | None) -> tuple[str, dict | None]:
        tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
        names = {
            "ref": ticket.reference,
            "customer": ticket.customer_id,
            "canned": canned.pk,
            "file": file.pk,
            "tomorrow": tomorrow,
        }
        filled = {k: (v.format(**names) if isinstance(v, str) else v) for k, v in (body or {}).items()}
        return path.format(**names), (filled if body is not None else None)

    return fill


def call(client, method, path, body):
    return getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)


@pytest.mark.parametrize(("method", "path", "body"), READS + WRITES)
def test_anonymous_is_asked_to_authenticate(api_anon, place, method, path, body):
    response = call(api_anon, method, *place(method, path, body))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(("method", "path", "body"), READS + WRITES)
@pytest.mark.parametrize("persona", ["api_revoked", "api_expired"])
def test_a_dead_token_gets_401_without_saying_why(request, place, persona, method, path, body):
    response = call(request.getfixturevalue(persona), method, *place(method, path, body))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or expired token."}


def test_an_unknown_token_reads_like_a_dead_one(api_anon, place):
    api_anon.credentials(HTTP_AUTHORIZATION="Bearer hd_00000000_nothing")
    response = api_anon.get("/api/v1/tickets/")
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid or expired token."})


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_read_only_token_cannot_write(api_alice_read, place, method, path, body):
    response = call(api_alice_read, method, *place(method, path, body))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path", "body"), READS)
def test_a_read_only_token_reads(api_alice_read, place, method, path, body):
    assert call(api_alice_read, method, *place(method, path, body)).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), SCOPED)
def test_another_queues_agent_gets_404(api_bob, place, method, path, body):
    response = call(api_bob, method, *place(method, path, body))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "path", "body"), READS + WRITES)
@pytest.mark.parametrize("persona", ["api_alice", "api_admin"])
def test_the_queues_agent_and_the_admin_are_served(request, place, persona, method, path, body):
    response = call(request.getfixturevalue(persona), method, *place(method, path, body))
    assert response.status_code in (200, 201), response.content


def test_lists_show_only_the_agents_queues(api_bob, api_admin, ticket, desk):
    theirs = TicketFactory(queue=desk.queue_b)
    seen = [t["reference"] for t in api_bob.get("/api/v1/tickets/?status=all").json()["results"]]
    assert seen == [theirs.reference]
    customers = [c["id"] for c in api_bob.get("/api/v1/customers/").json()["results"]]
    assert customers == [theirs.customer_id]
    everything = {t["reference"] for t in api_admin.get("/api/v1/tickets/?status=all").json()["results"]}
    assert everything == {ticket.reference, theirs.reference}


def test_public_knowledge_base_needs_no_token(api_anon):
    assert api_anon.get("/api/v1/kb/articles/").status_code == 200
    assert api_anon.get("/api/v1/kb/articles/no-such-article/").status_code == 404
