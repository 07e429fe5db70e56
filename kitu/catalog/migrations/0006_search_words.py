"""PostgreSQL: the words of the search index (``catalog_search_word``), so a query word typed as a prefix
("Note") is searched as the few whole words the catalog holds that start with it (``'notebook' |
'notebooktasch'``) instead of GIN's partial match, which collects every entry of the prefix into a bitmap
before it can intersect anything (135 ms → ~30 ms for "Notebooks Lenovo" at 1,000,000 articles).

Only words of letters are kept (what the query expands); the trigger of 0003 now adds the words of every
article it indexes in the same statement. Words no article holds any more stay (they cost an empty index
look-up when a query expands to them, nothing else). SQLite has its FTS5 vocabulary table instead."""

from django.db import migrations


VECTOR = (
    "setweight(to_tsvector('german', coalesce(n.description_short, '')), 'A') || "
    "setweight(to_tsvector('simple', concat_ws(' ', n.supplier_pid, n.manufacturer_pid, n.ean, "
    "n.manufacturer_name)), 'A') || "
    "setweight(to_tsvector('german', left(coalesce(n.description_long, ''), 1000)), 'C')"
)
COLUMNS = "article_id, contract_id, supplier_id, is_active, price, eclass_group, manufacturer_name, vector"
LETTERS_ONLY = "w !~ '[^[:alpha:]]'"


def _function(with_words: bool) -> str:
    upsert = (
        f"INSERT INTO catalog_article_search ({COLUMNS}) "
        "SELECT n.id, n.contract_id, n.supplier_id, n.is_active, n.price, n.eclass_group, n.manufacturer_name, "
        f"{VECTOR} FROM new_rows n "
        "ON CONFLICT (article_id) DO UPDATE SET contract_id = EXCLUDED.contract_id, "
        "supplier_id = EXCLUDED.supplier_id, is_active = EXCLUDED.is_active, price = EXCLUDED.price, "
        "eclass_group = EXCLUDED.eclass_group, manufacturer_name = EXCLUDED.manufacturer_name, "
        "vector = EXCLUDED.vector"
    )
    if with_words:
        upsert = (
            f"WITH indexed AS ({upsert} RETURNING vector) "
            "INSERT INTO catalog_search_word (word) SELECT DISTINCT w FROM indexed, "
            f"unnest(tsvector_to_array(indexed.vector)) w WHERE {LETTERS_ONLY} ON CONFLICT DO NOTHING"
        )
    return (
        "CREATE OR REPLACE FUNCTION catalog_article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN "
        "DELETE FROM catalog_article_search s USING old_rows o WHERE s.article_id = o.id; "
        f"ELSE {upsert}; "
        "END IF; RETURN NULL; END $$"
    )


PG_FORWARD = [
    # C collation: the primary key's btree answers LIKE 'prefix%' as a range
    'CREATE TABLE catalog_search_word (word text COLLATE "C" PRIMARY KEY)',
    "INSERT INTO catalog_search_word (word) SELECT DISTINCT w FROM catalog_article_search, "
    f"unnest(tsvector_to_array(vector)) w WHERE {LETTERS_ONLY}",
    _function(with_words=True),
]
PG_BACKWARD = [_function(with_words=False), "DROP TABLE IF EXISTS catalog_search_word"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_article_warranty_months")]
    operations = [migrations.RunPython(forward, backward)]
