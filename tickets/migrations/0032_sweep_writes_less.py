"""The sweep writes less per promise: four indexes fewer, and one foreign key check fewer.

Four foreign keys lose the index of their own that a composite index already leads with:
Notice.promise (the unique promise, kind, user), Notice.user (notice_user_unread),
Promise.ticket (promise_ticket_created) and TicketEvent.ticket (event_ticket_created): every
lookup by the key uses the composite, and each index less is one random page less to write
per row the sweep writes at a million tickets. And Notice.ticket, a copy of its promise's or
message's ticket, is no longer checked by the database (tickets/models/promise.py says why).

The four indexes are dropped by name and their foreign key constraints kept (an AlterField would
drop and re-validate them, a scan of millions of rows under lock), hence the state and the
database operations apart.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXED = [("notice", "promise_id"), ("notice", "user_id"), ("promise", "ticket_id"), ("ticketevent", "ticket_id")]


def _own_indexes(schema_editor, table: str, column: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    ]


def drop_indexes(apps, schema_editor):
    for model, column in INDEXED:
        table = apps.get_model("tickets", model)._meta.db_table
        for name in _own_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_indexes(apps, schema_editor):
    for model, column in INDEXED:
        table = apps.get_model("tickets", model)._meta.db_table
        if not _own_indexes(schema_editor, table, column):
            name, quote = f"{table}_{column}_idx", schema_editor.quote_name
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0031_resolution_first_recorded"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notice",
                    name="promise",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="tickets.promise",
                    ),
                ),
                migrations.AlterField(
                    model_name="notice",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="helpdesk_notices",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="promise",
                    name="ticket",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="promises",
                        to="tickets.ticket",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticketevent",
                    name="ticket",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="tickets.ticket",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
        migrations.AlterField(
            model_name="notice",
            name="ticket",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="tickets.ticket",
            ),
        ),
    ]
