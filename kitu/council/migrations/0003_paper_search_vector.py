"""PostgreSQL: each paper's german text-search vector stored next to its search text (a generated column,
kept by PostgreSQL whenever the row is written) with its own GIN index.

Why: ranking the matches (``ts_rank``) needs the vector of every matching paper. Computed from
``search_text`` at query time (the expression index of migration 0002 only finds the rows) it costs about
1–2.5 ms per paper of 7,000 characters, so a query matching a few hundred papers of a town of 10,000
took 0.4–4 s (bench/council.py); read from this column the ranking costs a few milliseconds. A phrase
query ("Am Katzenteich") needs the vector for the recheck as well.

The column is not a model field: Django never writes it (PostgreSQL computes it) and reads it only where
the search names it. SQLite has no such column (it searches the text by substring)."""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE council_paper ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('german'::regconfig, search_text)) STORED",
    "CREATE INDEX council_paper_search_vector ON council_paper USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS council_paper_search_vector",
    "ALTER TABLE council_paper DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("council", "0002_paper_search_index")]
    operations = [migrations.RunPython(forward, backward)]
