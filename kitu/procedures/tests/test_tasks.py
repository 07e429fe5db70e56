"""Task inbox: the member admin keeps the member's procedures, so a contract ending within the setting
(KITU_PROCEDURE_CONTRACT_ENDING_DAYS, default 90) or ended in the last 30 days is their task; nobody else's,
and it is gone once the contract end is moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from kitu.accounts.models import User
from kitu.procedures.models import Procedure
from kitu.tasks import registry

from .conftest import ROLES, make_procedure

pytestmark = pytest.mark.django_db
KIND = "procedure_contract_ending"


def tasks(user: Any) -> list[registry.Task]:
    return registry.tasks_for(User.objects.get(pk=user.pk), kind=KIND)


def test_contracts_ending_soon_are_the_member_admins_tasks(proc_world: dict[str, Any]) -> None:
    w = proc_world
    today = timezone.localdate()
    soon = today + dt.timedelta(days=60)
    w_proc = w["w_proc"]
    Procedure.objects.filter(pk=w_proc.pk).update(contract_end=soon)
    make_procedure(
        w["wernigerode"], name="Personalwesen", product="LOGA", version="", contract_end=today + dt.timedelta(days=120)
    )
    ended = make_procedure(
        w["wernigerode"], name="DMS", product="enaio", version="10", contract_end=today - dt.timedelta(days=10)
    )
    make_procedure(w["wernigerode"], name="Alt", product="alt", contract_end=today - dt.timedelta(days=40))
    make_procedure(w["wernigerode"], name="Ohne Ende", product="ohne", contract_end=None)
    Procedure.objects.filter(pk=w["z_proc"].pk).update(contract_end=today + dt.timedelta(days=30))

    found = tasks(w["users"]["member_admin"])
    assert [(t.title, t.url, t.due) for t in found] == [
        (
            f"Vertrag des Fachverfahrens DMS (enaio 10) ist am {ended.contract_end:%d.%m.%Y} ausgelaufen: "
            "Stadt Wernigerode",
            f"/fachverfahren/{ended.pk}/",
            ended.contract_end,
        ),
        (
            f"Vertrag des Fachverfahrens Finanzwesen (H&H proDoppik {w_proc.version}) endet am {soon:%d.%m.%Y}: "
            "Stadt Wernigerode",
            f"/fachverfahren/{w_proc.pk}/",
            soon,
        ),
    ]
    assert timezone.localdate(found[1].since) == soon - dt.timedelta(days=90)
    # Zeitz's admin sees Zeitz's only
    assert [t.url for t in tasks(w["users"]["other_member_admin"])] == [f"/fachverfahren/{w['z_proc'].pk}/"]
    # nobody else has the kind (they read the register but do not keep it)
    for role in ROLES:
        if role in (None, "member_admin", "other_member_admin"):
            continue
        user = User.objects.get(pk=w["users"][role].pk)
        assert KIND not in registry.kinds_of(user), role
        assert tasks(user) == [], role
    # the setting widens the window: LOGA (120 days) appears
    with override_settings(KITU_PROCEDURE_CONTRACT_ENDING_DAYS=150):
        assert len(tasks(w["users"]["member_admin"])) == 3
    # done: the contract was extended
    Procedure.objects.filter(pk=w_proc.pk).update(contract_end=today + dt.timedelta(days=400))
    assert [t.url for t in tasks(w["users"]["member_admin"])] == [f"/fachverfahren/{ended.pk}/"]
