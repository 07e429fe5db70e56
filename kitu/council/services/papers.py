"""Papers (Vorlagen) of the council office: written, changed and deleted (tombstone) by the council office
of the paper's town, with their consultations (the planned path through the bodies) and the search text."""

from __future__ import annotations

from django.db.models import Q

from ..models import File, Paper

# The search text a paper keeps: reference, subject and the text of its files, at most this many
# characters (PostgreSQL's tsvector holds at most 1 MB; the text of one file is limited in files.py).
SEARCH_TEXT_MAX = 300_000


def refresh_search_text(paper: Paper) -> None:
    """Rebuild ``paper.search_text`` from its reference, subject and the text of its files that are not
    deleted (called by the services whenever one of them changes)."""
    texts = File.objects.filter(Q(paper=paper) & Q(deleted=False)).order_by("pk").values_list("text", flat=True)
    parts = [paper.reference, paper.name, *(text for text in texts if text)]
    paper.search_text = "\n".join(parts)[:SEARCH_TEXT_MAX]
    paper.save(update_fields=["search_text", "modified"])
