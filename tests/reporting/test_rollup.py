"""The roll-up (reporting/services): every figure on the reports page equals a recount from the raw
rows of a seeded desk, in the desk's zone and in business hours, after a backfill and after the
worker's incremental runs."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection, transaction

from knowledgebase.models import DeflectionEvent
from reporting.days import day_of, day_span
from reporting.models import (
    DailyComplaint,
    DailyDeflection,
    DailyGesture,
    DailyPraise,
    DailySatisfaction,
    DailyTicketStats,
    RollupCursor,
    TicketFact,
)
from reporting.report import Figure, ReportContext, ReportQuery, Scope, report_scope
from reporting.sections import SECTIONS
from reporting.services.rollup import rollup_backfill, rollup_run
from reporting.sources import SOURCES
from satisfaction.models import Survey
from satisfaction.selectors import csat_figures
from tests.factories import TicketFactory
from tests.reporting import recount, recount_care
from tests.reporting.seed import NOW, ZONE, Seeded, seed
from tests.services import require_postgres
from tickets.models import ComplaintResolution, Gesture, Praise, Promise, RootCause, Ticket, TicketEvent
from tickets.selectors_care import gestures_summary, praise_by_agent, resolutions_by_root_cause
from tickets.services.resolutions import resolution_record

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.fixture
def seeded(desk, settings) -> Iterator[Seeded]:
    settings.TIME_ZONE = ZONE
    with time_machine.travel(NOW, tick=False):
        data = seed(desk)
        rollup_backfill(SOURCES)
        yield data


def figures(scope: Scope, query: ReportQuery) -> dict[str, Figure]:
    context = ReportContext(scope, query)
    return {figure.key: figure for section in SECTIONS for figure in section.figures(context)}


def assert_equals_recount(scope: Scope, query: ReportQuery) -> None:
    found = figures(scope, query)
    kinds, channels = list(Ticket.Kind.values), list(Ticket.Channel.values)
    assert found["volume-kind"].rows == recount.volume(scope, query, ZONE, "kind", kinds)
    assert found["volume-channel"].rows == recount.volume(scope, query, ZONE, "channel", channels)
    backlog = recount.backlog(scope, query, ZONE, TODAY)
    for row in found["backlog-age"].rows:
        counts = backlog.get(str(row[0]), {})
        assert row[1:] == [*(counts.get(kind, 0) for kind in kinds), sum(counts.values())], row
    for measure in ("first-response", "resolution"):
        assert found[f"times-{measure}"].rows == recount.times_rows(scope, query, ZONE, measure)
    by_queue = recount.promises(scope, query, ZONE, "queue")
    names = {queue.pk: queue.name for queue in scope.queues if query.queue_id in (None, queue.pk)}
    expected = [recount.promise_row(name, *by_queue.get(pk, (0, 0))) for pk, name in names.items()]
    assert found["promises-queue"].rows == expected
    by_agent = recount.promises(scope, query, ZONE, "agent")
    agent_rows = {str(row[0]): row for row in found["promises-agent"].rows}
    visible = {pk for pk in by_agent if pk is not None and (scope.all_agents or pk == scope.user.pk)}
    assert len(agent_rows) == len(visible)
    for pk in visible:
        user = scope.user.__class__.objects.get(pk=pk)
        assert agent_rows[user.get_full_name()] == recount.promise_row(user.get_full_name(), *by_agent[pk])
    assert found["deflection-kb"].rows == recount.deflection(query, ZONE)
    assert_care_equals_recount(found, scope, query)


def visible_names(scope: Scope, ids: object) -> dict[int, str]:
    users = scope.user.__class__.objects.filter(pk__in=[pk for pk in ids if pk is not None])  # type: ignore[attr-defined]
    return {u.pk: u.get_full_name() for u in users if scope.all_agents or u.pk == scope.user.pk}


def assert_care_equals_recount(found: dict[str, Figure], scope: Scope, query: ReportQuery) -> None:
    queues = {queue.pk: queue.name for queue in scope.queues if query.queue_id in (None, queue.pk)}
    by_queue = recount_care.csat(scope, query, ZONE, "queue")
    assert found["csat-queue"].rows == [
        recount_care.csat_row(n, by_queue.get(pk, Counter())) for pk, n in queues.items()
    ]
    by_kind = recount_care.csat(scope, query, ZONE, "kind")
    kinds = [(k, label) for k, label in Ticket.Kind.choices if query.kind in (None, k)]
    assert found["csat-kind"].rows == [recount_care.csat_row(label, by_kind.get(k, Counter())) for k, label in kinds]
    by_agent = recount_care.csat(scope, query, ZONE, "agent")
    names = visible_names(scope, by_agent)
    assert sorted(found["csat-agent"].rows) == sorted(recount_care.csat_row(names[pk], by_agent[pk]) for pk in names)
    assert found["complaints-causes"].rows == recount_care.causes(scope, query, ZONE)
    assert found["complaints-gestures"].rows == recount_care.gestures(scope, query, ZONE)
    praise = recount_care.praise(scope, query, ZONE)
    names = visible_names(scope, praise)
    assert sorted(found["praise-agent"].rows) == sorted([names[pk], praise[pk]] for pk in names)
    if scope.user.is_superuser and query == ReportQuery(query.start, query.end):
        assert_agrees_with_the_domain_selectors(found, query)


def assert_agrees_with_the_domain_selectors(found: dict[str, Figure], query: ReportQuery) -> None:
    """Over the desk's days, the figures the satisfaction and care apps give for the same period."""
    start, end = day_span(query.start, query.end)
    by_queue = csat_figures(start=start, end=end, by="queue")
    sent = sum(f.sent for f in by_queue.values())
    rated, good = sum(f.rated for f in by_queue.values()), sum(f.good for f in by_queue.values())
    assert found["csat-queue"].footer[1:4] == [sent, rated, good]
    assert found["complaints-causes"].rows == [list(r) for r in resolutions_by_root_cause(start=start, end=end)]
    summary = [[f.type_label, f.currency or "—", f.count] for f in gestures_summary(start=start, end=end)]
    assert sorted(row[:3] for row in found["complaints-gestures"].rows) == sorted(summary)
    assert found["praise-agent"].footer[1] == sum(praise_by_agent(start=start, end=end).values())


