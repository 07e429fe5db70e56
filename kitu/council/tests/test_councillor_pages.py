"""Councillors' pages: /ratsarbeit/ (my meetings, papers, notes), the meeting ZIP (exactly the files the
reader may see) and private notes (only the author; nothing changed on any denial)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES, login, make_user
from kitu.accounts.roles import Role
from kitu.core.models import AuditEntry
from kitu.council.models import File, PaperNote
from kitu.council.views.councillor import safe_name

from .factories import make_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(council_world: dict[str, Any]) -> dict[str, Any]:
    """The council world with the invited meeting a week ahead (whatever today is) and Zeitz's office."""
    invited = council_world["invited"]
    invited.start = timezone.now() + dt.timedelta(days=7)
    invited.end = invited.start + dt.timedelta(hours=3)
    invited.save()
    zeitz_office = make_user("ratsbuero@zeitz.example", [(council_world["zeitz"].organisation, Role.COUNCIL_OFFICE)])
    return {**council_world, "users": {**council_world["users"], "zeitz_office": zeitz_office}}


def as_user(cw: dict[str, Any], who: str | None) -> Client:
    return login(Client(), cw["users"][who]) if who else Client()


PUBLIC_READERS = [*[role for role in ROLES if role], "other_councillor", "zeitz_office"]

# --- the councillor's start page ------------------------------------------------------------------------------


def test_home_shows_my_meetings_papers_and_notes(cw: dict[str, Any]) -> None:
    PaperNote.objects.create(paper=cw["secret_paper"], author=cw["users"]["councillor"], text="Preis nachfragen")
    text = as_user(cw, "councillor").get(reverse("council:councillor_home")).content.decode()
    assert "Stadt Wernigerode" in text and "als Dr. Anna Schmidt" in text
    upcoming = text.split("Meine nächsten Sitzungen")[1].split("Vorlagen auf diesen Tagesordnungen")[0]
    assert cw["invited"].name in upcoming and cw["scheduled"].name in upcoming
    papers = text.split("Vorlagen auf diesen Tagesordnungen")[1].split("Meine vergangenen Sitzungen")[0]
    assert "BV/0101/2026" in papers and "BV/0102/2026" in papers and "nicht öffentlich" in papers
    past = text.split("Meine vergangenen Sitzungen")[1].split("Meine Notizen")[0]
    assert cw["published"].name in past
    assert "Preis nachfragen" in text.split("Meine Notizen")[1]
    assert reverse("council:councillor_meeting_zip", args=["wernigerode", cw["invited"].pk]) in text


def test_home_of_a_committee_member_shows_only_their_bodies(cw: dict[str, Any]) -> None:
    PaperNote.objects.create(paper=cw["invited_paper"], author=cw["users"]["councillor"], text="Annas Gedanke")
    text = as_user(cw, "committee_councillor").get(reverse("council:councillor_home")).content.decode()
    assert cw["invited"].name in text
    assert cw["scheduled"].name not in text and cw["published"].name not in text
    assert "Annas Gedanke" not in text
    assert "Sie haben noch keine Notizen." in text


def test_council_sees_non_public_papers_marked(cw: dict[str, Any]) -> None:
    for who in ("councillor", "council_office"):
        text = as_user(cw, who).get(reverse("council:papers", args=["wernigerode"])).content.decode()
        rows = {row.split("</a>")[0].split(">")[-1]: row for row in text.split("<li>")[1:]}
        secret = next(row for title, row in rows.items() if title.startswith("BV/0045/2026"))
        public = next(row for title, row in rows.items() if title.startswith("BV/0044/2026"))
        assert "nicht öffentlich" in secret.split("</li>")[0] and "nicht öffentlich" not in public.split("</li>")[0]
        page = as_user(cw, who).get(reverse("council:paper", args=["wernigerode", cw["secret_paper"].pk]))
        assert "nicht öffentlich" in page.content.decode()


def test_home_permissions(cw: dict[str, Any]) -> None:
    url = reverse("council:councillor_home")
    assert Client().get(url).status_code == 302  # to the login
    for who in [*PUBLIC_READERS, "council_office"]:
        if who == "other_councillor":
            continue
        assert as_user(cw, who).get(url).status_code == 403, who
    zeitz = as_user(cw, "other_councillor").get(url)
    assert zeitz.status_code == 200
    text = zeitz.content.decode()
    assert "Stadt Zeitz" in text and "Wernigerode" not in text


# --- the meeting ZIP ------------------------------------------------------------------------------------------


