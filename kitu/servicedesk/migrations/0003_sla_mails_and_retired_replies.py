from typing import Any

from django.db import migrations, models
from django.db.models import F


def mark_old_events_mailed(apps: Any, schema_editor: Any) -> None:
    """Events recorded before mails existed are not mailed afterwards (they are old news)."""
    apps.get_model("servicedesk", "SlaEvent").objects.update(mailed_at=F("at"))


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0002_open_queue_indexes")]

    operations = [
        migrations.AddField(
            model_name="slaevent", name="mailed_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.RunPython(mark_old_events_mailed, migrations.RunPython.noop),
        migrations.AddField(
            model_name="cannedreply",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="außer Gebrauch seit"),
        ),
    ]
