"""A town's administration sets up its defect reporter (service, area, categories, Open311 keys); nobody
else can, and nothing changes on a denial."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ROLES
from kitu.core.errors import DomainError
from kitu.core.models import AuditEntry
from kitu.defects import configuration
from kitu.defects.models import ApiClient, Category, DefectService

pytestmark = pytest.mark.django_db

NOT_TOWN_ADMINS = [r for r in ROLES if r != "member_admin"]  # every other role, anonymous included
AREA = "51.80, 10.70\n51.80, 10.85\n51.88, 10.85\n51.88, 10.70"


def state() -> tuple[Any, ...]:
    return (
        tuple(DefectService.objects.values_list("slug", "is_enabled", "area", "retention_days")),
        tuple(Category.objects.values_list("code", "name", "department_email", "is_active")),
        tuple(ApiClient.objects.values_list("name", "revoked_at")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_enabling_the_service_permission_matrix(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    client = client_for(role)
    member = world["wernigerode"]
    overview = client.get(reverse("defects:manage"))
    url = reverse("defects:manage_service", args=[member.pk])
    data = {"slug": "wernigerode", "is_enabled": "on", "area": AREA, "outside_hint": "", "retention_days": "365"}
    before = state()
    response = client.post(url, data)
    if role == "member_admin":
        assert overview.status_code == 200 and "Stadt Wernigerode" in overview.content.decode()
        assert response.status_code == 302
        service = DefectService.objects.get()
        assert (service.slug, service.is_enabled, service.retention_days) == ("wernigerode", True, 365)
        assert service.area == [[51.8, 10.7], [51.8, 10.85], [51.88, 10.85], [51.88, 10.7]]
    else:
        if role == "other_member_admin":  # sets up Zeitz, not Wernigerode
            page = overview.content.decode()
            assert overview.status_code == 200 and "Stadt Zeitz" in page and "Stadt Wernigerode" not in page
        else:
            assert overview.status_code == (302 if role is None else 403)
        assert response.status_code in (302, 404) and (role is None) == (response.status_code == 302)
        assert state() == before


def test_settings_errors_name_the_line(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("member_admin")
    url = reverse("defects:manage_service", args=[world["wernigerode"].pk])
    data = {
        "slug": "wernigerode",
        "is_enabled": "on",
        "area": "51.8, 10.7\n51,8; 10,85\n51.88, 10.85",
        "retention_days": "365",
    }
    page = client.post(url, data)
    assert page.status_code == 400
    assert "Zeile 2: „51,8; 10,85“ ist kein Punkt „Breite, Länge“ (z. B. 51.8352, 10.7853)." in page.content.decode()
    with pytest.raises(DomainError, match="mindestens drei"):
        configuration.parse_area("51.8, 10.7\n51.9, 10.8")
    assert configuration.parse_area("\n") == []
    assert DefectService.objects.count() == 0
    client.post(url, {**data, "area": ""})
    service = DefectService.objects.get()
    # the identifier is fixed once set: clients use it
    client.post(url, {"slug": "anders", "is_enabled": "", "area": "", "retention_days": "30"})
    service.refresh_from_db()
    assert (service.slug, service.is_enabled, service.retention_days) == ("wernigerode", False, 30)
    assert Client().get(reverse("defects:town", args=["wernigerode"])).status_code == 404  # switched off


def test_categories_are_set_up_and_routed(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    member = w["wernigerode"]
    new_url = reverse("defects:manage_category_new", args=[member.pk])
    data = {
        "code": "spielplatz",
        "name": "Spielplatz",
        "description": "defekte Spielgeräte",
        "group": "Grün",
        "keywords": "Schaukel, Rutsche",
        "department_email": "gruen@wernigerode.example",
        "case_workers": [w["users"]["case_worker"].pk],
        "is_active": "on",
    }
    before = state()
    for role in NOT_TOWN_ADMINS:
        client_for(role).post(new_url, data)
    assert state() == before
    admin = client_for("member_admin")
    assert admin.post(new_url, data).status_code == 302
    category = Category.objects.get(code="spielplatz")
    assert list(category.case_workers.all()) == [w["users"]["case_worker"]]
    duplicate = admin.post(new_url, {**data, "name": "Noch einmal"})
    assert (
        duplicate.status_code == 400
        and "Den Code „spielplatz“ gibt es in dieser Kommune schon." in duplicate.content.decode()
    )
    not_a_worker = admin.post(new_url, {**data, "code": "gruen", "case_workers": [w["users"]["requester"].pk]})
    assert not_a_worker.status_code == 400  # only the town's case workers are offered
    edit = reverse("defects:manage_category", args=[member.pk, category.pk])
    admin.post(edit, {**data, "name": "Spielplätze", "is_active": ""})
    category.refresh_from_db()
    assert (category.name, category.is_active) == ("Spielplätze", False)
    services = Client().get("/open311/v2/services.json?jurisdiction_id=wernigerode").json()
    assert "spielplatz" not in [s["service_code"] for s in services]
    zeitz_category = reverse("defects:manage_category", args=[member.pk, w["waste"].pk])
    assert admin.get(zeitz_category).status_code == 404
    assert admin.get(reverse("defects:manage_service", args=[w["zeitz"].pk])).status_code == 404


def test_open311_key_from_the_page_works_until_revoked(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    member = w["wernigerode"]
    before = state()
    for role in NOT_TOWN_ADMINS:
        client_for(role).post(reverse("defects:manage_key", args=[member.pk]), {"name": "Fremd"})
    assert state() == before
    admin = client_for("member_admin")
    page = admin.post(reverse("defects:manage_key", args=[member.pk]), {"name": "Harz-App"})
    assert page.status_code == 201
    text = page.content.decode()
    key = text.split('<code id="api-key">')[1].split("</code>")[0]
    assert len(key) == 43 and "nur dieses eine Mal" in text
    client = ApiClient.objects.get(name="Harz-App")
    assert key not in str(ApiClient.objects.values_list()) and client.prefix == key[:8]
    post = {
        "jurisdiction_id": "wernigerode",
        "service_code": "strassenschaden",
        "address_string": "Markt 1",
        "description": "x",
    }
    assert Client().post("/open311/v2/requests.json", {**post, "api_key": key}).status_code == 201
    revoke = reverse("defects:manage_key_revoke", args=[member.pk, client.pk])
    client_for("other_member_admin").post(revoke)
    client.refresh_from_db()
    assert client.revoked_at is None
    admin.post(revoke)
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert Client().post("/open311/v2/requests.json", {**post, "api_key": key}).status_code == 403
    listing = admin.get(reverse("defects:manage_service", args=[member.pk])).content.decode()
    assert "Harz-App" in listing and "gesperrt am" in listing and key not in listing
