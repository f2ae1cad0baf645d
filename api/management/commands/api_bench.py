"""Time the REST API on the desk ``manage.py bench`` seeded (PostgreSQL): the ticket list's first
page, a page deep in its cursor, one ticket, and a create on behalf of a customer. Prints JSON.

Run after ``manage.py bench`` (``make bench`` does): it reuses that desk's agent and tickets. Each
call goes through the whole stack in this process (middleware, token authentication, throttles,
the view, the serializer) with Django's test client, as the queue page's timing does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client

from api.models import ApiToken
from api.services import token_create
from helpdesk.lib.bench import timed
from tickets.models import OutboundEmail, Ticket

DEEP_PAGES = 200  # pages followed to reach "deep in the cursor" (10,000 tickets at 50 a page)


def _timed(call: Callable[[], Any], repeat: int) -> dict[str, Any]:
    return timed(call, repeat, ok=lambda status: status < 300)


class Command(BaseCommand):
    help = "Time the REST API's ticket list (first and deep pages), one ticket and a create (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
        agent = User.objects.filter(username="bench-agent").first()
        if agent is None:
            raise CommandError("Run manage.py bench first: it seeds the desk this one reads.")
        ApiToken.objects.filter(owner=agent, name="api bench").delete()
        secret = token_create(owner=agent, name="api bench", scope="write").secret
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
        repeat = options["repeat"]

        first = "/api/v1/tickets/?status=all&sort=-updated"
        url = first
        for _ in range(DEEP_PAGES):  # walk the cursor: each page's "next"
            url = client.get(url).json()["next"] or url
        deep = url
        ticket = Ticket.objects.filter(queue__slug__startswith="bench-").order_by("-pk").first()
        if ticket is None:
            raise CommandError("Run manage.py bench first: it seeds the desk this one reads.")

        def create() -> Any:
            return client.post(
                "/api/v1/tickets/",
                {
                    "name": "Bench Customer",
                    "email": f"api-bench-{uuid.uuid4().hex[:12]}@example.com",
                    "kind": "problem",
                    "subject": "The printer prints blank pages",
                    "description": "Since this morning every page comes out blank.",
                },
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            )

        emails_before = OutboundEmail.objects.count()
        result = {
            "list_first_page": _timed(lambda: client.get(first), repeat),
            "list_deep_page": {**_timed(lambda: client.get(deep), repeat), "pages_in": DEEP_PAGES},
            "ticket": _timed(lambda: client.get(f"/api/v1/tickets/{ticket.reference}/"), repeat),
            "create": _timed(create, repeat),
        }
        result["create"]["acknowledgements_queued"] = OutboundEmail.objects.count() - emails_before
        ApiToken.objects.filter(owner=agent, name="api bench").delete()
        self.stdout.write(json.dumps(result, indent=2))
