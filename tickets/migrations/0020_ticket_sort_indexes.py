# The queue's sorts, one index each (tickets/sorts.py): partial indexes over open tickets, the id
# last; and a covering one for the saved views' counts. Replaces the created/updated/due indexes.
# On PostgreSQL, statistics for the planner (see STATISTICS).

import datetime
import django.db.models.expressions
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


STATISTICS = [
    # The due key: how few tickets are overdue (none is kept for a partial index's expressions).
    "CREATE STATISTICS IF NOT EXISTS ticket_due_key_stats "
    "ON (COALESCE(next_due_at, '9999-12-31 00:00:00+00:00'::timestamptz)) FROM tickets_ticket",
    # The filters together: a queue, a status and a kind are rarely independent (a queue of
    # complaints, a queue whose tickets are all waiting), and a saved view's count must pick
    # the index that seeks to them rather than one that scans.
    "CREATE STATISTICS IF NOT EXISTS ticket_filter_stats (dependencies, mcv) "
    "ON queue_id, status, kind, assignee_id FROM tickets_ticket",
]


def statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in STATISTICS:
            schema_editor.execute(statement)


def no_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS ticket_due_key_stats, ticket_filter_stats")


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0019_kinds_after_merging_triage_with_email'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="ticket_created"),
        migrations.RemoveIndex(model_name="ticket", name="ticket_updated"),
        migrations.RemoveIndex(model_name="ticket", name="ticket_due_next"),
        migrations.RemoveIndex(model_name="ticket", name="ticket_queue_due_next"),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(django.db.models.functions.comparison.Coalesce(models.F('next_due_at'), models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), django.db.models.expressions.CombinedExpression(models.Value(0, output_field=models.IntegerField()), '-', models.F('priority')), models.F('id'), condition=models.Q(('status__in', ['new', 'open', 'waiting'])), include=('queue', 'next_due_at'), name='ticket_open_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(models.F('queue'), django.db.models.functions.comparison.Coalesce(models.F('next_due_at'), models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), django.db.models.expressions.CombinedExpression(models.Value(0, output_field=models.IntegerField()), '-', models.F('priority')), models.F('id'), condition=models.Q(('status__in', ['new', 'open', 'waiting'])), name='ticket_open_queue_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(django.db.models.expressions.CombinedExpression(models.Value(0, output_field=models.IntegerField()), '-', models.F('priority')), django.db.models.functions.comparison.Coalesce(models.F('next_due_at'), models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), models.F('id'), condition=models.Q(('status__in', ['new', 'open', 'waiting'])), name='ticket_open_priority'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('status__in', ['new', 'open', 'waiting'])), fields=['updated_at', 'id'], name='ticket_open_updated'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('status__in', ['new', 'open', 'waiting'])), fields=['created_at', 'id'], name='ticket_open_created'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(models.F('kind'), models.F('status'), models.F('assignee'), models.F('queue'), django.db.models.functions.comparison.Coalesce(models.F('next_due_at'), models.Value(datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), condition=models.Q(('status__in', ['new', 'open', 'waiting'])), include=('id', 'next_due_at'), name='ticket_open_filters'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['updated_at', 'id'], name='ticket_sort_updated'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['created_at', 'id'], name='ticket_sort_created'),
        ),
        migrations.RunPython(statistics, no_statistics, elidable=True),
    ]
