"""Build the search documents of tickets that have none (after an upgrade), or of all of them.

    manage.py search_index          # tickets without a document: resumes where a stopped run left off
    manage.py search_index --all    # every ticket, e.g. after changing TICKET_SEARCH_LANGUAGE

Runs while the desk is up: each batch of tickets commits on its own, so no transaction holds
locks for long; new tickets and messages keep their documents current meanwhile (docs/search.md).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from tickets.services.search_index import BATCH, search_backfill


class Command(BaseCommand):
    help = "Build the desk search's documents: of tickets without one, or of all (--all). PostgreSQL only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Rebuild every ticket's document.")
        parser.add_argument("--batch", type=int, default=BATCH, help=f"Tickets per transaction (default {BATCH}).")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: on SQLite the search reads the tickets themselves.")
            return
        started = time.perf_counter()

        def progress(done: int, last_id: int) -> None:
            if options["verbosity"] > 1 or done % (options["batch"] * 25) == 0:
                self.stdout.write(f"{done} tickets indexed (up to id {last_id}), {time.perf_counter() - started:.0f} s")

        done = search_backfill(everything=options["all"], batch=max(options["batch"], 1), progress=progress)
        self.stdout.write(f"{done} tickets indexed in {time.perf_counter() - started:.1f} s.")
