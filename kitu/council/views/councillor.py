"""Councillors' pages: ``/ratsarbeit/`` (per town: my meetings, the papers on their agendas, my notes), all
documents of a meeting as one ZIP, and private notes on papers. Everything is read through ``Visibility``;
a councillor sees the non-public items of their own bodies and nothing else beyond the public."""

from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kitu.core import errors
from kitu.core.errors import DomainError

from .. import selectors
from ..models import Body, File
from ..services import notes
from ..visibility import Level, Visibility

ZIP_SPOOL = 16 * 1024 * 1024  # bytes kept in memory before the ZIP goes to a temporary file
UNSAFE = re.compile(r"[^\w .,()+=@-]")


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Meine Notiz"),
        required=False,
        max_length=notes.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Nur Sie sehen diese Notiz. Leer speichern löscht sie."),
    )


def _body(slug: str) -> Body:
    body = selectors.public_body(slug)
    if body is None:
        raise Http404
    return body


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    towns = selectors.councillor_towns(request.user)
    if not towns:
        raise PermissionDenied
    return render(request, "council/councillor/home.html", {"towns": towns})


def safe_name(name: str, fallback: str) -> str:
    """A file name that is the same on every system: no folders, no control or odd characters."""
    name = unicodedata.normalize("NFC", name).replace("/", "_").replace("\\", "_")
    name = UNSAFE.sub("_", name).strip(" .")[:120]
    return name or fallback


def _zip_entries(files: list[tuple[str, File]]) -> list[tuple[str, File]]:
    """Each file once, in a folder per agenda item, with a name unique in its folder."""
    seen_files: set[int] = set()
    used: set[str] = set()
    entries = []
    for number, file in files:
        if file.pk in seen_files:
            continue
        seen_files.add(file.pk)
        folder = safe_name(_("TOP %(number)s") % {"number": number}, "TOP") if number else _("Sitzung")
        name = safe_name(file.file_name, f"datei-{file.pk}")
        candidate = f"{folder}/{name}"
        counter = 2
        while candidate.lower() in used:
            stem, dot, suffix = name.rpartition(".")
            candidate = f"{folder}/{stem} ({counter}).{suffix}" if dot and stem else f"{folder}/{name} ({counter})"
            counter += 1
        used.add(candidate.lower())
        entries.append((candidate, file))
    return entries


@login_required
@require_GET
def meeting_zip(request: HttpRequest, slug: str, meeting_id: int) -> FileResponse:
    """All documents of a meeting this councillor (or the council office) may see, as one ZIP file."""
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    if visibility.level is Level.PUBLIC:
        raise PermissionDenied
    meeting = selectors.meeting(visibility, meeting_id)
    if meeting is None:
        raise Http404
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL)  # noqa: SIM115 - the response closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, file in _zip_entries(selectors.meeting_files(visibility, meeting)):
            try:
                with file.content.open("rb") as source, archive.open(name, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except FileNotFoundError:
                continue
    spool.seek(0)
    filename = f"{safe_name(meeting.name, 'sitzung')}.zip"
    response = FileResponse(spool, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def paper_note(request: HttpRequest, slug: str, paper_id: int) -> HttpResponse:
    """Save (or with ``delete`` or an empty text remove) the signed-in councillor's own note on a paper."""
    body = _body(slug)
    visibility = Visibility.for_user(request.user, body)
    if visibility.level is not Level.COUNCILLOR:
        raise PermissionDenied
    paper = selectors.paper(visibility, paper_id)
    if paper is None:
        raise Http404
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _note_error(request, body, paper.pk, str(form.errors["text"][0]))
    text = "" if "delete" in request.POST else form.cleaned_data["text"]
    try:
        note = notes.note_save(actor=request.user, paper=paper, text=text)
    except errors.PermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _note_error(request, body, paper.pk, exc.message)
    messages.success(request, _("Ihre Notiz ist gespeichert.") if note else _("Ihre Notiz ist gelöscht."))
    return redirect(f"{_paper_url(body, paper.pk)}#note")


def _paper_url(body: Body, paper_id: int) -> str:
    return reverse("council:paper", args=[body.slug, paper_id])


def _note_error(request: HttpRequest, body: Body, paper_id: int, message: str) -> HttpResponse:
    context = {"body": body, "message": message, "paper_url": _paper_url(body, paper_id), "field": "text"}
    return render(request, "council/councillor/note_error.html", context, status=400)


urlpatterns = [
    path("ratsarbeit/", home, name="councillor_home"),
    path(
        "ratsarbeit/<slug:slug>/sitzungen/<int:meeting_id>/unterlagen.zip",
        meeting_zip,
        name="councillor_meeting_zip",
    ),
    path("ratsarbeit/<slug:slug>/vorlagen/<int:paper_id>/notiz/", paper_note, name="paper_note"),
]
