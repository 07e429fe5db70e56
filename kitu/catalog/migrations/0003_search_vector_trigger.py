"""PostgreSQL search index: a narrow table with each article's filter columns and its german tsvector,
kept in step with ``catalog_article`` by statement-level triggers (set-based, so a COPY of 100,000
articles costs one INSERT ... SELECT). Narrow rows mean a query matching a tenth of the catalog reads a
few thousand pages instead of every page of the article table. SQLite has its FTS5 table (0002)."""

import django.contrib.postgres.search
from django.db import migrations, models

VECTOR = (
    "setweight(to_tsvector('german', coalesce(n.description_short, '')), 'A') || "
    "setweight(to_tsvector('simple', concat_ws(' ', n.supplier_pid, n.manufacturer_pid, n.ean, "
    "n.manufacturer_name)), 'A') || "
    "setweight(to_tsvector('german', left(coalesce(n.description_long, ''), 1000)), 'C')"
)
COLUMNS = "article_id, contract_id, supplier_id, is_active, price, eclass_group, manufacturer_name, vector"
PG_FORWARD = [
    "CREATE TABLE catalog_article_search (article_id bigint PRIMARY KEY, contract_id bigint NOT NULL, "
    "supplier_id bigint NOT NULL, is_active boolean NOT NULL, price numeric(12, 2), "
    "eclass_group varchar(20) NOT NULL, manufacturer_name varchar(100) NOT NULL, vector tsvector NOT NULL)",
    "CREATE INDEX catalog_article_search_vector ON catalog_article_search USING gin (vector)",
    "CREATE FUNCTION catalog_article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN "
    "DELETE FROM catalog_article_search s USING old_rows o WHERE s.article_id = o.id; "
    "ELSE "
    f"INSERT INTO catalog_article_search ({COLUMNS}) "
    "SELECT n.id, n.contract_id, n.supplier_id, n.is_active, n.price, n.eclass_group, n.manufacturer_name, "
    f"{VECTOR} FROM new_rows n "
    "ON CONFLICT (article_id) DO UPDATE SET contract_id = EXCLUDED.contract_id, "
    "supplier_id = EXCLUDED.supplier_id, is_active = EXCLUDED.is_active, price = EXCLUDED.price, "
    "eclass_group = EXCLUDED.eclass_group, manufacturer_name = EXCLUDED.manufacturer_name, "
    "vector = EXCLUDED.vector; "
    "END IF; RETURN NULL; END $$",
    "CREATE TRIGGER catalog_article_search_ai AFTER INSERT ON catalog_article REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalog_article_search_sync()",
    "CREATE TRIGGER catalog_article_search_au AFTER UPDATE ON catalog_article REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalog_article_search_sync()",
    "CREATE TRIGGER catalog_article_search_ad AFTER DELETE ON catalog_article REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalog_article_search_sync()",
    # existing articles
    "UPDATE catalog_article SET is_active = is_active",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_article_search_ai ON catalog_article",
    "DROP TRIGGER IF EXISTS catalog_article_search_au ON catalog_article",
    "DROP TRIGGER IF EXISTS catalog_article_search_ad ON catalog_article",
    "DROP FUNCTION IF EXISTS catalog_article_search_sync()",
    "DROP TABLE IF EXISTS catalog_article_search",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_indexes")]
    operations = [
        migrations.RemoveIndex(model_name="article", name="catalog_article_search_gin"),
        migrations.RemoveField(model_name="article", name="search_vector"),
        migrations.CreateModel(
            name="ArticleSearch",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="catalog.article",
                    ),
                ),
                ("contract_id", models.BigIntegerField()),
                ("supplier_id", models.BigIntegerField()),
                ("is_active", models.BooleanField()),
                ("price", models.DecimalField(decimal_places=2, max_digits=12, null=True)),
                ("eclass_group", models.CharField(max_length=20)),
                ("manufacturer_name", models.CharField(max_length=100)),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "catalog_article_search", "managed": False},
        ),
        migrations.RunPython(forward, backward),
    ]
