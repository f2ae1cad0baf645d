"""The roll-up sources the worker keeps up to date, in the order they run (docs/reports.md)."""

from __future__ import annotations

from reporting.services.care_sources import COMPLAINTS, GESTURES, PRAISE
from reporting.services.deflection_source import DEFLECTION
from reporting.services.rollup import RollupSource
from reporting.services.satisfaction_source import SATISFACTION
from reporting.services.tickets_source import TICKETS

SOURCES: list[RollupSource] = [TICKETS, DEFLECTION, SATISFACTION, COMPLAINTS, GESTURES, PRAISE]
