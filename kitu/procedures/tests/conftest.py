"""Fixtures of the register tests: every role (also service desk, council and representative), and one
procedure of Wernigerode and one of Zeitz."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import EVERY_ROLE, login, make_user
from kitu.accounts.roles import Role
from kitu.procedures.models import Procedure

ROLES = EVERY_ROLE


def add_roles(world: dict[str, Any]) -> None:
    users = world["users"]
    w_org = world["wernigerode"].organisation
    users["service_desk"] = make_user("servicedesk@test.example", [(world["coop"], Role.SERVICE_DESK)])
    users["council_office"] = make_user("councilofficer@test.example", [(w_org, Role.COUNCIL_OFFICE)])
    users["council_member"] = make_user("councillor@test.example", [(w_org, Role.COUNCIL_MEMBER)])
    users["representative"] = make_user("representative@test.example", [(w_org, Role.REPRESENTATIVE)])


def client_as(world: dict[str, Any], role: str | None) -> Client:
    client = Client()
    if role is not None:
        login(client, world["users"][role])
    return client


def make_procedure(member: Any, **fields: Any) -> Procedure:
    data: dict[str, Any] = {
        "name": "Finanzwesen",
        "vendor": "H&H Datenverarbeitungs- und Beratungsgesellschaft mbH",
        "product": "H&H proDoppik",
        "version": "24.1",
        "area": "finance",
        "operation": "coop_dc",
        "licence_count": 25,
        "contract_end": dt.date(2027, 12, 31),
        "protection_need": "high",
    }
    data.update(fields)
    return Procedure.objects.create(member=member, **data)


@pytest.fixture
def proc_world(world: dict[str, Any]) -> dict[str, Any]:
    add_roles(world)
    return {
        **world,
        "w_proc": make_procedure(world["wernigerode"]),
        "z_proc": make_procedure(world["zeitz"], product="KIRP", vendor="KIRU", version="7.3", area="hr"),
    }
