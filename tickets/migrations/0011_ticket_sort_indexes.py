# The queue's sorts, one index each (tickets/sorts.py): partial indexes over open tickets, the id
# last. Replaces the created/updated/due indexes. On PostgreSQL, statistics on the due key, so the
# planner knows how few tickets are overdue (it keeps none for a partial index's expressions).

import datetime
import django.db.models.expressions
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


DUE_KEY_STATS = (
    "CREATE STATISTICS IF NOT EXISTS ticket_due_key_stats "
    "ON (COALESCE(next_due_at, '9999-12-31 00:00:00+00:00'::timestamptz)) FROM tickets_ticket"
)


def due_key_stats(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DUE_KEY_STATS)


def no_due_key_stats(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS ticket_due_key_stats")


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0010_notice_customer_reply'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='ticket',
            name='ticket_created',
        ),
        migrations.RemoveIndex(
            model_name='ticket',
            name='ticket_updated',
        ),
        migrations.RemoveIndex(
            model_name='ticket',
            name='ticket_due_next',
        ),
        migrations.RemoveIndex(
            model_name='ticket',
            name='ticket_queue_due_next',
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(django.db.models.functions.comparison.Coalesce(models.F('next_due_at'), models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), django.db.models.expressions.CombinedExpression(models.Value(0, output_field=models.IntegerField()), '-', models.F('priority')), models.F('id'), condition=models.Q(('status__in', ['resolved', 'closed']), _negated=True), name='ticket_open_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(models.F('queue'), django.db.models.functions.comparison.Coalesce(models.F('next_due_at'), models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), django.db.models.expressions.CombinedExpression(models.Value(0, output_field=models.IntegerField()), '-', models.F('priority')), models.F('id'), condition=models.Q(('status__in', ['resolved', 'closed']), _negated=True), name='ticket_open_queue_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(django.db.models.expressions.CombinedExpression(models.Value(0, output_field=models.IntegerField()), '-', models.F('priority')), django.db.models.functions.comparison.Coalesce(models.F('next_due_at'), models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), models.F('id'), condition=models.Q(('status__in', ['resolved', 'closed']), _negated=True), name='ticket_open_priority'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('status__in', ['resolved', 'closed']), _negated=True), fields=['updated_at', 'id'], name='ticket_open_updated'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('status__in', ['resolved', 'closed']), _negated=True), fields=['created_at', 'id'], name='ticket_open_created'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['updated_at', 'id'], name='ticket_sort_updated'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['created_at', 'id'], name='ticket_sort_created'),
        ),
        migrations.RunPython(due_key_stats, no_due_key_stats, elidable=True),
    ]
