"""Full-text search indexes per database: SQLite FTS5 over the stemmed ``search_text`` (kept in step by
triggers); PostgreSQL pg_trgm for typo-tolerant matching of descriptions (the german tsvector has its
GIN index in 0001)."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalog_article_fts USING fts5(search_text, content='catalog_article', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER catalog_article_fts_ai AFTER INSERT ON catalog_article BEGIN "
    "INSERT INTO catalog_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER catalog_article_fts_ad AFTER DELETE ON catalog_article BEGIN "
    "INSERT INTO catalog_article_fts(catalog_article_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER catalog_article_fts_au AFTER UPDATE OF search_text ON catalog_article BEGIN "
    "INSERT INTO catalog_article_fts(catalog_article_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO catalog_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_article_fts_au",
    "DROP TRIGGER IF EXISTS catalog_article_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_article_fts_ai",
    "DROP TABLE IF EXISTS catalog_article_fts",
]
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX catalog_article_desc_trgm ON catalog_article USING gin (description_short gin_trgm_ops)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS catalog_article_desc_trgm"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_FORWARD if vendor == "sqlite" else PG_FORWARD if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_BACKWARD if vendor == "sqlite" else PG_BACKWARD if vendor == "postgresql" else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
