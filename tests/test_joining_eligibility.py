"""Across members and contracts: a town that joined online and was admitted sees, through the admin account
the admission created, every framework contract open to all members — nobody touched the contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from conftest import login
from kitu.accounts.models import User
from kitu.contracts import services as contract_services
from kitu.contracts.eligibility import is_eligible
from kitu.contracts.models import Eligibility
from kitu.contracts.selectors import visible_contracts
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.members.models import EventKind, JoiningApplication
from kitu.members.tests.joining_helpers import form_data, link

pytestmark = pytest.mark.django_db


def test_admitted_online_applicant_sees_the_all_members_contract(
    contract_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    w = contract_world
    contract = contract_services.contract_save(
        actor=w["admin"], contract=w["contract"], eligibility=Eligibility.ALL, eligible_member_type=""
    )
    mail.outbox.clear()
    public = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert public.post("/mitglieder/beitritt/", form_data()).status_code == 302
    assert public.post(link("confirm")).status_code == 200
    member = JoiningApplication.objects.get().member
    assert member is not None and not is_eligible(contract, member)  # an application is no membership
    office = login(Client(), w["admin"])
    today = dt.date.today().isoformat()
    data = {"kind": EventKind.ADMISSION, "effective_date": today, "share_delta": "2"}
    expected = office.post(f"/mitglieder/{member.pk}/vorgaenge/neu/", data).context["c"].hidden[-1][1]
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            f"/mitglieder/{member.pk}/vorgaenge/neu/",
            {**data, CONFIRM_FIELD: CONFIRM_VALUE, "expected_number": expected},
        )
    assert response.status_code == 302
    user = User.objects.get(email="buergermeister@quedlinburg.example")
    assert contract.pk in set(visible_contracts(user).values_list("pk", flat=True))
    assert is_eligible(contract, member)
    assert not contract.eligible_members.filter(pk=member.pk).exists()  # by the rule, nobody ticked it
