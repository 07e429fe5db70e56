"""Inbound e-invoices keep their XML in the default storage, step 2 of 2: the BinaryField goes, the file
field written by 0002 takes its name ``xml``. Refuses to run while a row has bytes but no file (0002 did not
finish). Reversible: the column comes back empty (default b"") and 0002's reverse fills it from the files."""

from django.db import migrations, models

import kitu.payables.models


def every_row_has_its_file(apps, schema_editor):
    invoices = apps.get_model("payables", "InboundInvoice").objects.using(schema_editor.connection.alias)
    missing = list(invoices.filter(xml_file="").values_list("pk", flat=True)[:10])
    if missing:
        raise RuntimeError(
            f"payables: inbound invoices {missing} have no XML file yet; run 0002_xml_to_storage again "
            "before their bytes are dropped"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payables", "0002_xml_to_storage"),
    ]

    operations = [
        migrations.RunPython(every_row_has_its_file, migrations.RunPython.noop),
        # With a default, so that going back can add the column to a table with rows.
        migrations.AlterField(
            model_name="inboundinvoice",
            name="xml",
            field=models.BinaryField(blank=True, default=b"", verbose_name="XML"),
        ),
        migrations.RemoveField(
            model_name="inboundinvoice",
            name="xml",
        ),
        migrations.RenameField(
            model_name="inboundinvoice",
            old_name="xml_file",
            new_name="xml",
        ),
        migrations.AlterField(
            model_name="inboundinvoice",
            name="xml",
            field=models.FileField(upload_to=kitu.payables.models.xml_path, verbose_name="XML"),
        ),
    ]
