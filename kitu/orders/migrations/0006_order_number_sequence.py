"""The PostgreSQL sequence order numbers are drawn from (kitu.orders.numbers); it starts above every number
the yearly counter rows have handed out, so no number is given twice. Nothing on other databases."""

from django.db import migrations

CREATE = """
CREATE SEQUENCE IF NOT EXISTS orders_order_number;
SELECT setval('orders_order_number',
              GREATEST((SELECT COALESCE(MAX(last), 0) FROM orders_ordernumbersequence), 1),
              (SELECT COALESCE(MAX(last), 0) FROM orders_ordernumbersequence) > 0);
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS orders_order_number")


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
