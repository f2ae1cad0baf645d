"""PostgreSQL only: pg_trgm, the GIN index on the weighted search vector and a trigram index on titles.

On SQLite these are no-ops: the simpler search there needs neither.
"""

from django.db import migrations

from knowledgebase.migrations._postgres import PostgresOnlySQL

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # article_search: search_vector @@ websearch_to_tsquery(...)
    "CREATE INDEX IF NOT EXISTS kb_article_search_gin ON knowledgebase_article USING gin (search_vector)",
    # article_search: title %> query (typo tolerance through word similarity)
    "CREATE INDEX IF NOT EXISTS kb_article_title_trgm ON knowledgebase_article USING gin (title gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS kb_article_title_trgm",
    "DROP INDEX IF EXISTS kb_article_search_gin",
]


class Migration(migrations.Migration):
    dependencies = [("knowledgebase", "0001_initial")]

    operations = [PostgresOnlySQL(sql=FORWARD, reverse_sql=BACKWARD)]
