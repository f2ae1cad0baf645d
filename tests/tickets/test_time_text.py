"""tickets.time_text: every time and duration a reader sees, in one wording."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tickets import time_text

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday


def test_wall_clock_names_the_day_and_the_zone_in_words():
    assert time_text.wall_clock(NOW + timedelta(hours=5), LONDON, NOW) == "today at 14:00 (London time)"
    assert time_text.wall_clock(NOW + timedelta(days=1), LONDON, NOW) == "tomorrow at 09:00 (London time)"
    assert time_text.wall_clock(NOW + timedelta(days=2), LONDON, NOW) == "Thursday 26 November at 09:00 (London time)"
    assert time_text.zone_label(ZoneInfo("America/New_York")) == "New York time"
    assert time_text.zone_label(ZoneInfo("UTC")) == "UTC"


def test_agents_read_relative_times_at_a_glance():
    assert time_text.relative(NOW + timedelta(minutes=25), NOW) == "in 25 min"
    assert time_text.relative(NOW - timedelta(hours=1), NOW) == "overdue 1 h"
    assert time_text.ago(NOW - timedelta(days=2), NOW) == "2 d ago"
    assert time_text.ago(NOW + timedelta(minutes=1), NOW) == "just now"


def test_durations_read_as_business_time_or_short():
    assert time_text.business_duration(120) == "2 business hours"
    assert time_text.business_duration(90) == "90 business minutes"
    assert time_text.hours_minutes(7380) == "2 h 3 min"
    assert time_text.short_duration(90) == "1h 30m"


def test_fixed_formats_for_emails_the_timeline_and_the_admin():
    assert time_text.full_moment(NOW, ZoneInfo("UTC")) == "Tue 24 Nov 2026, 09:00 (UTC)"
    assert time_text.full_moment(NOW, ZoneInfo("America/New_York")) == "Tue 24 Nov 2026, 04:00 (New York time)"
    assert time_text.full_moment(NOW, ZoneInfo("Asia/Kolkata")) == "Tue 24 Nov 2026, 14:30 (Kolkata time)"
    assert time_text.due_label(NOW, LONDON) == "due Tue 24 Nov 09:00 (London time)"
    assert time_text.weekday_clock(NOW, LONDON) == "Tue 09:00 (London time)"
    assert time_text.short_moment(NOW + timedelta(days=60), LONDON, NOW) == "Sat 23 Jan 2027 09:00"
