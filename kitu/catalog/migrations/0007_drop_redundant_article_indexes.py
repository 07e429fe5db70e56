"""Four indexes every imported article had to maintain and no query needs (issue 23.2):

- ``catalog_article (contract_id)`` and ``catalog_scaleprice (article_id)``, the foreign keys' own indexes:
  the unique constraints ``(contract_id, supplier_pid)`` and ``(article_id, lower_bound)`` start with the
  same column and serve every lookup by it (the contract's articles, an article's scale prices, the
  checks of PROTECT and CASCADE);
- PostgreSQL only: the ``varchar_pattern_ops`` twins Django adds to ``db_index`` text columns,
  ``manufacturer_name`` and ``eclass_group``; they serve only ``LIKE 'prefix%'``, and no query compares
  these columns other than by equality (the plain indexes stay).

The state says ``db_index=False`` for the two foreign keys; the indexes are dropped by SQL, not by
``AlterField``, which on SQLite would rebuild ``catalog_article`` and lose the FTS5 triggers of 0002."""

from django.db import migrations, models

BOTH = {
    "catalog_article_contract_id_a86d7d66": "catalog_article (contract_id)",
    "catalog_scaleprice_article_id_759c1910": "catalog_scaleprice (article_id)",
}
POSTGRES = {
    "catalog_article_manufacturer_name_c5c7b5b3_like": "catalog_article (manufacturer_name varchar_pattern_ops)",
    "catalog_article_eclass_group_dc2dc33b_like": "catalog_article (eclass_group varchar_pattern_ops)",
}


def _indexes(schema_editor):
    return {**BOTH, **POSTGRES} if schema_editor.connection.vendor == "postgresql" else BOTH


def forward(apps, schema_editor):
    for name in _indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def backward(apps, schema_editor):
    for name, target in _indexes(schema_editor).items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {target}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_search_words")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="contract",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="articles",
                        to="contracts.frameworkcontract",
                    ),
                ),
                migrations.AlterField(
                    model_name="scaleprice",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="scale_prices",
                        to="catalog.article",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        )
    ]
