"""The reports page at /desk/reports/: who sees what, the range and filters, the charts with their
tables, the CSV downloads and the query count."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from reporting.services.rollup import rollup_backfill
from reporting.sources import SOURCES
from tests.factories import QueueFactory, TicketFactory, UserFactory
from tests.reporting.seed import NOW, ZONE, care_for, seed
from tickets.models import ComplaintResolution, RootCause

URL = "/desk/reports/"
# session, user, unread notices, the viewer's queues, the agents for the filter, the day rows,
# the agents' names, the backlog, the suggestions; the ratings and their agents' names, the root
# causes, the gestures, the praise and its agents' names.
REPORT_QUERIES = 16

CARE_FIGURES = ("csat-queue", "csat-agent", "csat-kind", "complaints-causes", "complaints-gestures", "praise-agent")

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(desk, settings) -> Iterator[None]:
    settings.TIME_ZONE = ZONE
    with time_machine.travel(NOW, tick=False):
        seed(desk)
        rollup_backfill(SOURCES)
        yield


def page(client: Client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def text(cell: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def table(content: str, figure: str) -> list[list[str]]:
    """The rows (header, body, total) of the table behind ``figure``."""
    found = re.search(rf'<table[^>]*data-figure="{figure}"[^>]*>(.*?)</table>', content, re.S)
    assert found, f"no table for {figure}"
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    return [[text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def row(content: str, figure: str, header: str) -> list[str]:
    return next(r[1:] for r in table(content, figure) if r and r[0] == header)


def download(client: Client, figure: str, **params) -> list[list[str]]:
    response = client.get(f"/desk/reports/{figure}.csv", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{figure}_')
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_anonymous_is_sent_to_login(stranger):
    response = stranger.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=/desk/reports/")


def test_a_signed_in_non_agent_finds_nothing(desk):
    client = Client()
    client.force_login(UserFactory(username="carol", is_staff=False))
    assert client.get(URL).status_code == 404
    assert client.get("/desk/reports/volume-kind.csv").status_code == 404


def test_every_figure_has_a_chart_its_table_and_a_csv_link(alice, seeded):
    content = page(alice)
    for figure in (
        "volume-kind",
        "volume-channel",
        "backlog-age",
        "times-first-response",
        "times-resolution",
        "promises-queue",
        "promises-agent",
        "deflection-kb",
        *CARE_FIGURES,
    ):
        assert f'data-figure="{figure}"' in content
        assert f'href="/desk/reports/{figure}.csv?' in content
    assert content.count('<svg class="report-chart"') == 8 + len(CARE_FIGURES)
    assert 'role="img" aria-labelledby="chart-volume-kind-title" aria-describedby="chart-volume-kind-desc"' in content


def test_alice_sees_her_queue_and_her_own_figures_only(alice, bob, seeded, desk):
    content = page(alice)
    assert [r[0] for r in table(content, "promises-queue")[1:-1]] == ["Billing"]
    assert [r[0] for r in table(content, "promises-agent")[1:-1]] == ["Alice Agent"]
    for figure in ("csat-agent", "praise-agent"):
        assert [r[0] for r in table(content, figure)[1:-1]] == ["Alice Agent"], figure
    assert [r[0] for r in table(content, "csat-queue")[1:-1]] == ["Billing"]
    assert "Technical" not in content and "Bob Builder" not in content
    assert [r[0] for r in table(page(bob), "promises-queue")[1:-1]] == ["Technical"]


def test_a_team_lead_sees_everyones_figures_in_their_queues(alice, seeded, desk):
    desk.queue_a.team_lead = desk.agent_a
    desk.queue_a.save()
    content = page(alice)
    assert [r[0] for r in table(content, "promises-agent")[1:-1]] == ["Alice Agent", "Bob Builder"]
    assert [r[0] for r in table(content, "praise-agent")[1:-1]] == ["Alice Agent", "Bob Builder"]
    assert "Technical" not in content


def test_an_admin_sees_every_queue(admin_client_, seeded):
    names = [r[0] for r in table(page(admin_client_), "times-first-response")[1:-1]]
    assert {"Billing", "Technical"} <= set(names)


def test_the_range_and_filters(admin_client_, seeded, desk):
    week = page(admin_client_, start="2026-03-04", end="2026-03-10")
    assert [r[0] for r in table(week, "volume-kind")[1:-1]] == [f"2026-03-{d:02}" for d in range(4, 11)]
    assert 'aria-current="page">Last 7 days' in week
    complaints = page(admin_client_, start="2026-03-04", end="2026-03-10", kind="complaint")
    header, *_, total = table(complaints, "volume-kind")
    assert header[1:4] == ["Info request", "Problem", "Complaint"]
    assert total[1] == total[2] == "0" and int(total[3]) > 0
    technical = page(admin_client_, queue=desk.queue_b.pk)
    assert [r[0] for r in table(technical, "promises-queue")[1:-1]] == ["Technical"]
    weeks = page(admin_client_, start="2025-11-01", end="2026-03-10")
    assert table(weeks, "volume-kind")[0][0] == "Week of"


def test_a_wrong_range_is_shown_beside_its_field(admin_client_, seeded):
    content = page(admin_client_, start="2026-03-10", end="2026-03-01")
    assert 'id="id_end" class="form-control form-control-sm is-invalid"' in content
    assert "Pick a day on or after the first day." in content
    assert 'value="2026-03-10"' in content  # what was typed stays
    assert "the figures below are for the last 30 days" in content


def test_an_agent_cannot_pick_someone_elses_figures(alice, seeded, desk):
    content = page(alice, agent=desk.agent_b.pk)
    assert "Select a valid choice" in content
    assert "Bob Builder" not in content


def test_each_csv_matches_its_table(alice, admin_client_, seeded):
    for client in (alice, admin_client_):
        content = page(client, start="2026-02-20", end="2026-03-10")
        for figure in (
            "volume-kind",
            "backlog-age",
            "times-resolution",
            "promises-agent",
            "deflection-kb",
            *CARE_FIGURES,
        ):
            assert download(client, figure, start="2026-02-20", end="2026-03-10") == table(content, figure)


def test_the_csv_keeps_the_viewers_scope_and_404s_an_unknown_figure(bob, seeded):
    rows = download(bob, "promises-queue")
    assert [r[0] for r in rows[1:-1]] == ["Technical"]
    assert bob.get("/desk/reports/no-such.csv").status_code == 404
    assert bob.get("/desk/reports/volume-nothing.csv").status_code == 404


def test_formula_cells_are_neutralised_in_the_csv(admin_client_, seeded):
    QueueFactory(name='=HYPERLINK("http://evil.example","x")', slug="evil")
    QueueFactory(name="-2+3", slug="minus")
    rows = download(admin_client_, "promises-queue")
    names = [r[0] for r in rows]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert "'-2+3" in names


def test_a_root_cause_named_like_a_formula_is_neutralised_in_the_csv(admin_client_, seeded, desk):
    cause = RootCause.objects.create(name="=1+2")
    ticket = TicketFactory(queue=desk.queue_a, kind="complaint", created_at=NOW)
    ComplaintResolution.objects.create(ticket=ticket, note="x", root_cause=cause, recorded_at=NOW)
    rollup_backfill(SOURCES)
    rows = download(admin_client_, "complaints-causes")
    assert ["'=1+2", "1"] in rows
    assert ["=1+2", "1"] in table(page(admin_client_), "complaints-causes")


def build(desk, *, queues: int, tickets: int) -> None:
    causes = [RootCause.objects.create(name=f"Cause {n}") for n in range(3)]
    for n in range(queues):
        queue = QueueFactory(name=f"Load {n}", slug=f"load-{n}")
        agent = UserFactory(username=f"load-agent-{n}")
        queue.agents.add(agent)
        for m in range(tickets):
            ticket = TicketFactory(
                queue=queue,
                assignee=agent,
                kind=("info", "complaint")[m % 2],
                created_at=NOW - timedelta(hours=2),
                resolved_at=NOW - timedelta(hours=1),
            )
            care_for(ticket, m, causes, agent)
    rollup_backfill(SOURCES)


@pytest.mark.parametrize(("queues", "tickets"), [(1, 1), (4, 1), (1, 12), (4, 12)])
def test_query_count_does_not_grow(admin_client_, desk, settings, django_assert_max_num_queries, queues, tickets):
    settings.TIME_ZONE = ZONE
    with time_machine.travel(NOW, tick=False):
        build(desk, queues=queues, tickets=tickets)
        with django_assert_max_num_queries(REPORT_QUERIES):
            content = page(admin_client_, start="2026-01-01", end="2026-03-10")
        with django_assert_max_num_queries(REPORT_QUERIES):
            admin_client_.get("/desk/reports/promises-agent.csv")
        with django_assert_max_num_queries(REPORT_QUERIES):
            admin_client_.get("/desk/reports/csat-agent.csv")
    assert row(content, "praise-agent", "Total")[0] == str(queues * len(range(0, tickets, 4)))
    assert row(content, "csat-agent", "Total")[0] == str(queues * sum(1 for m in range(tickets) if m % 5))
    assert row(content, "volume-kind", "Total")[-1] == str(queues * tickets)


def test_the_nav_links_to_reports(alice, desk):
    assert 'href="/desk/reports/"' in alice.get("/desk/").content.decode()
