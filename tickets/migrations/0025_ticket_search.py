"""Each ticket's search document (tickets.models.search), its GIN index, and the documents of the
tickets already there.

The backfill runs here only for a desk of up to BACKFILL_MAX tickets, in batches that each commit
on their own (the migration is not atomic), so no transaction holds locks for long. A bigger desk
skips it and runs ``manage.py search_index`` after deploying, while the desk is up (docs/search.md).
The document's SQL is copied here as it was when this migration was written: a migration must not
run today's code against yesterday's tables.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models, transaction

from knowledgebase.migrations._postgres import PostgresOnlySQL

BACKFILL_MAX = 100_000
BATCH = 2_000
_ADDRESS = "{0}.email || ' ' || split_part({0}.email, '@', 2) || ' ' || translate({0}.email, '@._+-', '     ')"


def _vector(expression, weight):
    return (
        f"setweight(to_tsvector(%(config)s::regconfig, "
        f"regexp_replace({expression}, '([[:alnum:]])-(?=[[:digit:]])', '\\1 ', 'g')), '{weight}')"
    )


_SUBJECT = "%(prefix)s || '-' || (t.id + 1000) || ' ' || t.subject"
_CUSTOMER = (
    "c.name || ' ' || " + _ADDRESS.format("c") + " || ' ' || coalesce((SELECT string_agg("
    + _ADDRESS.format("o") + ", ' ') FROM tickets_customer o WHERE o.merged_into_id = c.id), '')"
)
_CONVERSATION = (
    "left(coalesce((SELECT string_agg(left(m.body, 20000), E'\\n' ORDER BY m.id) FROM tickets_message m "
    "WHERE m.ticket_id = t.id), ''), 200000)"
)
_FILES = (
    "coalesce((SELECT string_agg(a.filename || ' ' || translate(a.filename, '._-', '   '), ' ') "
    "FROM tickets_attachment a WHERE a.ticket_id = t.id), '')"
)
REFRESH_SQL = f"""
INSERT INTO tickets_ticketsearch (ticket_id, document)
SELECT t.id,
       {_vector(_SUBJECT, "A")} || {_vector(_CUSTOMER, "B")} || {_vector(_CONVERSATION, "C")} || {_vector(_FILES, "D")}
FROM tickets_ticket t JOIN tickets_customer c ON c.id = t.customer_id
WHERE t.id = ANY(%(ids)s)
ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
"""


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    Ticket = apps.get_model("tickets", "Ticket")
    total = Ticket.objects.count()
    if total > BACKFILL_MAX:
        print(f"\n  {total} tickets: run `manage.py search_index` to make them searchable (docs/search.md).")
        return
    ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    params = {"config": settings.TICKET_SEARCH_LANGUAGE, "prefix": settings.TICKET_REFERENCE_PREFIX}
    for start in range(0, len(ids), BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(REFRESH_SQL, {**params, "ids": ids[start : start + BATCH]})


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('tickets', '0024_customer_merge'),
    ]

    operations = [
        migrations.CreateModel(
            name='TicketSearch',
            fields=[
                ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search', serialize=False, to='tickets.ticket')),
                ('document', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={
                'verbose_name': 'ticket search document',
            },
        ),
        # tickets.search: document @@ websearch_to_tsquery(...). Ten times the usual statistics on the
        # document: PostgreSQL then knows the frequencies of 10,000 words, not 1,000, and does not take
        # a rare word (an order number, a name) for a common one when it picks a plan.
        PostgresOnlySQL(
            sql=[
                "CREATE INDEX IF NOT EXISTS ticket_search_gin ON tickets_ticketsearch USING gin (document)",
                "ALTER TABLE tickets_ticketsearch ALTER COLUMN document SET STATISTICS 1000",
            ],
            reverse_sql=["DROP INDEX IF EXISTS ticket_search_gin"],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
