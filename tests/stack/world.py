"""The stack test's data in its own fresh database (run with the production settings, like the web processes):
a member with a requester, an approver and a member admin, a published contract with one notebook at 800 EUR
(approval above 100 EUR), a coop admin, a subscription to bill, and a TOTP device with a known key for each
user whose role requires the second factor. Prints the logins as JSON for drive.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from conftest import make_article, make_member, make_published_contract, make_user  # noqa: E402
from kitu.accounts.models import Organisation  # noqa: E402
from kitu.accounts.roles import OrgKind, Role  # noqa: E402
from kitu.billing.models import Price, QuantityChange, Service, Subscription  # noqa: E402
from kitu.contracts.models import Supplier  # noqa: E402
from kitu.members import services as member_services  # noqa: E402
from kitu.members.models import LeitwegId, Site  # noqa: E402
from kitu.orders import approval_rules  # noqa: E402

TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key; this database only
PASSWORD = "Sicheres-Passwort-1"


def main() -> None:
    coop = Organisation.objects.create(kind=OrgKind.COOPERATIVE, name="Kommunale IT-UNION eG")
    admin = make_user("stack.admin@kitu.example", [(coop, Role.COOP_ADMIN)])
    member = make_member("Stadt Wernigerode", admin=admin, number=25, joined=dt.date(2013, 9, 1))
    org = member.organisation
    requester = make_user("stack.requester@wernigerode.example", [(org, Role.REQUESTER)])
    approver = make_user("stack.approver@wernigerode.example", [(org, Role.APPROVER)])
    member_admin = make_user("stack.verwaltung@wernigerode.example", [(org, Role.MEMBER_ADMIN)])
    for user in (admin, approver, member_admin):
        TOTPDevice.objects.create(user=user, name="Stack", confirmed=True, key=TOTP_KEY)
    supplier = Supplier.objects.create(
        organisation=Organisation.objects.create(kind=OrgKind.SUPPLIER, name="Beispiel IT GmbH"),
        street="Industriestraße 1",
        postcode="39112",
        city="Magdeburg",
        order_email="orders@beispiel-it.example",
    )
    contract, lot, _limit = make_published_contract(
        admin, supplier, number="RV-2025-01", eligible=[member], max_quantity=100
    )
    notebook = make_article(contract, lot, "NB-1", "800.00", "1000.00", description="Notebook 14 Zoll")
    approval_rules.policy_save(
        actor=member_admin, member=member, auto_approve_up_to=Decimal("100"), second_step_from=Decimal("100000")
    )
    approval_rules.approver_set(actor=member_admin, member=member, user=approver, step=1)
    member_services.subrecord_save(
        actor=member_admin,
        member=member,
        instance=Site(),
        data={"name": "Rathaus", "street": "Marktplatz 1", "postcode": "38855", "city": "Wernigerode"},
    )
    LeitwegId.objects.create(member=member, value="04011000-1234512345-06", is_default=True)
    hosting = Service.objects.create(
        code="hosting-fv", name="Hosting Fachverfahren", category="hosting", pricing="flat", contract_reference="DLV-1"
    )
    Price.objects.create(service=hosting, valid_from=dt.date(2024, 1, 1), amount=Decimal("1200.00"))
    subscription = Subscription.objects.create(member=member, service=hosting, starts_on=dt.date(2025, 6, 1))
    QuantityChange.objects.create(subscription=subscription, effective_from=dt.date(2025, 6, 1), quantity=1)
    print(
        json.dumps(
            {
                "password": PASSWORD,
                "totp_key": TOTP_KEY,
                "admin": admin.email,
                "requester": requester.email,
                "approver": approver.email,
                "member_id": member.pk,
                "article_id": notebook.pk,
                "supplier_mail": supplier.order_email,
                "invoice_mail": member_admin.email,
            }
        )
    )


if __name__ == "__main__":
    main()
