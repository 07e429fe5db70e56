"""Navigation entries by role, for the base template (here, above the apps, since it spans them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from kitu.accounts.policies import can_read_audit, has_role, is_coop_admin, is_coop_staff
from kitu.accounts.roles import Role
from kitu.assets.policies import is_office as assets_office
from kitu.assets.policies import member_org_ids as asset_member_orgs
from kitu.billing.policies import can_use_billing
from kitu.bundling.policies import can_manage_campaigns
from kitu.bundling.selectors import answering_member_ids
from kitu.competitions.selectors import competitions_for
from kitu.council.selectors_register import office_bodies
from kitu.defects.selectors import worked_services
from kitu.demo.data import DEMO_PASSWORD, DEMO_USERS
from kitu.governance.figures.selectors import can_view as can_view_figures
from kitu.members.policies import can_view_register
from kitu.members.selectors import own_member_ids
from kitu.orders.planning import cart_line_count
from kitu.orders.policies import can_see_all_orders, order_member_org_ids, supplier_org_ids
from kitu.procedures.policies import is_office as procedures_office
from kitu.procedures.policies import member_org_ids as procedure_member_orgs
from kitu.servicedesk.policies import is_desk_staff, reporting_org_ids
from kitu.tasks.registry import task_count_of_request
from kitu.workgroups.policies import is_staff_of_member_or_coop


def navigation(request: HttpRequest) -> dict[str, Any]:
    demo: dict[str, Any] = {"demo_mode": settings.KITU_DEMO}
    if settings.KITU_DEMO:
        demo |= {"demo_password": DEMO_PASSWORD, "demo_logins": [(u.email, u.label) for u in DEMO_USERS]}
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], **demo}
    items = [(reverse("core:home"), _("Start"))]
    if can_view_register(user):
        items += [
            (reverse("members:list"), _("Mitgliederverzeichnis")),
            (reverse("members:register"), _("Mitgliederliste (§ 30 GenG)")),
            (reverse("members:statistics"), _("Statistik")),
        ]
    items.append((reverse("catalog:search"), _("Katalog")))
    items.append((reverse("contracts:list"), _("Rahmenverträge")))
    if can_see_all_orders(user) or order_member_org_ids(user):
        items.append((reverse("orders:list"), _("Bestellungen")))
    elif supplier_org_ids(user):
        items.append((reverse("orders:list"), _("Bestelleingang")))
    if competitions_for(user).exists():
        items.append((reverse("competitions:list"), _("Kleinwettbewerbe")))
    if can_manage_campaigns(user) or answering_member_ids(user):
        items.append((reverse("bundling:list"), _("Bedarfsabfragen")))
    if is_staff_of_member_or_coop(user):
        items.append((reverse("workgroups:list"), _("Arbeitskreise und Termine")))
    if procedures_office(user) or procedure_member_orgs(user):
        items.append((reverse("procedures:list"), _("Fachverfahren")))
    if assets_office(user) or asset_member_orgs(user):
        items.append((reverse("assets:list"), _("IT-Inventar")))
    if is_desk_staff(user) or reporting_org_ids(user):
        items.append((reverse("servicedesk:list"), _("Servicedesk")))
    if can_use_billing(user):
        items.append((reverse("billing:catalog"), _("Leistungen und Rechnungen")))
    if worked_services(user):
        items.append((reverse("defects:inbox"), _("Mängelmeldungen")))
    if has_role(user, Role.MEMBER_ADMIN):
        items.append((reverse("defects:manage"), _("Mängelmelder einrichten")))
    if office_bodies(user).exists():
        items.append((reverse("council:office_home"), _("Sitzungsdienst")))
    if has_role(user, Role.COUNCIL_MEMBER):
        items.append((reverse("council:councillor_home"), _("Ratsarbeit")))
    if is_coop_admin(user):
        items.append((reverse("council:council_setup"), _("Ratsinformationssystem einrichten")))
    own = sorted(own_member_ids(user))
    if own:
        items.append((reverse("members:detail", args=[own[0]]), _("Mein Mitglied")))
    if own or is_coop_staff(user):  # governance: the cooperative is its members (kitu.governance.policies)
        items.append((reverse("governance:index"), _("Genossenschaft")))
    if can_view_figures(user):
        items.append((reverse("figures:index"), _("Jahreszahlen")))
    if can_read_audit(user):
        items.append((reverse("accounts:audit"), _("Änderungsprotokoll")))
    items.append((reverse("accounts:profile"), _("Mein Konto")))
    # The current entry is the one whose address is the longest prefix of the page's address.
    path = request.path
    matches = [url for url, _label in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return {
        **demo,
        "nav_items": [{"url": url, "label": label, "current": url == current} for url, label in items],
        "task_count": task_count_of_request(request),
        "cart_count": cart_line_count(user),
    }
