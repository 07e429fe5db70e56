"""Browser tests (Playwright driving Debian's Chromium) with an axe-core accessibility check of each page.

Skipped with a reason where Chromium or axe-core is missing. Never downloads a browser."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.bundling.models import DemandReport
from kitu.catalog.importer import import_catalog
from kitu.catalog.models import Article
from kitu.catalog.tests.samples import SCALES, catalog_2005, product_2005
from kitu.contracts.models import SupplierContact
from kitu.core.actors import SYSTEM
from kitu.orders.models import ApprovalPolicy, Order
from kitu.workgroups import services as workgroup_services
from kitu.workgroups.models import Meeting, MinutesItem, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Sicheres-Passwort-1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
    # A click or key press that starts a navigation returns once the next page has begun to arrive; a test
    # that reads the page at once could see half of it. Every click and press here waits for the page to
    # finish loading (at once when nothing navigated).
    click, press = sync_api.Locator.click, sync_api.Locator.press

    def click_then_load(self: Any, *args: Any, **kwargs: Any) -> None:
        click(self, *args, **kwargs)
        self.page.wait_for_load_state()

    def press_then_load(self: Any, *args: Any, **kwargs: Any) -> None:
        press(self, *args, **kwargs)
        self.page.wait_for_load_state()

    sync_api.Locator.click, sync_api.Locator.press = click_then_load, press_then_load
    try:
        yield from _launch(sync_api)
    finally:
        sync_api.Locator.click, sync_api.Locator.press = click, press


def _launch(sync_api: Any) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def check_accessibility(page: Any) -> None:
    """axe-core with the WCAG 2.1 A/AA rules: no serious or critical violation."""
    page.wait_for_load_state()  # after a click the next page may still be loading
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', "
        "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: {bad}"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_login_member_list_detail_event_and_accessibility(
    browser: Any, live_server: Any, world: dict[str, Any]
) -> None:
    device = TOTPDevice.objects.create(user=world["admin"], name="App", confirmed=True)
    page = browser.new_page(locale="de-DE", bypass_csp=True)  # only so that axe-core can be injected
    page.goto(live_server.url + "/")
    assert page.title() == "Anmelden – KITU-Plattform"
    check_accessibility(page)
    page.get_by_label("E-Mail-Adresse").fill("admin@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    # second factor
    page.wait_for_url(re.compile(r".*/konto/zwei-faktor/.*"))
    check_accessibility(page)
    page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(live_server.url + "/")
    check_accessibility(page)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Mitgliederverzeichnis").click()
    page.wait_for_url(re.compile(r".*/mitglieder/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Mitgliederverzeichnis"
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    check_accessibility(page)

    page.get_by_role("link", name="Stadt Zeitz").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Stadt Zeitz"
    check_accessibility(page)

    # record a notice of termination through the form: the exit date follows § 65 GenG
    page.get_by_label("Vorgang", exact=True).select_option("notice")
    page.get_by_label("wirksam am / eingegangen am").fill("2026-10-01")
    page.get_by_role("button", name="Vorgang erfassen").click()
    assert "ist erfasst" in page.locator(".kitu-messages").inner_text()
    assert "Ausscheiden zum 31.12.2027" in page.locator("table").last.inner_text()
    check_accessibility(page)

    for path in ("/mitglieder/mitgliederliste/?as_of=2020-01-01", "/mitglieder/statistik/", "/konto/protokoll/"):
        page.goto(live_server.url + path)
        check_accessibility(page)
    assert page.locator("table tbody tr").count() > 3
    page.close()


def test_member_admin_cockpit_without_javascript(browser: Any, live_server: Any, world: dict[str, Any]) -> None:
    """Forms work without JavaScript: a member admin adds a cost centre with scripts disabled."""
    context = browser.new_context(java_script_enabled=False, locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("memberadmin@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Mein Mitglied").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Stadt Wernigerode"
    check_page = page.url
    page.get_by_role("link", name="Kostenstelle hinzufügen").click()
    page.get_by_label("Kostenstelle").fill("2100")
    page.get_by_label("Bezeichnung").fill("Bürgerbüro")
    page.get_by_role("button", name="Speichern").click()
    assert page.url == check_page
    assert "2100 – Bürgerbüro" in page.content()
    context.close()


def test_contract_and_catalog_pages_are_accessible(
    browser: Any, live_server: Any, contract_world: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "k.xml"
    path.write_text(
        catalog_2005(product_2005("NB-1", extra_prices=SCALES) + product_2005("NB-2", "Notebook Dell Latitude"))
    )
    assert import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path).errors == []
    article = Article.objects.get(supplier_pid="NB-1")
    device = TOTPDevice.objects.create(user=contract_world["users"]["contract_manager"], name="App", confirmed=True)
    page = browser.new_page(locale="de-DE", bypass_csp=True)
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("contracts@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(live_server.url + "/")
    cid = contract_world["contract"].pk
    SupplierContact.objects.create(supplier=contract_world["supplier"], name="Petra Vertrieb", role="Vertrieb")
    for path_ in (
        "/rahmenvertraege/",
        f"/rahmenvertraege/{cid}/",
        "/rahmenvertraege/lieferanten/",
        f"/rahmenvertraege/lieferanten/{contract_world['supplier'].pk}/",
        f"/katalog/import/{cid}/",
        "/katalog/?q=Notebooks",
        f"/katalog/artikel/{article.pk}/",
        f"/katalog/vergleich/?id={article.pk}",
    ):
        page.goto(live_server.url + path_)
        check_accessibility(page)
    page.goto(live_server.url + "/katalog/?q=Notebooks")
    assert page.locator("table tbody tr").count() == 2
    page.close()


def test_member_answers_a_campaign_without_javascript(
    browser: Any, live_server: Any, campaign_world: dict[str, Any]
) -> None:
    """A requester of Wernigerode finds the open campaign, reports demand (scripts off), changes it, and
    the cooperative sees it in the aggregate; every page passes axe."""
    w = campaign_world
    context = browser.new_context(java_script_enabled=False, locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("requester@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Bedarfsabfragen").click()
    check_accessibility_static(page)
    page.get_by_role("link", name="Meldung abgeben").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bedarfsmeldung: IT 2027"
    check_accessibility_static(page)
    page.get_by_label("Menge (Stück) – 01").fill("25")
    page.get_by_label("Lieferquartal – 01").select_option(label="2. Quartal")
    page.get_by_label("Kostenstelle – 01").select_option(label="10-100 Hauptamt")
    page.get_by_label("Haushaltsmittel gesichert – 01").check()
    page.get_by_label("Bemerkung – 01").fill("Ersatz der Verwaltungsrechner")
    page.get_by_role("button", name="Meldung speichern").click()
    assert "Ihre Meldung ist gespeichert" in page.content()
    assert "1 Position gemeldet" in page.content()
    page.get_by_role("link", name="Meldung ändern").click()
    page.get_by_label("Menge (Stück) – 02").fill("10")  # no quarter: the form says so
    page.get_by_role("button", name="Meldung speichern").click()
    assert page.get_by_text("Bitte ein Lieferquartal wählen.").count() == 1
    check_accessibility_static(page)
    page.get_by_label("Lieferquartal – 02").select_option(label="4. Quartal")
    page.get_by_role("button", name="Meldung speichern").click()
    assert "2 Positionen gemeldet" in page.content()
    context.close()
    report = DemandReport.objects.get(member=w["wernigerode"])
    assert list(
        report.lines.values_list("item__code", "quantity", "delivery_quarter", "cost_centre__code", "budget_secured")
    ) == [("01", 25, 2, "10-100", True), ("02", 10, 4, None, False)]

    device = TOTPDevice.objects.create(user=w["users"]["contract_manager"], name="App", confirmed=True)
    page = browser.new_page(locale="de-DE", bypass_csp=True)
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("contracts@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(live_server.url + "/")
    c = w["campaign"]
    page.goto(f"{live_server.url}/bedarfsbuendelung/{c.pk}/")
    assert "1 von 2 Mitgliedern haben geantwortet, 1 mit Bedarf." in page.content()
    check_accessibility(page)
    for path_ in ("/bedarfsbuendelung/neu/", f"/bedarfsbuendelung/{w['draft_campaign'].pk}/"):
        page.goto(live_server.url + path_)
        check_accessibility(page)
    page.goto(f"{live_server.url}/bedarfsbuendelung/{c.pk}/")
    page.get_by_role("button", name="Abfrage vorzeitig schließen").click()
    page.get_by_text("Bitte bestätigen").wait_for(state="visible", timeout=10_000)  # closing asks first
    check_accessibility(page)
    page.locator("form.kitu-form button[type=submit]").click()
    page.get_by_role("link", name="Angebote und Optimierung").click()
    check_accessibility(page)
    page.get_by_label("Lieferant", exact=True).first.select_option(label="Beispiel IT GmbH")
    page.get_by_label("Position", exact=True).select_option(label="01 Notebook 14 Zoll Standardkonfiguration")
    page.get_by_label("Staffel 1 Stückpreis (EUR)").fill("899")
    page.get_by_role("button", name="Angebot speichern").click()
    page.get_by_label("Position", exact=True).select_option(label="02 Monitor 24 Zoll")
    page.get_by_label("Lieferant", exact=True).first.select_option(label="Beispiel IT GmbH")
    page.get_by_label("Staffel 1 Stückpreis (EUR)").fill("155")
    page.get_by_role("button", name="Angebot speichern").click()
    page.get_by_role("button", name="Optimale Vergabe berechnen").click()
    page.get_by_role("link", name="Zum Ergebnis der Berechnung").click()  # the job's progress page, then the result
    assert page.get_by_role("heading", level=1).inner_text() == "Optimierungsergebnis"
    assert "24.025,00" in page.content()  # 25 × 899 + 10 × 155
    check_accessibility(page)
    page.close()


def check_accessibility_static(page: Any) -> None:
    """axe on a page loaded without JavaScript: its HTML, put into a scripted page of the same origin
    (so the style sheets load and colour contrast is checked as shown)."""
    page.wait_for_load_state()
    html = page.content()
    scripted = page.context.browser.new_page(bypass_csp=True)
    scripted.goto(re.sub(r"^(https?://[^/]+).*$", r"\1/healthz", page.url))
    scripted.set_content(html)
    check_accessibility(scripted)
    scripted.close()


def test_member_staff_registers_for_a_meeting(browser: Any, live_server: Any, group_world: dict[str, Any]) -> None:
    page = browser.new_page(locale="de-DE", bypass_csp=True)
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("requester@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Arbeitskreise und Termine").click()
    check_accessibility(page)
    page.get_by_role("link", name="AK DMS: Frühjahrssitzung").click()
    check_accessibility(page)
    page.get_by_role("main").get_by_role("button", name="Anmelden").click()
    assert page.get_by_text("Sie sind angemeldet.").count() >= 1
    assert "1 von 3 belegt" in page.content()
    check_accessibility(page)
    page.get_by_role("main").get_by_role("button", name="Abmelden").click()
    assert "0 von 3 belegt" in page.content()
    page.close()
    assert [r.status for r in Registration.objects.all()] == ["cancelled"]


def test_coordinator_runs_a_group_and_ticks_off_an_action(
    browser: Any, live_server: Any, group_world: dict[str, Any]
) -> None:
    w = group_world
    u = w["users"]
    workgroup_services.membership_set(
        actor=w["admin"], group=w["group"], user=u["requester"], status="active", is_coordinator=True
    )
    start = timezone.now() - dt.timedelta(days=1)
    past = workgroup_services.meeting_save(
        actor=w["admin"],
        kind="meeting",
        group=w["group"],
        title="AK DMS: Wintersitzung",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    workgroup_services.register(actor=u["member_admin"], meeting=w["meeting"])
    workgroup_services.minutes_item_add(
        actor=w["admin"], meeting=past, kind="action", text="Aktenplan abstimmen", owner=u["requester"]
    )
    workgroup_services.news_save(actor=w["admin"], title="Aktenplan-Muster online", body="Siehe Dokumente.")
    page = browser.new_page(locale="de-DE", bypass_csp=True)
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("requester@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    assert page.get_by_text("Aktenplan-Muster online").count() == 1
    check_accessibility(page)  # the start page with news, meetings, groups and the open action item as a task
    page.get_by_role("link", name=re.compile(r"Aktenplan abstimmen$")).click()  # the task leads to its meeting
    page.get_by_role("button", name=re.compile(r"^erledigt\W+Aktenplan abstimmen$")).click()
    assert page.get_by_text("Die Aufgabe ist erledigt.").count() == 1
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name=re.compile(r"Aktenplan abstimmen$")).count() == 0  # done: gone
    page.goto(live_server.url + reverse("workgroups:group", args=[w["group"].pk]))
    page.get_by_label("Datei").set_input_files(
        files=[{"name": "Aktenplan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"}]
    )
    page.get_by_role("button", name="Hochladen").click()
    assert page.get_by_role("link", name="Version 1: Aktenplan.pdf").count() == 1
    check_accessibility(page)
    page.goto(live_server.url + reverse("workgroups:minutes", args=[past.pk]))
    page.locator("#id_minutes").fill("TOP 1: Aktenplan")
    page.get_by_role("button", name="Protokoll speichern").click()
    check_accessibility(page)
    for url in (
        reverse("workgroups:attendance", args=[w["meeting"].pk]),
        reverse("workgroups:news"),
        reverse("workgroups:calendar"),
        reverse("workgroups:meeting_edit", args=[w["meeting"].pk]),
    ):
        page.goto(live_server.url + url)
        check_accessibility(page)
    page.close()
    assert Meeting.objects.get(pk=past.pk).minutes == "TOP 1: Aktenplan"
    assert MinutesItem.objects.get().done_on == timezone.localdate()


def _login(browser: Any, live_server: Any, email: str, device: TOTPDevice | None = None) -> Any:
    page = browser.new_page(locale="de-DE", bypass_csp=True)  # a context of its own per person
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    if device is not None:
        page.wait_for_url(re.compile(r".*/konto/zwei-faktor/.*"))
        page.get_by_label("Sicherheitscode aus der Authenticator-App").fill(_code(device))
        page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(live_server.url + "/")
    return page


def test_order_from_cart_to_goods_receipt(browser: Any, live_server: Any, order_world: dict[str, Any]) -> None:
    """The whole flow: the requester fills the cart and checks out, the approver approves, the supplier
    confirms and ships, the requester books the goods receipt — each page checked with axe-core."""
    w = order_world
    requester = _login(browser, live_server, "requester@test.example")
    requester.goto(live_server.url + reverse("catalog:search") + "?q=Dockingstation")
    check_accessibility(requester)  # results with their quantity and cart button per row
    requester.get_by_label(re.compile("Dockingstation: Menge")).fill("4")
    requester.get_by_role("button", name=re.compile("^In den Warenkorb ?: Dockingstation$")).click()
    requester.get_by_text("In den Warenkorb gelegt: 4 × Dockingstation").wait_for()  # swapped in by htmx
    requester.goto(live_server.url + reverse("catalog:article", args=[w["notebook"].pk]))
    requester.get_by_label("Menge").fill("2")
    requester.get_by_role("main").get_by_role("button", name="In den Warenkorb").click()
    assert requester.get_by_text("In den Warenkorb gelegt: 2 × Notebook 14 Zoll").count() == 1  # stays on the page
    requester.goto(live_server.url + reverse("orders:cart"))
    requester.get_by_label("Artikelnummer des Lieferanten").fill("MON-1")
    requester.get_by_role("main").get_by_role("button", name="In den Warenkorb").click()
    check_accessibility(requester)  # the cart with its per-line forms
    requester.get_by_role("link", name="Weiter zur Prüfung").click()
    check_accessibility(requester)  # the review
    requester.get_by_role("button", name="2 Bestellungen verbindlich absenden").click()
    assert requester.get_by_text("2 Bestellungen abgesendet").count() == 1
    check_accessibility(requester)  # the confirmation
    order = Order.objects.get(status="pending")
    assert sorted(Order.objects.values_list("status", flat=True)) == ["pending", "sent"]  # the small one went out

    device = TOTPDevice.objects.create(user=w["users"]["approver"], name="App", confirmed=True)
    approver = _login(browser, live_server, "approver@test.example", device)
    approver.goto(live_server.url + reverse("orders:approvals"))
    check_accessibility(approver)
    approver.get_by_role("button", name=re.compile(f"^Freigeben ?: {order.number}$")).click()
    assert approver.get_by_text("Die Freigabe ist erteilt.").count() == 1
    approver.close()
    order.refresh_from_db()
    assert order.status == "sent"

    supplier = _login(browser, live_server, "supplier@test.example")
    supplier.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Bestelleingang").click()
    supplier.get_by_role("link", name=order.number).click()
    check_accessibility(supplier)  # the confirmation form
    supplier.get_by_role("button", name="Bestätigen").click()
    assert supplier.get_by_text("Die Bestellung ist bestätigt.").count() == 1
    check_accessibility(supplier)  # the shipment form
    supplier.get_by_label("Lieferschein-Nr.").fill("LS-77")
    supplier.get_by_role("button", name="Lieferung speichern").click()
    assert supplier.get_by_text("Die Lieferung ist erfasst.").count() == 1
    supplier.close()

    requester.goto(live_server.url + reverse("orders:detail", args=[order.pk]))
    check_accessibility(requester)  # shipments with the receipt form
    requester.get_by_label("Anmerkung (z. B. Schäden)").fill("vollständig")
    requester.get_by_role("button", name=re.compile("^Wareneingang buchen ?: Lieferung 1$")).click()
    assert requester.get_by_text("Der Wareneingang ist gebucht.").count() == 1
    requester.goto(live_server.url + reverse("orders:savings"))
    check_accessibility(requester)  # the savings chart
    requester.goto(live_server.url + reverse("orders:baskets"))
    check_accessibility(requester)
    requester.close()
    order.refresh_from_db()
    assert order.status == "received"
    assert [e.status for e in order.events.all()] == ["pending", "approved", "sent", "confirmed", "shipped", "received"]
    assert list(order.lines.values_list("supplier_pid", "quantity", "received_quantity")) == [
        ("DS-1", 4, 4),
        ("NB-1", 2, 2),
    ]


def test_member_admin_sets_the_approval_rules(browser: Any, live_server: Any, order_world: dict[str, Any]) -> None:
    page = browser.new_page(locale="de-DE", bypass_csp=True)
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("memberadmin@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(live_server.url + reverse("orders:rules"))
    page.get_by_label("ohne Freigabe bis (EUR, netto)").fill("2500")
    page.get_by_role("button", name="Speichern").click()
    assert page.get_by_text("Die Freigaberegeln sind gespeichert.").count() == 1
    check_accessibility(page)
    page.close()
    assert ApprovalPolicy.objects.get().auto_approve_up_to == Decimal("2500.00")
