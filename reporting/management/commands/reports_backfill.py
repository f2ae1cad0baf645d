"""Rebuild every report roll-up from the raw rows (after installing, or to repair)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from reporting.services.rollup import rollup_backfill
from reporting.sources import SOURCES


class Command(BaseCommand):
    help = "Rebuild the reports' facts and daily roll-ups from tickets, promises and suggestions."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        for result in rollup_backfill(SOURCES):
            state = "skipped: another run holds it" if result.skipped else f"{result.days} day(s)"
            self.stdout.write(f"{result.source}: {state}")
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s")
