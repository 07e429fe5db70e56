"""PostgreSQL: a german full-text index over each paper's search text (reference, subject, file text).
SQLite searches the same column by substring; it holds the small installations only."""

from django.db import migrations

PG_FORWARD = "CREATE INDEX council_paper_search ON council_paper USING gin (to_tsvector('german', search_text))"
PG_BACKWARD = "DROP INDEX IF EXISTS council_paper_search"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
