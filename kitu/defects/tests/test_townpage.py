"""A town's coat of arms and legal texts: only its member admin sets them (nothing changes on a denial), the
coat of arms is checked like a photo, and the public pages show and link them; the cooperative's legal pages
are linked everywhere else."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from PIL import Image

from conftest import ROLES
from kitu.core.errors import PermissionDenied
from kitu.core.legal import coop_details
from kitu.core.models import AuditEntry
from kitu.defects import arms, townpage
from kitu.defects.models import DefectService

pytestmark = pytest.mark.django_db

NOT_TOWN_ADMINS = [r for r in ROLES if r != "member_admin"]


def png(size: tuple[int, int] = (200, 240), mode: str = "RGBA", fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    colours: dict[str, tuple[int, ...] | int] = {"RGBA": (200, 30, 30, 255), "RGB": (200, 30, 30), "L": 90}
    colour = colours[mode]
    Image.new(mode, size, colour).save(out, fmt)
    return out.getvalue()


def upload(content: bytes, name: str = "wappen.png") -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


def state() -> tuple[Any, ...]:
    return (
        tuple(
            DefectService.objects.order_by("pk").values_list(
                "imprint", "privacy", "accessibility", "accessibility_email", "coat_of_arms", "arms_width"
            )
        ),
        AuditEntry.objects.count(),
    )


DATA = {
    "imprint": "Stadt Wernigerode\nMarktplatz 1",
    "privacy": "Verantwortlich ist die Stadt.",
    "accessibility": "Teilweise vereinbar.",
    "accessibility_email": "barrierefrei@wernigerode.example",
}


@pytest.mark.parametrize("role", ROLES)
def test_town_page_permission_matrix(defect_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    """Only Wernigerode's member admin reads and changes Wernigerode's texts and coat of arms; Zeitz's admin
    only Zeitz's. Everyone else: login for anonymous, 404 otherwise; nothing changes."""
    client: Client = client_for(role)
    url = reverse("defects:manage_town_page", args=[defect_world["wernigerode"].pk])
    before = state()
    get = client.get(url)
    post = client.post(url, {**DATA, "coat_of_arms": upload(png())})
    if role == "member_admin":
        assert (get.status_code, post.status_code) == (200, 302)
        service = DefectService.objects.get(slug="wernigerode")
        assert (service.imprint, service.accessibility_email) == (
            "Stadt Wernigerode\nMarktplatz 1",
            DATA["accessibility_email"],
        )
        assert (service.arms_width, service.arms_height) == (200, 240)
        assert AuditEntry.objects.count() == before[1] + 1
        return
    if role is None:
        assert get.status_code == post.status_code == 302 and "/konto/anmelden/" in post["Location"]
    else:
        assert (get.status_code, post.status_code) == (404, 404)
    assert state() == before
    if role == "other_member_admin":  # the admin of Zeitz does set Zeitz's
        own = reverse("defects:manage_town_page", args=[defect_world["zeitz"].pk])
        assert client.post(own, DATA).status_code == 302
        assert DefectService.objects.get(slug="zeitz").imprint == DATA["imprint"]
        assert DefectService.objects.get(slug="wernigerode").imprint == ""


@pytest.mark.parametrize("role", NOT_TOWN_ADMINS)
def test_the_service_refuses_everyone_but_the_town_admin(defect_world: dict[str, Any], role: str | None) -> None:
    actor = defect_world["users"][role] if role else AnonymousUser()
    before = state()
    with pytest.raises(PermissionDenied):
        townpage.legal_save(
            actor=actor,
            service=defect_world["w_service"],
            imprint=DATA["imprint"],
            privacy=DATA["privacy"],
            accessibility=DATA["accessibility"],
            accessibility_email=DATA["accessibility_email"],
        )
    assert state() == before


def _post_arms(client: Client, member_id: int, content: bytes, name: str = "wappen.png") -> Any:
    url = reverse("defects:manage_town_page", args=[member_id])
    return client.post(url, {**DATA, "coat_of_arms": upload(content, name)})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "kein lesbares Bild"),
        (png(fmt="GIF", mode="RGB"), "kein Bild im Format PNG, JPEG oder WebP"),
        (png((4001, 4001), mode="L"), "zu viele Bildpunkte"),  # 16,008,001 pixels: refused from the header
        (png((3000, 3000)), "zu groß zum Verarbeiten"),  # 9 M RGBA pixels: 72 MB to decode and convert
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "kein lesbares Bild"),
    ],
)
def test_coat_of_arms_limits(defect_world: dict[str, Any], client_for: Any, content: bytes, message: str) -> None:
    before = state()
    response = _post_arms(client_for("member_admin"), defect_world["wernigerode"].pk, content)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["coat_of_arms"])
    assert state() == before  # the texts sent with it are not saved either


def test_coat_of_arms_too_many_bytes(defect_world: dict[str, Any], client_for: Any, monkeypatch: Any) -> None:
    content = png()
    monkeypatch.setattr(arms, "MAX_BYTES", len(content) - 1)
    before = state()
    response = _post_arms(client_for("member_admin"), defect_world["wernigerode"].pk, content)
    assert response.status_code == 400
    assert "ist größer als" in " ".join(response.context["form"].errors["coat_of_arms"])
    assert state() == before


