"""Admin pages for business calendars and SLA policies (tickets/admin/sla.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets.models import BusinessCalendar, Holiday, OpeningHours, Queue, SlaPolicy

LONDON = ZoneInfo("Europe/London")
MONDAY_10_LONDON = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)  # a Monday, on GMT
NO_HOURS = "This calendar has no opening hours: add at least one interval."


@pytest.fixture
def office() -> BusinessCalendar:
    """Seeded by migration 0004_default_sla: Europe/London, Monday to Friday 09:00-17:30."""
    return BusinessCalendar.objects.get(name="Office hours")


def _calendar(name: str, rows: int = 1, holidays: int = 0) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(name=name, zone="Europe/Paris")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=i % 7, opens=time(8 + i // 7), closes=time(12 + i // 7))
        for i in range(rows)
    )
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, day=date(2027, 1, 1 + i), name=f"Day {i}") for i in range(holidays)
    )
    return calendar


def _policy(queue: Queue | None = None, calendar: BusinessCalendar | None = None, **fields: object) -> SlaPolicy:
    values = {
        "name": "Problems in Billing",
        "kind": "problem",
        "queue": queue,
        "calendar": calendar,
        "first_response_minutes": 240,
        "next_update_minutes": 120,
        "resolution_minutes": 3 * 510,
        **fields,
    }
    return SlaPolicy.objects.create(**values)


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (session, content types) so both counts start equal
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- who may see these pages ---------------------------------------------------------------------------


def _sla_admin_urls(office: BusinessCalendar, policy: SlaPolicy) -> list[str]:
    return [
        reverse("admin:tickets_businesscalendar_changelist"),
        reverse("admin:tickets_businesscalendar_add"),
        reverse("admin:tickets_businesscalendar_change", args=[office.pk]),
        reverse("admin:tickets_slapolicy_changelist"),
        reverse("admin:tickets_slapolicy_add"),
        reverse("admin:tickets_slapolicy_change", args=[policy.pk]),
    ]


def test_admin_can_open_every_calendar_and_policy_page(admin_client_, desk, office):
    for url in _sla_admin_urls(office, _policy(desk.queue_a)):
        assert admin_client_.get(url).status_code == 200, url


def test_agent_without_superuser_is_denied(alice, desk, office):
    for url in _sla_admin_urls(office, _policy(desk.queue_a)):
        assert alice.get(url).status_code == 403, url


def test_anonymous_visitor_is_sent_to_admin_login(stranger, desk, office):
    for url in _sla_admin_urls(office, _policy(desk.queue_a)):
        response = stranger.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url


# --- query counts do not grow with rows -------------------------------------------------------------------


def test_calendar_list_query_count_does_not_grow_with_calendars(admin_client_, desk, django_assert_max_num_queries):
    url = reverse("admin:tickets_businesscalendar_changelist")
    _calendar("Paris 0", rows=2, holidays=1)
    with_one = _queries(admin_client_, url)
    for i in range(1, 10):
        _calendar(f"Paris {i}", rows=5, holidays=3)

    with django_assert_max_num_queries(with_one):
        response = admin_client_.get(url)
    assert len(response.context["cl"].result_list) >= 10


def test_calendar_list_shows_weekly_open_hours(admin_client_, desk):
    _calendar("Four mornings", rows=4)  # 08:00-12:00 Monday to Thursday
    BusinessCalendar.objects.create(name="Empty legacy")

    response = admin_client_.get(reverse("admin:tickets_businesscalendar_changelist"))

    html = response.content.decode()
    weekly = {c.name: response.context["cl"].model_admin.weekly_hours(c) for c in response.context["cl"].result_list}
    assert weekly["Office hours"] == "42h 30m"
    assert weekly["Around the clock"] == "168h"
    assert weekly["Four mornings"] == "16h"
    assert weekly["Empty legacy"] == "No opening hours"
    assert "42h 30m" in html


def test_calendar_change_page_query_count_does_not_grow_with_rows(admin_client_, desk, django_assert_max_num_queries):
    small = _calendar("Small", rows=1, holidays=1)
    big = _calendar("Big", rows=10, holidays=10)
    with_one = _queries(admin_client_, reverse("admin:tickets_businesscalendar_change", args=[small.pk]))

    with django_assert_max_num_queries(with_one):
        response = admin_client_.get(reverse("admin:tickets_businesscalendar_change", args=[big.pk]))
    assert response.status_code == 200


def test_policy_list_query_count_does_not_grow_with_policies(
    admin_client_, desk, office, django_assert_max_num_queries
):
    url = reverse("admin:tickets_slapolicy_changelist")
    SlaPolicy.objects.all().delete()
    _policy(desk.queue_a, office)
    with_one = _queries(admin_client_, url)
    for i in range(9):
        queue = Queue.objects.create(name=f"Queue {i}", slug=f"queue-{i}", calendar=_calendar(f"Cal {i}"))
        _policy(queue, queue.calendar, name=f"Policy {i}")

    with django_assert_max_num_queries(with_one):
        response = admin_client_.get(url)
    assert len(response.context["cl"].result_list) == 10


def test_policy_list_shows_targets_in_hours(admin_client_, desk):
    response = admin_client_.get(reverse("admin:tickets_slapolicy_changelist"))

    html = response.content.decode()
    for text in ("4h business", "8h 30m business", "1h calendar", "48h calendar", "25h 30m business"):
        assert text in html


def test_policy_change_page_query_count_does_not_grow_with_policies(
    admin_client_, desk, office, django_assert_max_num_queries
):
    policy = _policy(desk.queue_a, office)
    url = reverse("admin:tickets_slapolicy_change", args=[policy.pk])
    with_one = _queries(admin_client_, url)
    for i in range(9):
        queue = Queue.objects.create(name=f"Queue {i}", slug=f"queue-{i}", calendar=_calendar(f"Cal {i}", rows=7))
        _policy(queue, queue.calendar, name=f"Policy {i}")

    with django_assert_max_num_queries(with_one):
        assert admin_client_.get(url).status_code == 200


# --- calendars: impossible ones are refused whole (rule 10) -----------------------------------------------


def _calendar_post(
    name: str = "Night desk",
    zone: str = "Europe/London",
    hours: list[tuple[int, str, str]] | None = None,
    holidays: list[tuple[str, str, str]] | None = None,
) -> dict[str, str]:
    data = {"name": name, "zone": zone}
    for prefix, rows, fields in (
        ("opening_hours", hours or [], ("weekday", "opens", "closes")),
        ("holidays", holidays or [], ("day", "starts", "ends")),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-{field}": str(value) for field, value in zip(fields, row, strict=True)}
    return data


def _sla_rows() -> tuple[int, int, int]:
    return BusinessCalendar.objects.count(), OpeningHours.objects.count(), Holiday.objects.count()


@pytest.mark.parametrize(
    "hours",
    [
        pytest.param([], id="no rows"),
        pytest.param([(0, "09:00", "09:00"), (2, "13:30", "13:30")], id="only empty rows"),
    ],
)
def test_a_calendar_without_opening_hours_is_refused_and_nothing_is_saved(admin_client_, desk, hours):
    before = _sla_rows()

    response = admin_client_.post(
        reverse("admin:tickets_businesscalendar_add"),
        _calendar_post(hours=hours, holidays=[("2026-12-25", "", "")]),
    )

    assert response.status_code == 200
    assert NO_HOURS in response.content.decode()
    assert _sla_rows() == before


def test_an_empty_row_beside_real_hours_is_pointed_out(admin_client_, desk):
    before = _sla_rows()

    response = admin_client_.post(
        reverse("admin:tickets_businesscalendar_add"),
        _calendar_post(hours=[(0, "09:00", "17:00"), (1, "09:00", "09:00")]),
    )

    assert response.status_code == 200
    assert "opens and closes at the same time" in response.content.decode()
    assert _sla_rows() == before


def test_an_unknown_zone_is_refused_beside_the_field(admin_client_, desk):
    before = _sla_rows()

    response = admin_client_.post(
        reverse("admin:tickets_businesscalendar_add"),
        _calendar_post(zone="Europe/Londres", hours=[(0, "09:00", "17:00")]),
    )

    assert response.status_code == 200
    assert "is not a time zone name" in response.context["adminform"].form.errors["zone"][0]
    assert _sla_rows() == before


def test_a_holiday_that_ends_before_it_starts_is_refused(admin_client_, desk):
    before = _sla_rows()

    response = admin_client_.post(
        reverse("admin:tickets_businesscalendar_add"),
        _calendar_post(hours=[(0, "09:00", "17:00")], holidays=[("2026-12-24", "14:00", "12:00")]),
    )

    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert _sla_rows() == before


def test_a_valid_calendar_is_saved_with_its_hours_and_holidays(admin_client_, desk):
    response = admin_client_.post(
        reverse("admin:tickets_businesscalendar_add"),
        _calendar_post(
            hours=[(day, "22:00", "06:00") for day in range(5)] + [(5, "00:00", "00:00")],
            holidays=[("2026-12-25", "", ""), ("2026-12-24", "12:00", "00:00")],
        ),
    )

    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Night desk")
    assert calendar.opening_hours.count() == 6
    assert calendar.holidays.count() == 2
    calendar.check_schedule()


def test_removing_every_opening_row_of_a_calendar_is_refused(admin_client_, desk, office):
    rows = list(office.opening_hours.all())
    data = _calendar_post(name=office.name, zone=office.zone)
    data |= {"opening_hours-TOTAL_FORMS": str(len(rows)), "opening_hours-INITIAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        data |= {
            f"opening_hours-{i}-id": str(row.pk),
            f"opening_hours-{i}-calendar": str(office.pk),
            f"opening_hours-{i}-weekday": str(row.weekday),
            f"opening_hours-{i}-opens": row.opens.strftime("%H:%M"),
            f"opening_hours-{i}-closes": row.closes.strftime("%H:%M"),
            f"opening_hours-{i}-DELETE": "on",
        }

    response = admin_client_.post(reverse("admin:tickets_businesscalendar_change", args=[office.pk]), data)

    assert response.status_code == 200
    assert NO_HOURS in response.content.decode()
    assert office.opening_hours.count() == len(rows) == 5


# --- policies: errors beside the fields, and the preview (rule 3) ----------------------------------------


def _policy_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Technical problems",
        "kind": "problem",
        "priority": "",
        "queue": "",
        "first_response_minutes": "240",
        "next_update_minutes": "120",
        "resolution_minutes": "1530",
        "remind_before_minutes": "30",
        "calendar": "",
        "pause_when_waiting": "on",
        "is_active": "on",
    }
    return {**data, **changes}


@pytest.mark.parametrize("field", ["first_response_minutes", "next_update_minutes", "resolution_minutes"])
@pytest.mark.parametrize("minutes", ["0", "-5"])
def test_a_target_below_one_minute_is_refused_beside_the_field(admin_client_, desk, field, minutes):
    before = SlaPolicy.objects.count()

    response = admin_client_.post(
        reverse("admin:tickets_slapolicy_add"), _policy_post(queue=desk.queue_b.pk, **{field: minutes})
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert len(errors[field]) == 1 and "must be at least one minute" in errors[field][0]
    assert f"errors field-{field}" in response.content.decode()
    assert SlaPolicy.objects.count() == before


def test_a_reminder_later_than_the_target_is_refused_beside_the_field(admin_client_, desk):
    before = SlaPolicy.objects.count()

    response = admin_client_.post(
        reverse("admin:tickets_slapolicy_add"), _policy_post(queue=desk.queue_b.pk, remind_before_minutes="240")
    )

    assert response.status_code == 200
    assert (
        "reminder must come before the target" in response.context["adminform"].form.errors["remind_before_minutes"][0]
    )
    assert SlaPolicy.objects.count() == before


def test_a_second_active_policy_for_the_same_tickets_is_refused(admin_client_, desk):
    before = SlaPolicy.objects.count()  # the seeded "Problems" covers every problem already

    response = admin_client_.post(reverse("admin:tickets_slapolicy_add"), _policy_post())

    assert response.status_code == 200
    assert "Another active policy already covers this kind, priority and queue." in response.content.decode()
    assert SlaPolicy.objects.count() == before


def test_a_valid_policy_is_saved(admin_client_, desk):
    response = admin_client_.post(reverse("admin:tickets_slapolicy_add"), _policy_post(queue=desk.queue_b.pk))

    assert response.status_code == 302
    policy = SlaPolicy.objects.get(name="Technical problems")
    assert (policy.queue, policy.first_response_minutes, policy.is_active) == (desk.queue_b, 240, True)


def _preview(client, policy: SlaPolicy) -> str:
    response = client.get(reverse("admin:tickets_slapolicy_change", args=[policy.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_preview_shows_the_due_times_of_a_promise_made_now(admin_client_, desk, office):
    desk.queue_a.calendar = office
    desk.queue_a.save(update_fields=["calendar"])
    policy = _policy(desk.queue_a)  # 240 business minutes, the queue's office hours

    with time_machine.travel(MONDAY_10_LONDON, tick=False):
        html = _preview(admin_client_, policy)

    # 10:00 + 4 h = 14:00 the same day. Resolution, 3 x 510 min: 7 h 30 m Monday, 8 h 30 m Tuesday
    # and Wednesday, the last hour on Thursday from 09:00.
    assert (
        "A problem created now would be due for a first response at Mon 23 Nov 14:00 (Europe/London) "
        "and then updated every 2h; its resolution would be due at Thu 26 Nov 10:00."
    ) in html
    assert "Counted in the open hours of “Office hours”." in html
    assert "Edits apply to promises made from now on; promises already made keep their due times." in html


def test_preview_rolls_past_closing_and_the_weekend_in_summer_time(admin_client_, desk, office):
    policy = _policy(desk.queue_a, office)
    friday_4pm_bst = datetime(2026, 6, 19, 16, 0, tzinfo=LONDON)

    with time_machine.travel(friday_4pm_bst, tick=False):
        html = _preview(admin_client_, policy)

    assert "first response at Mon 22 Jun 11:30 (Europe/London)" in html  # 1 h 30 m Friday, 2 h 30 m Monday


def test_preview_of_a_calendar_hours_policy_counts_every_hour(admin_client_, desk, office):
    complaints = SlaPolicy.objects.get(kind="complaint", queue=None, priority=None)  # seeded, calendar hours
    desk.queue_a.calendar = office  # the default queue in the desk fixture
    desk.queue_a.save(update_fields=["calendar"])
    friday_5pm = datetime(2026, 11, 27, 17, 0, tzinfo=LONDON)

    with time_machine.travel(friday_5pm, tick=False):
        html = _preview(admin_client_, complaints)

    assert (
        "A complaint created now in the default queue “Billing” would be due for a first response at "
        "Fri 27 Nov 18:00 (Europe/London) and then updated every 2h; its resolution would be due at Sun 29 Nov 17:00."
    ) in html
    assert "Calendar hours: every hour of the day counts." in html


def test_preview_of_an_unsaved_policy_asks_to_save_first(admin_client_, desk):
    html = admin_client_.get(reverse("admin:tickets_slapolicy_add")).content.decode()

    assert "Save the policy to see the due times it would promise." in html
