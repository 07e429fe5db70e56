"""Photos (metadata removed, checked), the reporter's e-mail opt-in and status mails, the department's mail,
internal notes, merging duplicates, inbox filters and retention."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import ROLES
from kitu.core.actors import SYSTEM
from kitu.core.errors import DomainError, PermissionDenied
from kitu.defects import optin, photos, retention, services
from kitu.defects.models import Note, Photo, Report
from kitu.defects.selectors import duplicate_candidates

pytestmark = pytest.mark.django_db
NOT_CASE_WORKERS = [r for r in ROLES if r != "case_worker"]  # every other role, anonymous included

GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (2400, 1200), orientation: int = 1) -> bytes:
    """A camera-like JPEG: maker, serial number, GPS position and an orientation in its EXIF block."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 4, size[1]))  # a blue stripe on the left edge
    exif = Image.Exif()
    exif[0x010F] = "KameraHersteller"
    exif[0xA431] = "SN-123456"
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (51.0, 50.0, 7.2), 3: "E", 4: (10.0, 47.0, 7.1)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Max Mustermann")
    return out.getvalue()


def upload(content: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_photo_metadata_is_removed_and_the_photo_scaled_and_turned_upright() -> None:
    original = jpeg_with_gps(orientation=6)  # the camera was held upright: turn 90° clockwise
    opened = Image.open(io.BytesIO(original))
    assert opened.getexif().get_ifd(GPS_IFD)[2] == (51.0, 50.0, 7.2)
    assert b"SN-123456" in original and b"Max Mustermann" in original
    clean = photos.clean(io.BytesIO(original), name="IMG_0001.jpg", size=len(original))
    assert (clean.width, clean.height) == (800, 1600)
    result = Image.open(io.BytesIO(clean.content))
    assert result.format == "JPEG" and result.size == (800, 1600)
    assert dict(result.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(result.info)
    for secret in (b"Exif", b"SN-123456", b"KameraHersteller", b"Max Mustermann"):
        assert secret not in clean.content
    assert result.getpixel((400, 10))[2] > 150  # the blue stripe is now at the top


@pytest.mark.parametrize(
    ("content", "name", "size", "message"),
    [
        (b"%PDF-1.7 not an image", "rechnung.pdf", 22, "rechnung.pdf ist kein lesbares Foto (JPEG, PNG oder WebP)."),
        (b"x", "gross.jpg", 10 * 1024 * 1024 + 1, "gross.jpg ist größer als 10 MB."),
    ],
)
def test_photo_checks(content: bytes, name: str, size: int, message: str) -> None:
    with pytest.raises(DomainError) as error:
        photos.clean(io.BytesIO(content), name=name, size=size)
    assert error.value.message == message and error.value.field == "photos"


def test_gif_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(DomainError) as error:
        photos.clean(io.BytesIO(out.getvalue()), name="a.gif", size=out.tell())
    assert error.value.message == "a.gif ist kein Foto im Format JPEG, PNG oder WebP."


def test_citizen_uploads_photos_through_the_form(defect_world: dict[str, Any]) -> None:
    client = Client()
    url = reverse("defects:town", args=["wernigerode"])
    data = {"category": "strassenschaden", "description": "Schlagloch", "address": "Markt 1"}
    four = [upload(jpeg_with_gps((300, 200)), f"{n}.jpg") for n in range(4)]
    refused = client.post(url, {**data, "photos": four})
    assert refused.status_code == 400 and "Höchstens 3 Fotos." in refused.content.decode()
    bad = client.post(url, {**data, "photos": [upload(jpeg_with_gps((300, 200))), upload(b"GIF89a", "x.gif")]})
    assert bad.status_code == 400 and "x.gif ist kein lesbares Foto" in bad.content.decode()
    assert (Report.objects.count(), Photo.objects.count()) == (0, 0)  # nothing half-written
    response = client.post(url, {**data, "photos": [upload(jpeg_with_gps((300, 200)))]})
    report = Report.objects.get()
    photo = report.photos.get()
    assert response.status_code == 302 and (photo.width, photo.height) == (300, 200)
    assert photo.image.name.startswith("defects/") and "IMG_0001" not in photo.image.name
    stored = photo.image.read()
    assert b"Exif" not in stored and Image.open(io.BytesIO(stored)).size == (300, 200)
    own = client.get(reverse("defects:track_photo", args=["wernigerode", report.token, photo.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg" and b"".join(own.streaming_content) == stored
    track_page = client.get(reverse("defects:track", args=["wernigerode", report.token])).content.decode()
    assert reverse("defects:track_photo", args=["wernigerode", report.token, photo.pk]) in track_page
    public = reverse("defects:photo", args=[photo.pk])
    assert client.get(public).status_code == 404  # not published yet
    Report.objects.filter(pk=report.pk).update(is_published=True)
    assert client.get(public).status_code == 200


def test_photo_of_an_unpublished_report_only_for_the_towns_case_workers(
    defect_world: dict[str, Any], client_for: Any
) -> None:
    w = defect_world
    report = services.report_create(
        service=w["w_service"],
        category_code="strassenschaden",
        description="Schlagloch",
        address="Markt 1",
        uploads=[(io.BytesIO(jpeg_with_gps((100, 100))), "a.jpg", 1000)],
    )
    url = reverse("defects:photo", args=[report.photos.get().pk])
    for role in NOT_CASE_WORKERS:
        assert client_for(role).get(url).status_code == 404, role
    assert client_for("case_worker").get(url).status_code == 200


def test_moderation_deletes_a_photo(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    report = services.report_create(
        service=w["w_service"],
        category_code="strassenschaden",
        description="Schlagloch",
        address="Markt 1",
        uploads=[(io.BytesIO(jpeg_with_gps((100, 100))), "a.jpg", 1000)] * 2,
    )
    first, second = report.photos.all()
    storage, name = first.image.storage, first.image.name
    url = reverse("defects:photo_delete", args=[report.pk, first.pk])
    for role in NOT_CASE_WORKERS:
        client_for(role).post(url)
    assert report.photos.count() == 2
    worker = client_for("case_worker")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert worker.post(url).status_code == 302
    assert list(report.photos.all()) == [second] and not storage.exists(name)


def test_double_opt_in_then_status_mails(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    with TestCase.captureOnCommitCallbacks(execute=True):
        Client().post(
            reverse("defects:town", args=["wernigerode"]),
            {"category": "beleuchtung", "description": "Laterne aus", "address": "Markt 1", "email": "b@example.org"},
        )
    report = Report.objects.get()
    department, confirm = mail.outbox
    assert department.to == ["licht@wernigerode.example"]
    assert department.subject == f"Neue Mängelmeldung wernigerode-{report.pk}: Straßenbeleuchtung"
    assert "Laterne aus" in department.body and f"/maengel/bearbeitung/{report.pk}/" in department.body
    assert (
        confirm.to == ["b@example.org"]
        and confirm.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse (Stadt Wernigerode)"
    )
    link = next(line for line in confirm.body.splitlines() if "/maengel/bestaetigen/" in line)
    case = reverse("defects:case", args=[report.pk])
    answer = {
        "status": "in_progress",
        "status_notes": "Bauhof informiert",
        "category": w["light"].pk,
        "description": "Laterne aus",
    }
    worker = client_for("case_worker")
    with TestCase.captureOnCommitCallbacks(execute=True):
        worker.post(case, answer)
    assert len(mail.outbox) == 2  # not confirmed: no status mail
    forged = Client().get(reverse("defects:confirm", args=["eyJyIjoxfQ:forged:sig"]))
    assert forged.status_code == 400 and "Der Bestätigungslink ist ungültig." in forged.content.decode()
    confirmed = Client().get(link[link.index("/maengel/") :], follow=True)
    assert "Ihre E-Mail-Adresse ist bestätigt" in confirmed.content.decode()
    report.refresh_from_db()
    assert report.email_confirmed_at is not None
    with TestCase.captureOnCommitCallbacks(execute=True):
        worker.post(case, {**answer, "status_notes": "Bauhof kommt Montag"})  # same status: no mail
        worker.post(case, {**answer, "status": "closed", "status_notes": "Leuchtmittel getauscht"})
    status = mail.outbox[-1]
    assert len(mail.outbox) == 3 and status.to == ["b@example.org"]
    assert status.subject == "Ihre Mängelmeldung: erledigt" and "Leuchtmittel getauscht" in status.body


def test_expired_or_changed_confirmation_link(defect_world: dict[str, Any]) -> None:
    report = services.report_create(
        service=defect_world["w_service"],
        category_code="beleuchtung",
        description="x",
        address="Markt 1",
        email="a@example.org",
    )
    code = optin.optin_code(report)
    Report.objects.filter(pk=report.pk).update(email="other@example.org")
    with pytest.raises(DomainError, match="ungültig"):
        services.email_confirm(code=code)
    Report.objects.filter(pk=report.pk).update(email="a@example.org")
    later = timezone.now() + dt.timedelta(days=15)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: later.timestamp())
        with pytest.raises(DomainError, match="abgelaufen"):
            services.email_confirm(code=code)
    assert services.email_confirm(code=code).email_confirmed_at is not None


def test_category_case_workers_get_the_new_report(defect_world: dict[str, Any]) -> None:
    w = defect_world
    w["road"].case_workers.set([w["users"]["case_worker"]])
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.report_create(
            service=w["w_service"], category_code="strassenschaden", description="x", address="Markt 1"
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["caseworker@test.example", "tiefbau@wernigerode.example"]


def test_internal_notes_stay_internal(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    report = services.report_create(
        service=w["w_service"], category_code="strassenschaden", description="x", address="Markt 1"
    )
    url = reverse("defects:note", args=[report.pk])
    for role in NOT_CASE_WORKERS:
        assert client_for(role).post(url, {"text": "Anwohner angerufen"}).status_code in (302, 404)
    assert Note.objects.count() == 0
    worker = client_for("case_worker")
    assert worker.post(url, {"text": "Anwohner angerufen"}).status_code == 302
    note = Note.objects.get()
    assert (note.text, note.author) == ("Anwohner angerufen", w["users"]["case_worker"])
    assert "Anwohner angerufen" in worker.get(reverse("defects:case", args=[report.pk])).content.decode()
    Report.objects.filter(pk=report.pk).update(is_published=True)
    public = Client()
    assert "Anwohner angerufen" not in public.get(reverse("defects:town", args=["wernigerode"])).content.decode()
    assert (
        "Anwohner angerufen"
        not in public.get(reverse("defects:track", args=["wernigerode", report.token])).content.decode()
    )
    assert (
        "Anwohner angerufen"
        not in public.get(f"/open311/v2/requests/{report.pk}.json?jurisdiction_id=wernigerode").content.decode()
    )


def test_nearby_reports_are_suggested_and_merged(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world

    def at(lat: str, lon: str, code: str = "strassenschaden") -> Report:
        return services.report_create(service=w["w_service"], category_code=code, description="Loch", lat=lat, lon=lon)

    original = at("51.834000", "10.785000")
    near = at("51.834500", "10.785500")  # about 66 m away
    far = at("51.840000", "10.785000")  # about 667 m away
    other_kind = at("51.834100", "10.785100", "beleuchtung")
    report = at("51.834050", "10.785050")
    suggestions = [(r.pk, d) for r, d in duplicate_candidates(report)]
    assert suggestions == [(original.pk, 7), (near.pk, 59)]
    assert far.pk not in dict(suggestions) and other_kind.pk not in dict(suggestions)
    worker = client_for("case_worker")
    page = worker.get(reverse("defects:case", args=[report.pk])).content.decode()
    assert "7 m entfernt" in page and f"als Duplikat von {original.pk} schließen" in page
    url = reverse("defects:merge", args=[report.pk])
    for role in NOT_CASE_WORKERS:
        client_for(role).post(url, {"into": original.pk})
    assert Report.objects.get(pk=report.pk).duplicate_of_id is None
    zeitz_report = services.report_create(
        service=w["z_service"], category_code="muell", description="x", address="Markt 1"
    )
    worker.post(url, {"into": zeitz_report.pk})
    assert Report.objects.get(pk=report.pk).duplicate_of_id is None
    assert worker.post(url, {"into": original.pk}).status_code == 302
    report.refresh_from_db()
    assert (report.duplicate_of_id, report.status) == (original.pk, "closed")
    assert (
        report.status_notes == f"Dieser Mangel wurde bereits gemeldet (Meldung {original.pk}); wir bearbeiten ihn dort."
    )
    assert report.pk not in [r.pk for r, _d in duplicate_candidates(near)]
    with pytest.raises(DomainError, match="selbst ein Duplikat"):
        services.report_merge(actor=w["users"]["case_worker"], report=near, into=report)
    with pytest.raises(PermissionDenied):
        services.report_merge(actor=w["users"]["member_admin"], report=near, into=original)


def test_inbox_filters_by_date_and_area(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    inside = services.report_create(
        service=w["w_service"], category_code="strassenschaden", description="x", lat="51.834", lon="10.785"
    )
    outside = services.report_create(
        service=w["w_service"], category_code="strassenschaden", description="x", lat="51.850", lon="10.760"
    )
    Report.objects.filter(pk=outside.pk).update(requested_at=timezone.now() - dt.timedelta(days=40))
    worker = client_for("case_worker")

    def shown(query: str) -> set[int]:
        page = worker.get(reverse("defects:inbox") + query).content.decode()
        return {r.pk for r in (inside, outside) if f"wernigerode-{r.pk}<" in page}

    assert shown("") == {inside.pk, outside.pk}
    assert shown("?bbox=51.83,10.78,51.84,10.79") == {inside.pk}
    week_ago = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert shown(f"?since={week_ago}") == {inside.pk}
    assert shown(f"?until={week_ago}") == {outside.pk}
    bad = worker.get(reverse("defects:inbox") + "?bbox=51.84,10.78,51.83,10.79").content.decode()
    assert "Süd muss kleiner als Nord und West kleiner als Ost sein." in bad


def test_retention_anonymises_closed_reports_after_the_towns_period(defect_world: dict[str, Any]) -> None:
    w = defect_world
    w["w_service"].retention_days = 30
    w["w_service"].save()

    def closed(days_ago: int, published: bool) -> Report:
        report = services.report_create(
            service=w["w_service"],
            category_code="strassenschaden",
            description="Loch vor Haus von Frau Beispiel",
            address="Markt 1",
            email="f@example.org",
            uploads=[(io.BytesIO(jpeg_with_gps((100, 100))), "a.jpg", 1000)],
        )
        Note.objects.create(report=report, text="Frau Beispiel angerufen")
        Report.objects.filter(pk=report.pk).update(
            status="closed",
            closed_at=timezone.now() - dt.timedelta(days=days_ago),
            is_published=published,
            email_confirmed_at=timezone.now(),
        )
        return report

    old, old_published, recent = closed(31, False), closed(45, True), closed(29, False)
    still_open = services.report_create(
        service=w["w_service"],
        category_code="strassenschaden",
        description="x",
        address="Markt 1",
        email="o@example.org",
    )
    Report.objects.filter(pk=still_open.pk).update(requested_at=timezone.now() - dt.timedelta(days=400))
    files = {p.report_id: (p.image.storage, p.image.name) for p in Photo.objects.all()}
    for person in (w["users"]["coop_admin"], w["users"]["case_worker"]):  # only the platform, daily
        with pytest.raises(PermissionDenied):
            retention.anonymise_expired(actor=person)
    assert Report.objects.filter(anonymised_at__isnull=False).count() == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert retention.anonymise_expired(actor=SYSTEM) == 2
    for report in (old, old_published):
        report.refresh_from_db()
        assert (report.email, report.email_confirmed_at, report.photos.count(), report.notes.count()) == (
            "",
            None,
            0,
            0,
        )
        assert report.anonymised_at is not None
        storage, name = files[report.pk]
        assert not storage.exists(name)
    assert old.description == "(anonymisiert)"
    assert old_published.description == "Loch vor Haus von Frau Beispiel"  # moderated and published: kept
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert (recent.email, recent.photos.count(), recent.notes.count()) == ("f@example.org", 1, 1)
    assert still_open.email == "o@example.org"
    assert retention.anonymise_expired(actor=SYSTEM) == 0  # idempotent
