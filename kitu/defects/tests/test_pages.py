"""Citizens' pages (report without an account, honeypot, rate limit, tracking) and the case workers'
inbox and case page: every role, only the own town, nothing changes on a denial."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from conftest import ROLES, make_user
from kitu.accounts.roles import Role
from kitu.core.models import AuditEntry
from kitu.defects import services
from kitu.defects.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def form(**extra: Any) -> dict[str, Any]:
    return {"category": "strassenschaden", "description": "Schlagloch", "address": "Breite Straße 12"} | extra


def test_citizen_reports_without_an_account_and_follows_it(defect_world: dict[str, Any]) -> None:
    client = Client()
    url = reverse("defects:town", args=["wernigerode"])
    page = client.get(url).content.decode()
    assert "Mängelmelder Stadt Wernigerode" in page and '<option value="beleuchtung">Straßenbeleuchtung' in page
    refused = client.post(url, form(address="", lat="51.05", lon="12.14"))
    assert refused.status_code == 400
    assert (
        "Der Ort liegt außerhalb von Stadt Wernigerode. Zuständig ist dort der Landkreis Harz."
        in refused.content.decode()
    )
    assert Report.objects.count() == 0
    response = client.post(url, form(email="buerger@example.org"), follow=True)
    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == reverse("defects:track", args=["wernigerode", report.token])
    text = response.content.decode()
    assert "Danke! Ihre Meldung ist eingegangen." in text and "noch nicht (wird geprüft)" in text
    assert (report.source, report.email, report.is_published) == ("web", "buerger@example.org", False)
    # not listed until a case worker publishes it
    assert "Breite Straße 12" not in client.get(url).content.decode()
    assert client.get(reverse("defects:town", args=["halle"])).status_code == 404
    other_town = reverse("defects:track", args=["zeitz", report.token])
    assert client.get(other_town).status_code == 404


def test_honeypot_and_rate_limit(defect_world: dict[str, Any]) -> None:
    client = Client()
    url = reverse("defects:town", args=["wernigerode"])
    assert client.post(url, form(website="http://spam.example")).status_code == 302
    assert Report.objects.count() == 0
    for _ in range(5):
        assert client.post(url, form()).status_code == 302
    refused = client.post(url, form())
    assert refused.status_code == 429
    assert "Zu viele Meldungen in kurzer Zeit" in refused.content.decode()
    assert Report.objects.count() == 5


@override_settings(KITU_TRUSTED_PROXIES=1)
def test_citizens_behind_the_load_balancer_have_a_rate_limit_each(defect_world: dict[str, Any]) -> None:
    url = reverse("defects:town", args=["wernigerode"])

    def post(citizen: str) -> int:
        # the load balancer connects (REMOTE_ADDR) and appends the citizen's address to X-Forwarded-For
        return Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=citizen).post(url, form()).status_code

    assert [post("198.51.100.1") for _ in range(5)] == [302] * 5
    assert [post("198.51.100.2") for _ in range(5)] == [302] * 5  # the neighbour has a bucket of their own
    assert (post("198.51.100.1"), post("198.51.100.2")) == (429, 429)
    # what a client writes itself stands left of the load balancer's entry and does not count
    assert post("203.0.113.66, 198.51.100.1") == 429
    assert Report.objects.count() == 10


@override_settings(KITU_TRUSTED_PROXIES=0)
def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(
    defect_world: dict[str, Any],
) -> None:
    url = reverse("defects:town", args=["wernigerode"])
    statuses = [
        Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").post(url, form()).status_code
        for n in range(7)
    ]
    assert statuses == [302] * 5 + [429] * 2
    assert Report.objects.count() == 5


@pytest.mark.parametrize("role", [*ROLES, "zeitz_case_worker"])
def test_case_pages_permission_matrix(defect_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    w = defect_world
    if role == "zeitz_case_worker":
        client = Client()
        client.force_login(make_user("fall.zeitz@test.example", [(w["zeitz"].organisation, Role.CASE_WORKER)]))
    else:
        client = client_for(role)
    report = services.report_create(
        service=w["w_service"], category_code="strassenschaden", description="Schlagloch", address="Markt 1"
    )
    allowed = role == "case_worker"
    inbox = client.get(reverse("defects:inbox"))
    assert inbox.status_code == (302 if role is None else 200 if allowed or role == "zeitz_case_worker" else 403)
    if role == "zeitz_case_worker":
        assert "Markt 1" not in inbox.content.decode()  # another town's report
    detail = client.get(reverse("defects:case", args=[report.pk]))
    assert detail.status_code == (302 if role is None else 200 if allowed else 404), role
    before = (tuple(Report.objects.values_list("status", "status_notes", "is_published")), AuditEntry.objects.count())
    data = {
        "status": "closed",
        "status_notes": "Repariert",
        "category": w["road"].pk,
        "description": "Schlagloch",
        "is_published": "on",
    }
    response = client.post(reverse("defects:case", args=[report.pk]), data)
    if allowed:
        assert response.status_code == 302
        assert Report.objects.values_list("status", "status_notes", "is_published").get() == (
            "closed",
            "Repariert",
            True,
        )
    else:
        assert response.status_code in (302, 403, 404)
        assert (
            tuple(Report.objects.values_list("status", "status_notes", "is_published")),
            AuditEntry.objects.count(),
        ) == before


def test_case_worker_moderates_answers_and_publishes(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    report = services.report_create(
        service=w["w_service"],
        category_code="beleuchtung",
        description="Laterne aus, Max Mustermann, Tel. 0171 1234567",
        address="Markt 1",
    )
    worker = client_for("case_worker")
    assert "wernigerode-" in worker.get(reverse("defects:inbox") + "?unpublished=on").content.decode()
    refused = worker.post(
        reverse("defects:case", args=[report.pk]),
        {"status": "closed", "status_notes": "", "category": w["road"].pk, "description": "x"},
    )
    assert "Bitte begründen Sie den Abschluss in der öffentlichen Antwort." in refused.content.decode()
    worker.post(
        reverse("defects:case", args=[report.pk]),
        {
            "status": "in_progress",
            "status_notes": "Der Bauhof ist informiert.",
            "category": w["light"].pk,
            "description": "Laterne aus",  # personal data removed before publishing
            "is_published": "on",
        },
    )
    page = Client().get(reverse("defects:town", args=["wernigerode"])).content.decode()
    assert "Laterne aus" in page and "Mustermann" not in page and "Der Bauhof ist informiert." in page