def test_the_seed_has_something_in_every_figure(seeded, desk):
    found = figures(report_scope(desk.admin), ReportQuery(*recount.last_days(30, TODAY)))
    for key in (
        "volume-kind",
        "times-first-response",
        "times-resolution",
        "promises-queue",
        "deflection-kb",
        "csat-queue",
        "csat-agent",
        "csat-kind",
        "complaints-causes",
        "complaints-gestures",
        "praise-agent",
    ):
        assert found[key].footer and any(isinstance(c, int) and c for c in found[key].footer[1:]), key
    assert found["backlog-age"].footer[-1] > 0


@pytest.mark.parametrize(
    ("who", "days", "filters"),
    [
        ("admin", 30, {}),
        ("admin", 7, {}),
        ("admin", 120, {}),  # week by week
        ("alice", 30, {}),
        ("bob", 30, {}),
        ("admin", 30, {"kind": "complaint"}),
        ("admin", 30, {"channel": "email"}),
        ("admin", 30, {"agent_id": "alice"}),
        ("admin", 30, {"queue_id": "queue_b"}),
    ],
)
def test_every_figure_equals_a_recount_from_the_raw_rows(seeded, desk, who, days, filters):
    user = {"admin": desk.admin, "alice": desk.agent_a, "bob": desk.agent_b}[who]
    if "agent_id" in filters:
        filters["agent_id"] = desk.agent_a.pk
    if "queue_id" in filters:
        filters["queue_id"] = desk.queue_b.pk
    query = ReportQuery(*recount.last_days(days, TODAY), **filters)
    assert_equals_recount(report_scope(user), query)


def test_days_are_the_desks_and_durations_are_business_time(seeded):
    friday = TicketFact.objects.get(ticket=seeded.friday_ticket)
    # Friday 16:00 to Monday 10:00 in London, open 9 to 17 on weekdays: one hour each side.
    assert friday.first_response_seconds == 2 * 3600
    assert friday.first_response_day == date(2026, 3, 9)
    # 02:30 UTC on 10 March is 22:30 on 9 March in New York (after its clocks moved on the 8th).
    assert TicketFact.objects.get(ticket=seeded.late_evening).created_day == date(2026, 3, 9)
    # Its survey and praise, also at 02:30 UTC, count on 9 March too.
    place = {"queue": seeded.late_evening.queue, "kind": "complaint", "channel": "phone"}
    assert list(DailySatisfaction.objects.filter(**place).values_list("day", "sent", "rated", "good")) == [
        (date(2026, 3, 9), 1, 1, 1)
    ]
    assert list(DailyPraise.objects.filter(**place).values_list("day", "praise")) == [(date(2026, 3, 9), 1)]


def snapshot() -> list[tuple]:
    rows = DailyTicketStats.objects.order_by("day", "queue", "agent", "kind", "channel")
    fields = [f.name for f in DailyTicketStats._meta.get_fields() if f.name != "id"]
    deflection = DailyDeflection.objects.order_by("day").values_list("day", "shown", "opened", "not_submitted")
    care = []
    for model in (DailySatisfaction, DailyComplaint, DailyGesture, DailyPraise):
        columns = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        care.append(sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*columns)))
    return [*rows.values_list(*fields), *deflection, *care]


