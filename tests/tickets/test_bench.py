"""``manage.py bench``, ``api_bench``, ``bench_paths`` and ``reports_bench`` at a tiny size: the SQL
seeding keeps up with the models (a NOT NULL column added without a default breaks it) and every
figure reported is there.
Needs PostgreSQL."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.services import require_postgres
from tickets.models import BulkJob, Message, Ticket

pytestmark = pytest.mark.postgres


def test_the_benchmark_runs_end_to_end_at_a_tiny_size(transactional_db, settings):
    require_postgres()
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    out = StringIO()
    call_command(
        "bench", tickets=600, repeat=2, bulk=40, search_repeat=1, burst=30, drain=20, stdout=out, stderr=StringIO()
    )
    result = json.loads(out.getvalue())
    assert result["tickets"] >= 600 and result["messages"] == 3 * result["tickets"]
    assert result["view_counts"]["views"] == 10 and result["view_counts"]["queries"] == 10
    assert result["bulk_close"]["changed"] == 40 and result["bulk_close"]["skipped"] == 0
    job = BulkJob.objects.get(action="close")
    closed = Ticket.objects.filter(pk__in=job.items.values("ticket_id"), status="closed")
    assert job.state == "done" and closed.count() == 40
    assert result["search_page"]["queries"] and result["queue_page"]["queries"]
    sweep = result["sweep"]  # ten sweeps, two minutes apart: the first finds the earliest due
    assert sweep["due_per_sweep"]["first"] > 0 and sweep["queries"] and sweep["p50_ms"] <= sweep["max_ms"]
    burst = result["sweep_burst"]
    # 30 breaches: 24 assigned (the assignee and the lead), 6 not (two agents on duty and the lead).
    assert (burst["breaches"], burst["left_due"], burst["notices"]) == (30, 0, 24 * 2 + 6 * 3)
    assert 0 < burst["emails"] <= 6  # one digest per person
    drain = result["outbox_drain"]
    assert drain["sent"] == 20 and drain["emails_per_second"]

    # The API's part (api/management/commands/api_bench.py) reads the desk just seeded.
    out = StringIO()
    call_command("api_bench", repeat=2, stdout=out)
    api = json.loads(out.getvalue())
    assert api["create"]["acknowledgements_queued"] == 2  # one per ticket made, queued not sent
    assert len(api["list_first_page"]["queries"]) == 1 and len(api["list_deep_page"]["queries"]) == 1

    # One request at a time (tickets/management/commands/bench_paths.py): each answers as it should.
    out = StringIO()
    call_command("bench_paths", repeat=2, stdout=out)
    paths = json.loads(out.getvalue())
    assert Ticket.objects.filter(subject="My parcel has not arrived").count() == 3  # warm-up and two timed
    # Each reply went to a ticket of its own, none to the page's: no conversation grows run by run.
    replies = Message.objects.filter(body="Thanks: the courier has it, we'll update you.")
    assert replies.count() == 3 and replies.values("ticket_id").distinct().count() == 3
    for name in ("public_submission", "ticket_page", "staff_reply"):
        assert len(paths[name]["queries"]) == 1, name  # the same count each time
    # A small desk whose open problems the bulk close took: one is made to answer.
    Ticket.objects.filter(kind="problem").update(status="closed")
    call_command("bench_paths", repeat=1, stdout=StringIO())
    assert Ticket.objects.filter(subject="Bench: a problem to answer", queue__slug__startswith="bench-").exists()

    # The reports' part (reporting/management/commands/reports_bench.py): backfill, a day of changes, the page.
    out = StringIO()
    call_command("reports_bench", repeat=2, days=90, stdout=out)
    reports = json.loads(out.getvalue())
    assert reports["backfill"]["days"]["tickets"] > 300  # a year of seeded tickets
    assert (
        reports["rollup_one_day"]["changes"]["new_tickets"] >= 1
        and reports["rollup_one_day"]["days_touched"]["tickets"]
    )
    assert reports["page_admin"]["queries"] == reports["page_agent"]["queries"]


def test_the_benchmark_refuses_a_database_that_is_not_for_it(db):
    require_postgres()
    saved = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = "helpdesk"
    try:
        with pytest.raises(CommandError, match="contains 'bench'"):
            call_command("bench", tickets=10)
    finally:
        connection.settings_dict["NAME"] = saved
