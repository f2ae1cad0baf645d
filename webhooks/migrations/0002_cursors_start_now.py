"""The dispatcher's cursors start at the history as it is: a desk that adds webhooks sends no old events."""

from django.db import migrations
from django.db.models import Max


def start_cursors(apps, schema_editor):
    DispatchCursor = apps.get_model("webhooks", "DispatchCursor")
    tables = {
        "events": apps.get_model("tickets", "TicketEvent"),
        "messages": apps.get_model("tickets", "Message"),
        "reminders": apps.get_model("tickets", "Notice"),
    }
    for name, model in tables.items():
        last_id = model.objects.aggregate(last=Max("pk"))["last"] or 0
        DispatchCursor.objects.get_or_create(name=name, defaults={"last_id": last_id})


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [migrations.RunPython(start_cursors, migrations.RunPython.noop)]
