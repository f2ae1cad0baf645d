"""A read replica for the reports page (REPORTS_DATABASE_URL): the page's and the CSVs' reads of the
roll-ups go to it; the worker's roll-up and everything else stay on the primary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from reporting import replica
from reporting.models import DailyTicketStats
from reporting.replica import ReportsReplicaRouter, replica_reads
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str | None]]]:
    """A ``reports`` database that is the primary's own connection (as Django's test mirrors are),
    and a record of where each read was routed."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    connections.settings[replica.ALIAS] = connections.settings["default"]
    connections[replica.ALIAS] = connections["default"]
    routed: list[tuple[str, str | None]] = []
    original = ReportsReplicaRouter.db_for_read

    def recording(self: Any, model: Any, **hints: Any) -> str | None:
        alias = original(self, model, **hints)
        routed.append((model._meta.label, alias))
        return alias

    monkeypatch.setattr(ReportsReplicaRouter, "db_for_read", recording)
    yield routed
    del connections[replica.ALIAS]
    del connections.settings[replica.ALIAS]


def test_only_the_roll_ups_and_only_inside_the_page_read_the_replica(replica_configured):
    with replica_reads():
        assert DailyTicketStats.objects.all().db == "reports"
        assert Ticket.objects.all().db == "default"
    assert DailyTicketStats.objects.all().db == "default"  # the worker's roll-up: the primary


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads():
        assert DailyTicketStats.objects.all().db == "default"


def test_the_reports_page_and_its_csv_read_the_roll_ups_from_the_replica(replica_configured, alice):
    assert alice.get("/desk/reports/").status_code == 200
    assert alice.get("/desk/reports/volume-kind.csv").status_code == 200
    roll_ups = {alias for label, alias in replica_configured if label.startswith("reporting.")}
    others = {alias for label, alias in replica_configured if not label.startswith("reporting.")}
    assert roll_ups == {"reports"} and others <= {None}


def test_a_replica_is_never_migrated():
    assert ReportsReplicaRouter().allow_migrate("reports", "reporting") is False
    assert ReportsReplicaRouter().allow_migrate("default", "reporting") is None
