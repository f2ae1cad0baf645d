"""Time what customers and agents do one request at a time, on the desk ``manage.py bench`` seeded.

The public submission (the form's POST, as a customer sends it), the desk's ticket page and an
agent's public reply, each through the whole stack in this process (middleware, the view, the
services, the templates) with Django's test client, as the queue page's timing does. Prints JSON:
each path's p50 and p95 in milliseconds and its query counts.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings

from helpdesk.lib.bench import status_is, timed
from tickets.models import Queue, Ticket
from tickets.services.portal import ticket_submit


def OK(status: int) -> bool:
    return status == 200


def FOUND(status: int) -> bool:
    return status == 302


class Command(BaseCommand):
    help = "Time the public submission, the desk's ticket page and a staff reply (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
        agent = User.objects.filter(username="bench-agent").first()
        if agent is None:
            raise CommandError("Run manage.py bench first: it seeds the desk this one reads.")
        repeat = options["repeat"]
        desk, customer = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
        desk.force_login(agent)
        # The page is timed on a ticket the bench never answers, and each timed reply goes to a
        # ticket of its own: both keep the seed's shape however often the bench runs, so the
        # figures follow the desk's size, not the length of one conversation the bench made.
        tickets = _open_problems(agent, repeat + 2)
        page = f"/desk/t/{tickets[0].reference}/"
        answer = iter(tickets[1:])
        reply = {"visibility": "public", "body": "Thanks: the courier has it, we'll update you.", "next_update": "2bh"}

        def time(call: Callable[[], Any], status: int) -> dict[str, Any]:
            return timed(call, repeat, ok=status_is(status), warm_up=True)

        # The form's per-address limit would stop one address sending this many; a customer sends one.
        with override_settings(RATELIMIT_PUBLIC_FORM=(10**9, 3600)):
            result = {
                "tickets": Ticket.objects.count(),
                "public_submission": time(lambda: customer.post("/support/new/", _submission()), 302),
                "ticket_page": time(lambda: desk.get(page), 200),
                "staff_reply": time(lambda: desk.post(f"/desk/t/{next(answer).reference}/reply/", reply), 302),
            }
        self.stdout.write(json.dumps(result, indent=2))


def _open_problems(agent: User, count: int) -> list[Ticket]:
    """``count`` open problems of the seed in the bench's queues: the one to view, then the ones to
    answer (the oldest, so every run answers the same ones and views the same one). On a small desk
    the bench's bulk close may have closed them, so the missing ones are made (through the intake)
    and moved there."""
    open_problems = Ticket.objects.filter(queue__slug__startswith="bench-", kind=Ticket.Kind.PROBLEM).open()
    oldest = list(open_problems.order_by("pk")[:count])
    if len(oldest) == count:
        return [oldest[-1], *oldest[:-1]]
    tickets = oldest
    queue = Queue.objects.filter(slug__startswith="bench-", agents=agent).order_by("slug").first()
    if queue is None:
        raise CommandError("No benchmark desk: run manage.py bench first.")
    for _ in range(count - len(tickets)):
        made = ticket_submit(
            name="Bench Customer", email="bench-paths@example.com", kind=Ticket.Kind.PROBLEM,
            subject="Bench: a problem to answer", description="I ordered last week and nothing came.",
        ).ticket  # fmt: skip
        Ticket.objects.filter(pk=made.pk).update(queue=queue)
        tickets.append(Ticket.objects.get(pk=made.pk))
    return tickets


def _submission() -> dict[str, str]:
    key = uuid.uuid4().hex
    return {
        "name": "Bench Customer",
        "email": f"bench-new-{key[:12]}@example.com",
        "kind": "problem",
        "subject": "My parcel has not arrived",
        "description": "I ordered last week and nothing came. Could you check where it is?",
        "submission_key": key,
    }
