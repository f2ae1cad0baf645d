"""Default business calendars and SLA policies, so a fresh desk makes promises from its first ticket.

Idempotent: calendars are found by name, queues only gain a calendar when they have none, and
the policies are seeded only while there are no policies at all. Reversing leaves the data alone.
"""

from datetime import time

from django.db import migrations

OFFICE_HOURS = "Office hours"
AROUND_THE_CLOCK = "Around the clock"
BUSINESS_DAY = 510  # minutes in an Office hours day, 09:00-17:30

POLICIES = [
    # Complaints run on calendar time (docs/reliability.md §2, rule 7).
    {
        "name": "Complaints",
        "kind": "complaint",
        "first_response_minutes": 60,
        "next_update_minutes": 120,
        "resolution_minutes": 2 * 24 * 60,
        "calendar_hours": True,
        "remind_before_minutes": 15,
    },
    {
        "name": "Problems",
        "kind": "problem",
        "first_response_minutes": 240,
        "next_update_minutes": 120,
        "resolution_minutes": 3 * BUSINESS_DAY,
        "remind_before_minutes": 30,
    },
    {
        "name": "Info requests",
        "kind": "info",
        "first_response_minutes": BUSINESS_DAY,
        "next_update_minutes": BUSINESS_DAY,
        "resolution_minutes": 5 * BUSINESS_DAY,
        "remind_before_minutes": 60,
    },
]


def _calendar(apps, name, zone, hours):
    BusinessCalendar = apps.get_model("tickets", "BusinessCalendar")
    OpeningHours = apps.get_model("tickets", "OpeningHours")
    calendar, created = BusinessCalendar.objects.get_or_create(name=name, defaults={"zone": zone})
    if created:
        OpeningHours.objects.bulk_create(
            OpeningHours(calendar=calendar, weekday=weekday, opens=opens, closes=closes)
            for weekday, opens, closes in hours
        )
    return calendar


def seed_default_sla(apps, schema_editor):
    Queue = apps.get_model("tickets", "Queue")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    office = _calendar(apps, OFFICE_HOURS, "Europe/London", [(day, time(9), time(17, 30)) for day in range(5)])
    # closes 00:00 means 24:00: open the whole day.
    _calendar(apps, AROUND_THE_CLOCK, "UTC", [(day, time(0), time(0)) for day in range(7)])
    Queue.objects.filter(calendar__isnull=True).update(calendar=office)
    if not SlaPolicy.objects.exists():
        SlaPolicy.objects.bulk_create(SlaPolicy(is_active=True, **fields) for fields in POLICIES)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_promises")]
    operations = [migrations.RunPython(seed_default_sla, migrations.RunPython.noop)]