def test_coat_of_arms_is_scaled_re_encoded_and_served(defect_world: dict[str, Any], client_for: Any) -> None:
    jpeg = io.BytesIO()
    Image.new("RGB", (1200, 1600), (10, 80, 160)).save(jpeg, "JPEG", comment=b"Kamera Seriennummer 42")
    admin = client_for("member_admin")
    assert _post_arms(admin, defect_world["wernigerode"].pk, jpeg.getvalue(), "w.jpg").status_code == 302
    service = DefectService.objects.get(slug="wernigerode")
    assert (service.arms_width, service.arms_height) == (300, 400)
    response = Client().get(reverse("defects:arms", args=["wernigerode"]))
    body = response.getvalue()
    assert (response.status_code, response["Content-Type"], response["X-Content-Type-Options"]) == (
        200,
        "image/png",
        "nosniff",
    )
    assert body.startswith(b"\x89PNG") and b"Seriennummer" not in body
    page = Client().get(reverse("defects:town", args=["wernigerode"])).content.decode()
    assert f'src="{reverse("defects:arms", args=["wernigerode"])}"' in page
    assert 'alt="Wappen: Stadt Wernigerode"' in page
    # removing it
    url = reverse("defects:manage_town_page", args=[defect_world["wernigerode"].pk])
    assert admin.post(url, {**DATA, "remove_arms": "on"}).status_code == 302
    assert Client().get(reverse("defects:arms", args=["wernigerode"])).status_code == 404


def test_accessibility_statement_needs_a_feedback_address(defect_world: dict[str, Any], client_for: Any) -> None:
    url = reverse("defects:manage_town_page", args=[defect_world["wernigerode"].pk])
    before = state()
    response = client_for("member_admin").post(url, {**DATA, "accessibility_email": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["accessibility_email"] == [
        "Geben Sie eine E-Mail-Adresse an, über die Menschen Barrieren melden können."
    ]
    assert state() == before


def test_town_legal_pages_render_and_are_linked_in_its_footer(defect_world: dict[str, Any]) -> None:
    service = defect_world["w_service"]
    client = Client()
    town = client.get(reverse("defects:town", args=["wernigerode"])).content.decode()
    footer = town[town.index('<footer class="kitu-footer">') :]
    for page in ("impressum", "datenschutz", "barrierefreiheit"):
        assert f'href="{reverse("defects:legal", args=["wernigerode", page])}"' in footer
    assert f'href="{reverse("core:legal", args=["impressum"])}"' not in footer  # the town's, not the cooperative's
    form = town[town.index('<form method="post" enctype') : town.index("Meldung absenden")]
    assert reverse("defects:legal", args=["wernigerode", "datenschutz"]) in form  # before submit
    assert 'class="kitu-brand__name">Stadt Wernigerode<' in town
    # fallback texts before the town writes its own
    imprint = client.get(reverse("defects:legal", args=["wernigerode", "impressum"]))
    assert imprint.status_code == 200 and "noch keinen eigenen Text" in imprint.content.decode()
    DefectService.objects.filter(pk=service.pk).update(
        privacy="Verantwortlich: Stadt <b>Wernigerode</b>", accessibility_email="a11y@wernigerode.example"
    )
    privacy = client.get(reverse("defects:legal", args=["wernigerode", "datenschutz"])).content.decode()
    assert "Verantwortlich: Stadt &lt;b&gt;Wernigerode&lt;/b&gt;" in privacy  # plain text, escaped
    statement = client.get(reverse("defects:legal", args=["wernigerode", "barrierefreiheit"])).content.decode()
    assert 'href="mailto:a11y@wernigerode.example"' in statement
    assert client.get("/maengel/nirgendwo/impressum/").status_code == 404
    DefectService.objects.filter(pk=service.pk).update(is_enabled=False)
    assert client.get(reverse("defects:legal", args=["wernigerode", "impressum"])).status_code == 404


def test_the_report_form_preselects_no_category(defect_world: dict[str, Any]) -> None:
    page = Client().get(reverse("defects:town", args=["wernigerode"])).content.decode()
    assert '<option value="" selected>Bitte wählen</option>' in page
    response = Client().post(
        reverse("defects:town", args=["wernigerode"]), {"description": "Loch", "address": "Markt 1", "category": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["category"] == ["Wählen Sie aus, was los ist."]


@pytest.mark.parametrize("role", ROLES)
def test_public_town_pages_are_open_to_every_role(
    defect_world: dict[str, Any], client_for: Any, role: str | None
) -> None:
    DefectService.objects.filter(slug="wernigerode").update(imprint="Stadt Wernigerode, Marktplatz 1")
    client = client_for(role)
    for page in townpage.PAGES:
        assert client.get(reverse("defects:legal", args=["wernigerode", page])).status_code == 200
    assert client.get(reverse("defects:arms", args=["wernigerode"])).status_code == 404  # none uploaded
    assert client.post(reverse("defects:legal", args=["wernigerode", "impressum"])).status_code == 405


def test_town_legal_page_names_the_cooperative_as_operator(defect_world: dict[str, Any]) -> None:
    body = Client().get(reverse("defects:legal", args=["wernigerode", "impressum"])).content.decode()
    assert f"Technischer Betrieb: {coop_details()[0]['name']}" in body
