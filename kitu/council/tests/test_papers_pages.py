"""The council office's paper pages: who reaches them (every role, anonymous, councillors of the town and of
another town, the council office of another town), with nothing changed on a denied POST; ids of another
town; bad input (4xx naming the field, nothing saved); uploads; consultations; list filters and pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import login, make_user
from kitu.accounts.roles import Role
from kitu.core.models import AuditEntry
from kitu.council.models import Consultation, File, Paper, PaperType

from .factories import make_file, make_organization, make_paper, minimal_pdf

pytestmark = pytest.mark.django_db
BASE = "/sitzungsdienst/wernigerode/vorlagen/"


@pytest.fixture
def zeitz_office(council_world: dict[str, Any]) -> Any:
    return make_user("ratsbuero.zeitz@test.example", [(council_world["zeitz"].organisation, Role.COUNCIL_OFFICE)])


@pytest.fixture
def office_client(council_world: dict[str, Any]) -> Client:
    return login(Client(), council_world["users"]["council_office"])


def state() -> tuple[Any, ...]:
    """Everything the paper pages may change."""
    return (
        list(Paper.objects.order_by("pk").values_list("pk", "reference", "name", "date", "public", "deleted")),
        list(File.objects.order_by("pk").values_list("pk", "deleted", "content", "name")),
        list(Consultation.objects.order_by("pk").values_list("pk", "order", "role", "authoritative", "deleted")),
        sorted(Paper.originator_persons.through.objects.values_list("paper_id", "person_id")),
        sorted(Consultation.organizations.through.objects.values_list("consultation_id", "organization_id")),
        AuditEntry.objects.count(),
    )


def pdf_upload(text: str = "Begruendung Radweg", name: str = "Begründung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(text), content_type="application/pdf")


def paper_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Neubau Feuerwache Hasserode",
        "paper_type": "Beschlussvorlage",
        "date": "2026-05-04",
        "public": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- permissions ---------------------------------------------------------------------------------------------


def pages(cw: dict[str, Any]) -> list[str]:
    paper = cw["draft_paper"]
    consultation = paper.consultations.order_by("pk").first()
    assert consultation is not None
    return [
        BASE,
        BASE + "neu/",
        f"{BASE}{paper.pk}/",
        f"{BASE}{paper.pk}/bearbeiten/",
        f"{BASE}{paper.pk}/beratungen/{consultation.pk}/",
    ]


def posts(cw: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    paper = cw["draft_paper"]
    consultation = paper.consultations.order_by("pk").first()
    assert consultation is not None
    second = Consultation.objects.create(paper=paper, order=5)
    second.organizations.add(cw["committee"])
    file = make_file(paper=paper, role="auxiliary", text="Anlage")
    committee = cw["committee"].pk
    return [
        (BASE + "neu/", paper_data()),
        (f"{BASE}{paper.pk}/bearbeiten/", paper_data(reference="BV/0150/2026", name="Geändert")),
        (f"{BASE}{paper.pk}/loeschen/", {"bestaetigung": "ja"}),
        (f"{BASE}{paper.pk}/dateien/", {"datei-file": pdf_upload(), "datei-role": "auxiliary"}),
        (f"{BASE}{paper.pk}/dateien/{file.pk}/loeschen/", {"bestaetigung": "ja"}),
        (f"{BASE}{paper.pk}/beratungen/", {"beratung-organizations": [committee], "beratung-role": "Vorberatung"}),
        (
            f"{BASE}{paper.pk}/beratungen/{consultation.pk}/",
            {"beratung-organizations": [committee], "beratung-role": "Anhörung"},
        ),
        (f"{BASE}{paper.pk}/beratungen/{consultation.pk}/entfernen/", {"bestaetigung": "ja"}),
        (f"{BASE}{paper.pk}/beratungen/{consultation.pk}/verschieben/", {"richtung": "runter"}),
    ]


def test_only_the_towns_council_office_reaches_the_pages(council_world: dict[str, Any], zeitz_office: Any) -> None:
    cw = council_world
    urls = pages(cw)
    for url in urls:
        assert login(Client(), cw["users"]["council_office"]).get(url).status_code == 200, url
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    outsiders = {k: u for k, u in cw["users"].items() if k != "council_office"}
    outsiders["zeitz_office"] = zeitz_office
    assert {"councillor", "committee_councillor", "other_councillor", "coop_admin", "member_admin"} <= set(outsiders)
    for key, user in outsiders.items():
        client = login(Client(), user)
        for url in urls:
            assert client.get(url).status_code == 403, (key, url)


def test_denied_posts_change_nothing(council_world: dict[str, Any], zeitz_office: Any) -> None:
    cw = council_world
    requests = posts(cw)
    before = state()
    outsiders: dict[str, Any] = {k: u for k, u in cw["users"].items() if k != "council_office"}
    outsiders["zeitz_office"] = zeitz_office
    outsiders["anonymous"] = None
    for key, user in outsiders.items():
        client = Client() if user is None else login(Client(), user)
        for url, data in requests:
            data = {k: (pdf_upload() if k == "datei-file" else v) for k, v in data.items()}
            response = client.post(url, data)
            assert response.status_code == (302 if user is None else 403), (key, url)
            if user is None:
                assert response["Location"].startswith(reverse("accounts:login")), url
    assert state() == before


def test_the_office_of_another_town_gets_404_for_this_towns_ids(
    council_world: dict[str, Any], zeitz_office: Any
) -> None:
    cw = council_world
    requests = posts(cw)
    client = login(Client(), zeitz_office)
    before = state()
    for url in pages(cw)[2:]:
        assert client.get(url.replace("wernigerode", "zeitz")).status_code == 404, url
    for url, data in requests[1:]:
        data = {k: (pdf_upload() if k == "datei-file" else v) for k, v in data.items()}
        assert client.post(url.replace("wernigerode", "zeitz"), data).status_code == 404, url
    assert state() == before


def test_unknown_towns_and_impossible_ids_are_404(office_client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["draft_paper"]
    assert office_client.get("/sitzungsdienst/nirgendwo/vorlagen/").status_code == 404
    assert office_client.get(f"{BASE}{2**70}/").status_code == 404
    assert office_client.get(f"{BASE}{paper.pk}/beratungen/{2**70}/").status_code == 404
    assert office_client.post(f"{BASE}{paper.pk}/dateien/{2**70}/loeschen/").status_code == 404
    gone = make_paper(council_world["body"], "BV/0999/2026", "Gelöscht", deleted=True)
    assert office_client.get(f"{BASE}{gone.pk}/").status_code == 404
    # A file or consultation of another paper is not found under this one.
    other_file = council_world["public_file"]
    assert office_client.post(f"{BASE}{paper.pk}/dateien/{other_file.pk}/loeschen/").status_code == 404
    other = council_world["public_paper"].consultations.get()
    assert office_client.get(f"{BASE}{paper.pk}/beratungen/{other.pk}/").status_code == 404


# --- papers --------------------------------------------------------------------------------------------------


def test_create_a_paper_with_the_next_reference(office_client: Client, council_world: dict[str, Any]) -> None:
    cw = council_world
    year = timezone.localdate().year
    expected = "BV/0151/2026" if year == 2026 else f"BV/0001/{year}"
    assert f"für eine Beschlussvorlage jetzt {expected}" in office_client.get(BASE + "neu/").content.decode()
    response = office_client.post(
        BASE + "neu/",
        paper_data(
            originator_persons=[cw["anna"].pk],
            under_direction_of=[cw["council"].pk],
            related_references="BV/0044/2026, BV/0101/2026",
            superordinated_references="BV/0150/2026",
            date="4.5.2026",
        ),
    )
    paper = Paper.objects.get(name="Neubau Feuerwache Hasserode")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{paper.pk}/"
    assert (paper.reference, paper.date, paper.public) == ("BV/0151/2026", dt.date(2026, 5, 4), True)
    assert list(paper.originator_persons.all()) == [cw["anna"]]
    assert sorted(paper.related_papers.values_list("reference", flat=True)) == ["BV/0044/2026", "BV/0101/2026"]
    assert list(paper.superordinated_papers.all()) == [cw["draft_paper"]]
    page = office_client.get(response["Location"]).content.decode()
    assert "BV/0151/2026" in page and "Dr. Anna Schmidt" in page and "BV/0044/2026" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Betreff"),
        ({"paper_type": ""}, "paper_type", "Art der Vorlage"),
        ({"paper_type": "Gutachten"}, "paper_type", "Art der Vorlage"),
        ({"date": "31.02.2026"}, "date", "TT.MM.JJJJ"),
        ({"reference": "BV/0044/2026"}, "reference", "schon vergeben"),
        ({"related_references": "BV/0044/2026, XY/1"}, "related_references", "XY/1"),
        ({"originator_persons": ["99999999"]}, "originator_persons", "gibt es in dieser Kommune nicht"),
        ({"originator_persons": [str(2**70)]}, "originator_persons", "gibt es in dieser Kommune nicht"),
        ({"name": "x" * 501}, "name", "Betreff"),
    ],
)
def test_bad_input_is_400_at_the_field_and_saves_nothing(
    office_client: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    before = state()
    response = office_client.post(BASE + "neu/", paper_data(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in response.content.decode()
    assert state() == before


def test_ids_of_another_town_are_refused(office_client: Client, council_world: dict[str, Any]) -> None:
    cw = council_world
    zeitz_org = make_organization(cw["zeitz_body"], "Stadtrat Zeitz")
    make_paper(cw["zeitz_body"], "BV/0777/2026", "Zeitzer Vorlage")
    before = state()
    for changes, field in [
        ({"originator_persons": [cw["zeitz_person"].pk]}, "originator_persons"),
        ({"originator_organizations": [zeitz_org.pk]}, "originator_organizations"),
        ({"under_direction_of": [zeitz_org.pk]}, "under_direction_of"),
        ({"related_references": "BV/0777/2026"}, "related_references"),
    ]:
        response = office_client.post(BASE + "neu/", paper_data(**changes))
        assert response.status_code == 400 and field in response.context["form"].errors
        response = office_client.post(
            f"{BASE}{cw['draft_paper'].pk}/bearbeiten/", paper_data(reference="BV/0150/2026", **changes)
        )
        assert response.status_code == 400 and field in response.context["form"].errors
    paper = cw["draft_paper"]
    response = office_client.post(
        f"{BASE}{paper.pk}/beratungen/", {"beratung-organizations": [zeitz_org.pk], "beratung-role": "Vorberatung"}
    )
    assert response.status_code == 400 and "organizations" in response.context["consultation_form"].errors
    assert state() == before


def test_edit_a_paper(office_client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["draft_paper"]
    url = f"{BASE}{paper.pk}/bearbeiten/"
    page = office_client.get(url)
    assert page.context["form"]["reference"].value() == "BV/0150/2026"
    response = office_client.post(url, paper_data(reference="BV/0150/2026", name="Haushalt 2027", public=None))
    assert response.status_code == 302
    paper.refresh_from_db()
    assert (paper.name, paper.public, paper.date) == ("Haushalt 2027", False, dt.date(2026, 5, 4))
    response = office_client.post(url, paper_data(reference="", name="x"))
    assert response.status_code == 400 and "reference" in response.context["form"].errors
    response = office_client.post(url, paper_data(reference="BV/0150/2026", superordinated_references="BV/0150/2026"))
    assert response.status_code == 400 and "superordinated_references" in response.context["form"].errors
    assert Paper.objects.get(pk=paper.pk).name == "Haushalt 2027"


def test_delete_asks_first_then_leaves_a_tombstone(
    office_client: Client, council_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    paper = council_world["draft_paper"]
    make_file(paper=paper, text="Hebesatz")
    url = f"{BASE}{paper.pk}/loeschen/"
    before = state()
    response = office_client.post(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 geplante Beratung entfällt." in text
    assert "Vorlage BV/0150/2026 löschen?" in text and "Ihre 1 Datei wird gelöscht." in text
    assert 'name="bestaetigung"' in text
    assert state() == before
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(url, {"bestaetigung": "ja"})
    assert response.status_code == 302 and response["Location"] == BASE
    paper.refresh_from_db()
    assert paper.deleted and not paper.files.filter(deleted=False).exists()
    assert office_client.get(f"{BASE}{paper.pk}/").status_code == 404
    # A paper on an agenda is not deleted; the page says why.
    on_agenda = council_world["public_paper"]
    response = office_client.post(f"{BASE}{on_agenda.pk}/loeschen/", {"bestaetigung": "ja"}, follow=True)
    assert "steht auf einer Tagesordnung" in response.content.decode()
    assert not Paper.objects.get(pk=on_agenda.pk).deleted
    assert office_client.get(f"{BASE}{paper.pk}/loeschen/").status_code == 405


# --- files ---------------------------------------------------------------------------------------------------


def test_upload_a_file_and_find_its_text(office_client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["draft_paper"]
    response = office_client.post(
        f"{BASE}{paper.pk}/dateien/",
        {"datei-file": pdf_upload("Grundsteuer Hebesatz"), "datei-role": "main", "datei-name": ""},
    )
    assert response.status_code == 302 and response["Location"] == f"{BASE}{paper.pk}/#dateien"
    file = paper.files.get()
    assert (file.name, file.file_name, file.role, file.mime_type) == (
        "Begründung",
        "Begründung.pdf",
        "main",
        "application/pdf",
    )
    paper.refresh_from_db()
    assert "Grundsteuer Hebesatz" in paper.search_text
    page = office_client.get(f"{BASE}{paper.pk}/").content.decode()
    assert "Begründung.pdf" in page
    listed = office_client.get(BASE, {"q": "BV/0150"})
    assert [p.pk for p in listed.context["papers"]] == [paper.pk]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.pdf", b"MZ\x90\x00 program", content_type="application/pdf"), "nicht erlaubt"),
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4 kaputt", content_type="application/pdf"), "beschädigt"),
        (SimpleUploadedFile("leer.pdf", b"", content_type="application/pdf"), "leer"),
        (None, "Bitte wählen Sie eine Datei aus."),
    ],
)
def test_bad_uploads_are_400_at_the_file_field_and_store_nothing(
    office_client: Client, council_world: dict[str, Any], upload: Any, message: str
) -> None:
    paper = council_world["draft_paper"]
    before = state()
    data: dict[str, Any] = {"datei-role": "auxiliary"}
    if upload is not None:
        data["datei-file"] = upload
    response = office_client.post(f"{BASE}{paper.pk}/dateien/", data)
    assert response.status_code == 400
    assert "file" in response.context["file_form"].errors
    assert message in response.content.decode()
    assert state() == before


@override_settings(KITU_COUNCIL_MAX_UPLOAD_BYTES=500)
def test_too_large_upload_is_400(office_client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["draft_paper"]
    before = state()
    response = office_client.post(f"{BASE}{paper.pk}/dateien/", {"datei-file": pdf_upload(), "datei-role": "main"})
    assert response.status_code == 400 and "zu groß" in response.content.decode()
    assert state() == before


def test_second_main_file_is_refused_at_the_role(office_client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["public_paper"]  # has a main file
    before = state()
    response = office_client.post(f"{BASE}{paper.pk}/dateien/", {"datei-file": pdf_upload(), "datei-role": "main"})
    assert response.status_code == 400 and "role" in response.context["file_form"].errors
    assert state() == before


def test_delete_a_file_after_confirmation(
    office_client: Client, council_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    paper, file = council_world["public_paper"], council_world["public_file"]
    url = f"{BASE}{paper.pk}/dateien/{file.pk}/loeschen/"
    before = state()
    response = office_client.post(url)
    assert response.status_code == 200 and "löschen?" in response.content.decode()
    assert state() == before
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(url, {"bestaetigung": "ja"})
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.deleted
    assert office_client.post(url, {"bestaetigung": "ja"}).status_code == 404


# --- consultations -------------------------------------------------------------------------------------------


def test_plan_change_reorder_and_remove_consultations(office_client: Client, council_world: dict[str, Any]) -> None:
    cw = council_world
    paper = cw["draft_paper"]
    (first,) = paper.consultations.all()
    url = f"{BASE}{paper.pk}/beratungen/"
    response = office_client.post(
        url,
        {"beratung-organizations": [cw["committee"].pk], "beratung-role": "Vorberatung", "beratung-authoritative": ""},
    )
    assert response.status_code == 302
    second = paper.consultations.exclude(pk=first.pk).get()
    assert (second.role, second.authoritative, list(second.organizations.all())) == (
        "Vorberatung",
        False,
        [cw["committee"]],
    )

    def path() -> list[int]:
        return list(paper.consultations.filter(deleted=False).order_by("order", "pk").values_list("pk", flat=True))

    assert path() == [first.pk, second.pk]
    assert office_client.post(f"{url}{second.pk}/verschieben/", {"richtung": "hoch"}).status_code == 302
    assert path() == [second.pk, first.pk]
    assert office_client.post(f"{url}{second.pk}/verschieben/", {"richtung": "seitwärts"}).status_code == 400
    assert path() == [second.pk, first.pk]
    response = office_client.post(
        f"{url}{second.pk}/",
        {"beratung-organizations": [cw["council"].pk], "beratung-role": "Entscheidung", "beratung-authoritative": "on"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.role, second.authoritative) == ("Entscheidung", True)
    response = office_client.post(f"{url}{second.pk}/", {"beratung-role": "Entscheidung"})
    assert response.status_code == 400 and "organizations" in response.context["form"].errors
    response = office_client.post(f"{url}{second.pk}/entfernen/")
    assert response.status_code == 200 and "Beratung entfernen?" in response.content.decode()
    assert office_client.post(f"{url}{second.pk}/entfernen/", {"bestaetigung": "ja"}).status_code == 302
    assert path() == [first.pk]
    page = office_client.get(f"{BASE}{paper.pk}/").content.decode()
    assert "noch nicht auf einer Tagesordnung" in page


def test_consultation_on_an_agenda_cannot_be_removed(office_client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["public_paper"]
    consultation = paper.consultations.get()
    page = office_client.get(f"{BASE}{paper.pk}/").content.decode()
    assert "TOP 1" in page and "entfernen …" not in page
    response = office_client.post(
        f"{BASE}{paper.pk}/beratungen/{consultation.pk}/entfernen/", {"bestaetigung": "ja"}, follow=True
    )
    assert "steht schon auf einer Tagesordnung" in response.content.decode()
    assert not Consultation.objects.get(pk=consultation.pk).deleted


# --- list ----------------------------------------------------------------------------------------------------


def test_list_filters_by_type_year_and_text(office_client: Client, council_world: dict[str, Any]) -> None:
    body = council_world["body"]
    make_paper(
        body, "AF/0001/2025", "Anfrage Straßenbeleuchtung", paper_type=PaperType.QUESTION, date=dt.date(2025, 6, 1)
    )
    make_paper(body, "BV/0999/2026", "Gelöscht", deleted=True)
    make_paper(council_world["zeitz_body"], "BV/0001/2026", "Zeitz Haushalt")

    def refs(**params: str) -> list[str]:
        response = office_client.get(BASE, params)
        assert response.status_code == 200
        return [p.reference for p in response.context["papers"]]

    everything = refs()
    assert everything == [
        "BV/0150/2026",
        "BV/0102/2026",
        "BV/0101/2026",
        "BV/0045/2026",
        "BV/0044/2026",
        "AF/0001/2025",
    ]
    assert refs(art="Anfrage") == ["AF/0001/2025"]
    assert refs(jahr="2025") == ["AF/0001/2025"]
    assert refs(q="haushalt") == ["BV/0150/2026"]
    assert refs(q="0045") == ["BV/0045/2026"]
    assert refs(art="Unsinn", jahr="abc", page="x") == everything  # bad filters are ignored, not a 500
    assert refs(jahr="99999999999999999999") == everything
    assert refs(jahr="²⁰²⁵") == everything  # digits, but not ASCII ones
    assert refs(q="x" * 5000) == []
    page = office_client.get(BASE, {"art": "Anfrage"}).content.decode()
    assert "nicht öffentlich" not in page and "Anfrage Straßenbeleuchtung" in page


def test_list_has_pages(office_client: Client, council_world: dict[str, Any]) -> None:
    body = council_world["body"]
    Paper.objects.bulk_create(
        [Paper(body=body, reference=f"IV/{n:04d}/2024", name=f"Info {n}", date=dt.date(2024, 1, 1)) for n in range(60)]
    )
    first = office_client.get(BASE, {"jahr": "2024"})
    assert len(first.context["papers"]) == 50
    assert "jahr=2024&amp;page=2" in first.content.decode()
    second = office_client.get(BASE, {"jahr": "2024", "page": "2"})
    assert len(second.context["papers"]) == 10


def test_tables_scroll_in_their_own_box_on_a_phone(office_client: Client, council_world: dict[str, Any]) -> None:
    html = office_client.get(BASE).content.decode()
    assert html.count("<table") == html.count('<div class="kern-table-responsive"') == 1
    assert html.count('scope="col"') == 6 and html.count('scope="row"') == 5
