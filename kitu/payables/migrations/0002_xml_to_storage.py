"""Inbound e-invoices keep their XML in the default storage (local files or the object store) instead of the
database, step 1 of 2: a file field next to the BinaryField, and every row's bytes written to the storage.

Not atomic on purpose: each row's file is written and its row updated and committed one by one, so a
failure half-way leaves the rows done so far complete (bytes in both places) and at most one file without a
row; running the migration again continues with the rows that have no file yet. 0003 then drops the bytes.

Reversible: backwards every file is read into the BinaryField again and then deleted from the storage.
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models

import kitu.payables.models

BATCH = 500


def xml_to_storage(apps, schema_editor):
    invoices = apps.get_model("payables", "InboundInvoice").objects.using(schema_editor.connection.alias)
    last = 0
    while pks := list(
        invoices.filter(pk__gt=last, xml_file="").order_by("pk").values_list("pk", flat=True)[:BATCH]
    ):
        for pk in pks:  # one row's bytes in memory at a time (up to KITU_PAYABLES_MAX_BYTES each)
            member_id, data = invoices.filter(pk=pk).values_list("member_id", "xml").get()
            content = bytes(data)
            name = default_storage.save(f"payables/{member_id}/{uuid.uuid4().hex}.xml", ContentFile(content))
            if default_storage.size(name) != len(content):
                default_storage.delete(name)
                raise RuntimeError(f"payables: the stored XML of inbound invoice {pk} is incomplete ({name})")
            invoices.filter(pk=pk).update(xml_file=name)
        last = pks[-1]


def xml_from_storage(apps, schema_editor):
    invoices = apps.get_model("payables", "InboundInvoice").objects.using(schema_editor.connection.alias)
    last = 0
    while rows := list(
        invoices.filter(pk__gt=last).exclude(xml_file="").order_by("pk").values_list("pk", "xml_file")[:BATCH]
    ):
        for pk, name in rows:
            with default_storage.open(name, "rb") as stored:
                data = stored.read()
            invoices.filter(pk=pk).update(xml=data, xml_file="")
            default_storage.delete(name)  # the row (committed: not atomic) holds the bytes again
        last = rows[-1][0]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("payables", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundinvoice",
            name="xml_file",
            field=models.FileField(
                blank=True, default="", upload_to=kitu.payables.models.xml_path, verbose_name="XML"
            ),
        ),
        migrations.RunPython(xml_to_storage, xml_from_storage),
    ]