def test_the_worker_run_catches_up_with_changes_and_a_second_run_changes_nothing(seeded, desk):
    later = NOW + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        # Reassigned and solved (a ticket write: updated_at moves).
        moved = Ticket.objects.filter(status="new").first()
        Ticket.objects.filter(pk=moved.pk).update(
            assignee=desk.agent_b, status="resolved", resolved_at=later, updated_at=later
        )
        # Broken by the sweep: the history only, the ticket row untouched.
        pending = Promise.objects.filter(state="pending").first()
        Promise.objects.filter(pk=pending.pk).update(state="broken", settled_at=later)
        TicketEvent.objects.create(ticket_id=pending.ticket_id, kind="promise_broken", created_at=later)
        # A new ticket, and a form whose opened suggestion is now submitted after all.
        TicketFactory(queue=desk.queue_a, kind="info", channel="api", created_at=later)
        DeflectionEvent.objects.create(form_id="form-2", kind="submitted", created_at=later)
        # A survey sent days ago rated now, a gesture approved now, a resolution and praise recorded now.
        waiting = Survey.objects.filter(status="sent", rated_at__isnull=True).order_by("created_at").first()
        Survey.objects.filter(pk=waiting.pk).update(rating=waiting.scale, rated_at=later)
        assert Gesture.objects.filter(status="awaiting").update(
            status="promised", decided_by=desk.admin, decided_at=later
        )
        complaint = Ticket.objects.filter(kind="complaint", resolution__isnull=True).first()
        ComplaintResolution.objects.create(
            ticket=complaint, note="Late", root_cause=RootCause.objects.get(name="Wrong charge"), recorded_at=later
        )
        Praise.objects.create(ticket=complaint, text="Kind", agent=desk.agent_a, created_at=later)
        results = rollup_run(SOURCES)
        assert all(result.days for result in results)
        assert_equals_recount(report_scope(desk.admin), ReportQuery(*recount.last_days(30, TODAY)))
        assert_equals_recount(report_scope(desk.agent_a), ReportQuery(*recount.last_days(7, TODAY)))
        before = snapshot()
        rollup_run(SOURCES)
        assert snapshot() == before
        rollup_backfill(SOURCES)  # recounting every day from scratch finds what the deltas left
        assert snapshot() == before


def test_the_first_run_starts_from_now_and_leaves_history_to_the_backfill(desk, settings):
    settings.TIME_ZONE = ZONE
    with time_machine.travel(NOW, tick=False):
        TicketFactory(queue=desk.queue_a, created_at=NOW - timedelta(days=2))
        rollup_run(SOURCES)
        assert not DailyTicketStats.objects.exists()
        TicketFactory(queue=desk.queue_a, created_at=NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        rollup_run(SOURCES)
        assert list(DailyTicketStats.objects.values_list("day", "created")) == [(TODAY, 1)]


@pytest.mark.postgres
def test_a_second_worker_skips_a_source_another_run_holds(transactional_db, desk):
    """Two workers at once: the one that finds the cursor row locked skips, and does nothing twice."""
    require_postgres()
    rollup_run(SOURCES)  # the cursors exist
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                RollupCursor.objects.select_for_update().get(source="tickets")
                held.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert held.wait(10)
        results = {result.source: result for result in rollup_run(SOURCES)}
        assert results["tickets"].skipped and not results["deflection"].skipped
    finally:
        release.set()
        worker.join()
    assert not any(result.skipped for result in rollup_run(SOURCES))


def test_a_resolution_recorded_again_later_counts_once_on_its_first_day(desk, settings):
    settings.TIME_ZONE = ZONE
    complaint = TicketFactory(queue=desk.queue_a, kind="complaint", created_at=NOW - timedelta(days=3))
    charge = RootCause.objects.get_or_create(name="Wrong charge")[0]
    courier = RootCause.objects.get_or_create(name="Courier")[0]
    first_day = NOW - timedelta(days=2)
    with time_machine.travel(first_day, tick=False):
        resolution_record(ticket=complaint, agent=desk.agent_a, note="Charged twice.", root_cause_id=charge.pk)
    with time_machine.travel(NOW, tick=False):
        rollup_backfill(SOURCES)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):  # a closer look, a day later
        resolution_record(ticket=complaint, agent=desk.agent_a, note="The courier lost it.", root_cause_id=courier.pk)
    with time_machine.travel(NOW + timedelta(days=1, hours=1), tick=False):
        rollup_run(SOURCES)
    counted = DailyComplaint.objects.filter(resolved__gt=0).values_list("day", "root_cause__name", "resolved")
    assert list(counted) == [(day_of(first_day), "Courier", 1)]
