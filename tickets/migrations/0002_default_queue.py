from django.db import migrations


def create_default_queue(apps, schema_editor):
    Queue = apps.get_model("tickets", "Queue")
    if not Queue.objects.exists():
        Queue.objects.create(name="General support", slug="general", is_default=True)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(create_default_queue, migrations.RunPython.noop)]
