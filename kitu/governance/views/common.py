from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

from kitu.core.errors import NotFound


def found(call: Callable[[], Any]) -> Any:
    """A selector's NotFound as the 404 page."""
    try:
        return call()
    except NotFound:
        raise Http404 from None


def pdf_response(request: HttpRequest, file: FieldFile, name: str) -> FileResponse:
    if not file:
        raise Http404
    response = FileResponse(file.open("rb"), content_type="application/pdf", as_attachment=False, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
