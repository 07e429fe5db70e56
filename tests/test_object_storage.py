"""Uploads in an S3-compatible object store (moto's server, started by .ci/run as KITU_TEST_S3): what is
uploaded lands in the bucket, downloads come back only after the permission check — documents as a redirect to
a signed URL of 60 seconds, photos and pictures streamed through the view — and a reader without the right
gets no URL at all."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kitu.contracts import services as contract_services
from kitu.core import storage
from kitu.core.tests.s3 import S3, s3_store_fixture, signed_url_seconds  # noqa: F401  (the fixture s3_store)
from kitu.defects.models import Photo, Report
from kitu.workgroups import services as workgroup_services
from kitu.workgroups.models import DocumentVersion

pytestmark = pytest.mark.django_db


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, "PNG")
    return out.getvalue()


def jpeg(size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_the_store_is_the_s3_storage_without_paths(s3_store: S3) -> None:
    assert type(storages["default"]).__name__ == "S3Storage"
    assert not storage.has_paths(default_storage) and storage.signs_urls(default_storage)
    name = default_storage.save("imports/2026/katalog.xml", ContentFile(b"<BMECAT/>"))
    assert s3_store.stored() == [name] and s3_store.body(name) == b"<BMECAT/>"
    second = default_storage.save("imports/2026/katalog.xml", ContentFile(b"<BMECAT version='2'/>"))
    assert second != name and s3_store.body(name) == b"<BMECAT/>"  # never overwritten (file_overwrite=False)
    with storage.local_copy(name) as path:  # the importer's way to a path: a temporary copy
        assert path.read_bytes() == b"<BMECAT/>" and path.suffix == ".xml"
    assert not path.exists()


def test_a_private_bucket_answers_nothing_without_a_signature(s3_store: S3) -> None:
    name = default_storage.save("contracts/2026/vertrag.pdf", ContentFile(b"%PDF-1.7 geheim"))
    unsigned = s3_store.fetch(f"{s3_store.endpoint}/{s3_store.bucket}/{name}")
    assert unsigned.status_code == 403 and b"geheim" not in unsigned.content


def test_workgroup_document_up_to_the_store_and_back_through_a_signed_url(
    s3_store: S3, group_world: dict[str, Any], client_for: Any
) -> None:
    u, g = group_world["users"], group_world["group"]
    upload = SimpleUploadedFile("Konzept E-Akte.pdf", b"%PDF-1.7 Konzept", content_type="application/pdf")
    version = workgroup_services.document_upload(actor=u["requester"], group=g, file=upload, title="Konzept")
    assert s3_store.stored() == [version.file.name] and s3_store.body(version.file.name) == b"%PDF-1.7 Konzept"
    url = reverse("workgroups:document_download", args=[version.pk])
    allowed = {"coop_admin", "contract_manager", "requester", "other_member_admin"}
    for role in [None, "coop_admin", "contract_manager", "requester", "other_member_admin", "case_worker"]:
        response = client_for(role).get(url)
        location = response.get("Location", "")
        if role is None:  # to the login page, never to the store
            assert response.status_code == 302 and location.startswith(reverse("accounts:login")), role
        elif role in allowed:
            assert response.status_code == 302 and location.startswith(f"{s3_store.endpoint}/{s3_store.bucket}/"), role
            assert response["Cache-Control"] == "private, no-store" and signed_url_seconds(location) == 60
            fetched = s3_store.fetch(location)
            assert (fetched.status_code, fetched.content) == (200, b"%PDF-1.7 Konzept"), role
            assert fetched.headers["Content-Type"] == "application/pdf"
            assert fetched.headers["Content-Disposition"] == 'attachment; filename="Konzept E-Akte.pdf"'
        else:  # not in the group: 404 and no URL anywhere in the answer
            assert response.status_code == 404 and not location, role
            body = response.content.decode()
            assert s3_store.bucket not in body and "X-Amz-Signature" not in body
    assert DocumentVersion.objects.count() == 1 and s3_store.stored() == [version.file.name]  # nothing changed


def test_contract_document_in_the_store(s3_store: S3, contract_world: dict[str, Any], client_for: Any) -> None:
    contract = contract_world["contract"]
    document = contract_services.document_add(
        actor=contract_world["admin"],
        contract=contract,
        title="Leistungsbeschreibung",
        file=SimpleUploadedFile("leistung.pdf", b"%PDF-1.7 Leistung", content_type="application/pdf"),
    )
    assert s3_store.body(document.file.name) == b"%PDF-1.7 Leistung"
    url = reverse("contracts:document", args=[contract.pk, document.pk])
    answer = client_for("coop_admin").get(url)
    assert answer.status_code == 302 and s3_store.fetch(answer["Location"]).content == b"%PDF-1.7 Leistung"
    refused = client_for("other_requester").get(url)  # Zeitz may not use the contract
    assert refused.status_code == 404 and "Location" not in refused


def test_citizens_photo_up_to_the_store_and_streamed_back(s3_store: S3, defect_world: dict[str, Any]) -> None:
    client = Client()
    data = {"category": "strassenschaden", "description": "Schlagloch", "address": "Markt 1"}
    photo_upload = SimpleUploadedFile("IMG_0001.jpg", jpeg(), content_type="image/jpeg")
    response = client.post(reverse("defects:town", args=["wernigerode"]), {**data, "photos": [photo_upload]})
    assert response.status_code == 302
    report = Report.objects.get()
    photo = report.photos.get()
    stored = s3_store.body(photo.image.name)
    assert s3_store.stored() == [photo.image.name] and Image.open(io.BytesIO(stored)).size == (300, 200)
    own: Any = client.get(reverse("defects:track_photo", args=["wernigerode", report.token, photo.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"  # streamed: our CSP allows img 'self'
    assert b"".join(own.streaming_content) == stored
    public = reverse("defects:photo", args=[photo.pk])
    refused = Client().get(public)  # not published yet: nobody else gets it
    assert refused.status_code == 404 and "Location" not in refused
    Report.objects.filter(pk=report.pk).update(is_published=True)
    published: Any = Client().get(public)
    assert b"".join(published.streaming_content) == stored
    assert Photo.objects.count() == 1


def test_article_picture_from_the_store_for_who_sees_the_article(
    s3_store: S3, order_world: dict[str, Any], client_for: Any
) -> None:
    article = order_world["notebook"]
    article.image = default_storage.save(f"catalog/{article.contract_id}/bild.png", ContentFile(png()))
    article.save(update_fields=["image"])
    url = reverse("catalog:article_image", args=[article.pk])
    seen = client_for("requester").get(url)
    assert seen.status_code == 200 and seen["Content-Type"] == "image/png"
    assert b"".join(seen.streaming_content) == png() and seen["X-Content-Type-Options"] == "nosniff"
    page = client_for("requester").get(reverse("catalog:article", args=[article.pk])).content.decode()
    assert f'src="{url}"' in page and s3_store.bucket not in page
    assert client_for(None).get(url).status_code == 302
    article.image = default_storage.save(f"catalog/{article.contract_id}/bild.png", ContentFile(b"<svg onload=x>"))
    article.save(update_fields=["image"])
    assert client_for("requester").get(url).status_code == 404  # no image by content: not served