def zip_of(client: Client, cw: dict[str, Any], meeting: str) -> dict[str, bytes]:
    response = client.get(reverse("council:councillor_meeting_zip", args=["wernigerode", cw[meeting].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_zip_holds_exactly_the_files_the_councillor_may_see(cw: dict[str, Any]) -> None:
    anna = zip_of(as_user(cw, "councillor"), cw, "published")
    assert set(anna) == {
        "Sitzung/Niederschrift oeffentlich.pdf",
        "TOP 1/Bebauungsplan Begruendung.pdf",
        "TOP 2/Kaufpreis Lindenallee geheim.pdf",
    }
    assert anna["TOP 2/Kaufpreis Lindenallee geheim.pdf"] == cw["secret_file"].content.open("rb").read()
    bernd = zip_of(as_user(cw, "committee_councillor"), cw, "published")
    assert set(bernd) == {"Sitzung/Niederschrift oeffentlich.pdf", "TOP 1/Bebauungsplan Begruendung.pdf"}
    assert set(zip_of(as_user(cw, "committee_councillor"), cw, "invited")) == {"TOP 2/Angebote Winterdienst geheim.pdf"}
    office = zip_of(as_user(cw, "council_office"), cw, "published")
    assert "TOP 2/Kaufpreis Lindenallee geheim.pdf" in office


def test_zip_leaves_out_deleted_files_and_unpublished_results(cw: dict[str, Any]) -> None:
    secret = cw["secret_file"]
    secret.deleted = True
    secret.save()
    meeting = cw["published"]
    meeting.state = "durchgeführt"
    meeting.save()
    names = set(zip_of(as_user(cw, "councillor"), cw, "published"))
    assert "TOP 2/Kaufpreis Lindenallee geheim.pdf" not in names
    assert "Sitzung/Niederschrift oeffentlich.pdf" in names  # a councillor sees results once held
    meeting.state = "eingeladen"
    meeting.save()
    assert "Sitzung/Niederschrift oeffentlich.pdf" not in set(zip_of(as_user(cw, "councillor"), cw, "published"))


def test_zip_names_are_unique_and_safe(cw: dict[str, Any]) -> None:
    paper = cw["public_paper"]
    for name in ("../../etc/passwd", "Bebauungsplan Begruendung.pdf", "bebauungsplan begruendung.pdf", "\x01.pdf"):
        f = make_file(paper=paper, text="x")
        File.objects.filter(pk=f.pk).update(file_name=name)
    names = set(zip_of(as_user(cw, "councillor"), cw, "published"))
    top1 = sorted(n for n in names if n.startswith("TOP 1/"))
    assert top1 == [
        "TOP 1/Bebauungsplan Begruendung (2).pdf",
        "TOP 1/Bebauungsplan Begruendung.pdf",
        "TOP 1/_.._etc_passwd",
        "TOP 1/_.pdf",
        "TOP 1/bebauungsplan begruendung (3).pdf",
    ]
    for name in names:
        assert not name.startswith("/") and ".." not in name.split("/")
        assert len(name.split("/")) == 2
    assert len({n.lower() for n in names}) == len(names)
    assert safe_name("", "datei-1") == "datei-1"
    assert safe_name("a/b\\c:d*e?.pdf", "x") == "a_b_c_d_e_.pdf"


def test_zip_permissions(cw: dict[str, Any]) -> None:
    url = reverse("council:councillor_meeting_zip", args=["wernigerode", cw["published"].pk])
    assert Client().get(url).status_code == 302
    for who in PUBLIC_READERS:
        assert as_user(cw, who).get(url).status_code == 403, who
    anna = as_user(cw, "councillor")
    assert anna.get(reverse("council:councillor_meeting_zip", args=["wernigerode", 999999])).status_code == 404
    assert anna.get(reverse("council:councillor_meeting_zip", args=["zeitz", cw["published"].pk])).status_code == 403
    assert anna.post(url).status_code == 405


# --- private notes --------------------------------------------------------------------------------------------


def note_url(cw: dict[str, Any], paper: str, slug: str = "wernigerode") -> str:
    return reverse("council:paper_note", args=[slug, cw[paper].pk])


def paper_page(client: Client, cw: dict[str, Any], paper: str) -> str:
    response = client.get(reverse("council:paper", args=["wernigerode", cw[paper].pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_note_create_update_delete_seen_by_author_only(cw: dict[str, Any]) -> None:
    anna = as_user(cw, "councillor")
    response = anna.post(note_url(cw, "invited_paper"), {"text": "Radweg: Kosten nachfragen"})
    assert response.status_code == 302 and response["Location"].endswith("#note")
    note = PaperNote.objects.get()
    assert (note.author, note.paper, note.text) == (
        cw["users"]["councillor"],
        cw["invited_paper"],
        "Radweg: Kosten nachfragen",
    )
    assert "Radweg: Kosten nachfragen" in paper_page(anna, cw, "invited_paper")
    for who in ("committee_councillor", "council_office", None, "requester"):
        text = paper_page(as_user(cw, who), cw, "invited_paper")
        assert "Kosten nachfragen" not in text, who
    assert "Meine Notiz" in paper_page(as_user(cw, "committee_councillor"), cw, "invited_paper")
    anna.post(note_url(cw, "invited_paper"), {"text": "Neue Fassung"})
    assert PaperNote.objects.get().text == "Neue Fassung"
    anna.post(note_url(cw, "invited_paper"), {"text": "egal", "delete": "1"})
    assert not PaperNote.objects.exists()
    anna.post(note_url(cw, "invited_paper"), {"text": "wieder da"})
    anna.post(note_url(cw, "invited_paper"), {"text": "   "})
    assert not PaperNote.objects.exists()
    entries = AuditEntry.objects.filter(object_type="council.PaperNote")
    assert entries.count() == 5
    assert not any("Kosten" in str(e.changes) or "Fassung" in str(e.changes) for e in entries)


def test_notes_never_in_search_or_feed(cw: dict[str, Any]) -> None:
    anna = as_user(cw, "councillor")
    anna.post(note_url(cw, "invited_paper"), {"text": "Zauberwort"})
    for client in (Client(), anna):
        text = client.get(reverse("council:papers", args=["wernigerode"]), {"q": "Zauberwort"}).content.decode()
        assert "BV/0101/2026" not in text
    assert b"Zauberwort" not in Client().get(reverse("council:ical", args=["wernigerode"])).content


def test_note_too_long_is_refused_naming_the_field(cw: dict[str, Any]) -> None:
    anna = as_user(cw, "councillor")
    anna.post(note_url(cw, "invited_paper"), {"text": "vorher"})
    response = anna.post(note_url(cw, "invited_paper"), {"text": "x" * 10_001})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-field="text"' in text and "Meine Notiz" in text
    assert PaperNote.objects.get().text == "vorher"


@pytest.mark.parametrize("who", [None, *PUBLIC_READERS, "council_office"])
def test_note_denied_changes_nothing(cw: dict[str, Any], who: str | None) -> None:
    existing = PaperNote.objects.create(paper=cw["public_paper"], author=cw["users"]["councillor"], text="Annas")
    client = as_user(cw, who)
    for paper in ("public_paper", "invited_paper", "secret_paper"):
        response = client.post(note_url(cw, paper), {"text": "fremd"})
        assert response.status_code in (302, 403) if who is None else response.status_code == 403, (who, paper)
        if who is None:
            assert "/konto/anmelden/" in response["Location"]
        response = client.post(note_url(cw, paper), {"text": "", "delete": "1"})
        assert response.status_code in (302, 403)
    assert list(PaperNote.objects.values_list("pk", "text")) == [(existing.pk, "Annas")]


def test_note_on_a_paper_the_councillor_may_not_see_is_404(cw: dict[str, Any]) -> None:
    bernd = as_user(cw, "committee_councillor")
    for paper in ("secret_paper", "draft_paper"):
        assert bernd.post(note_url(cw, paper), {"text": "x"}).status_code == 404
    assert bernd.post(note_url(cw, "invited_paper", slug="zeitz"), {"text": "x"}).status_code == 403
    assert bernd.get(note_url(cw, "invited_paper")).status_code == 405
    assert not PaperNote.objects.exists()


def test_a_note_of_another_councillor_is_untouched(cw: dict[str, Any]) -> None:
    PaperNote.objects.create(paper=cw["invited_paper"], author=cw["users"]["councillor"], text="Annas")
    bernd = as_user(cw, "committee_councillor")
    bernd.post(note_url(cw, "invited_paper"), {"text": "", "delete": "1"})
    bernd.post(note_url(cw, "invited_paper"), {"text": "Bernds"})
    notes = dict(PaperNote.objects.values_list("author__email", "text"))
    assert notes == {"anna.ratsmitglied@test.example": "Annas", "bernd.ausschuss@test.example": "Bernds"}
    assert "Annas" not in paper_page(bernd, cw, "invited_paper")
