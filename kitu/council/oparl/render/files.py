"""The OParl File object, embedded in Meeting, AgendaItem and Paper or fetched on its own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kitu.council.models import File

from ..http import iso_date
from .base import Ctx, head_of, put_value, tail_of


def file(ctx: Ctx, doc: File, embedded: bool = False) -> dict[str, Any]:
    data = head_of(ctx, "file", "File", doc.pk)
    put_value(data, "name", doc.name)
    put_value(data, "fileName", doc.file_name)
    put_value(data, "mimeType", doc.mime_type)
    put_value(data, "date", iso_date(doc.date))
    data["size"] = doc.size
    put_value(data, "sha512Checksum", doc.sha512)
    if not embedded:  # the text can be long: with the file itself and in the file list, not in every paper
        put_value(data, "text", doc.text)
    url = data["id"]
    data["accessUrl"] = url + "/access"
    data["downloadUrl"] = url + "/download"
    put_value(data, "fileLicense", doc.license)
    if not embedded:
        if doc.paper_id:
            data["paper"] = [ctx.url("paper", doc.paper_id)]
        elif doc.meeting_id:
            data["meeting"] = [ctx.url("meeting", doc.meeting_id)]
        elif doc.agenda_item_id:
            data["agendaItem"] = [ctx.url("agendaItem", doc.agenda_item_id)]
    return tail_of(data, doc)


def prepare_files(files: QuerySet[File], ctx: Ctx) -> QuerySet[File]:
    return files
