"""Eligibility as a rule: all members, all members of one type, or picked members — read by one selector
everywhere (catalog, cart, call-off checks, contract visibility)."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login, make_article, make_member, make_user
from kitu.accounts.roles import Role
from kitu.catalog.selectors import visible_articles
from kitu.contracts import services
from kitu.contracts.eligibility import (
    contracts_open_to,
    is_eligible,
    is_eligible_member,
    members_eligible,
    rule_label,
)
from kitu.contracts.models import Eligibility, FrameworkContract
from kitu.contracts.selectors import visible_contracts
from kitu.core.errors import DomainError
from kitu.core.models import AuditEntry
from kitu.members import services as member_services
from kitu.members.models import Member
from kitu.orders import planning

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _rule(w: dict[str, Any], contract: FrameworkContract, rule: str, member_type: str = "") -> FrameworkContract:
    return services.contract_save(
        actor=w["admin"], contract=contract, eligibility=rule, eligible_member_type=member_type
    )


def _ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_existing_contracts_stay_selected(contract_world: dict[str, Any]) -> None:
    w = contract_world
    assert w["contract"].eligibility == Eligibility.SELECTED
    assert _ids(members_eligible(w["contract"])) == {w["wernigerode"].pk}
    assert w["contract"].pk in _ids(contracts_open_to(w["wernigerode"]))
    assert w["contract"].pk not in _ids(contracts_open_to(w["zeitz"]))


def test_all_members_covers_members_admitted_later(contract_world: dict[str, Any]) -> None:
    """The promise online joining relies on: a newly admitted member may call off every contract open to
    all members, without anybody touching the contract."""
    w = contract_world
    contract = _rule(w, w["contract"], Eligibility.ALL)
    applicant = make_member("Gemeinde Ilsenburg", admin=w["admin"], joined=None, member_type="gemeinde")
    assert not is_eligible(contract, applicant)  # an application is not a membership
    member_services.member_admit(actor=w["admin"], member=applicant, effective_date=TODAY, shares=1)
    assert is_eligible(contract, applicant)
    assert contract.pk in _ids(contracts_open_to(applicant))
    assert applicant.pk in _ids(members_eligible(contract))
    planning.callable_from(contract, applicant, TODAY)  # no DomainError
    user = make_user("einkauf@ilsenburg.example", [(applicant.organisation, Role.REQUESTER)])
    notebook = make_article(contract, w["lot"], "NB-9", "800.00")
    assert contract.pk in _ids(visible_contracts(user))
    assert notebook.pk in _ids(visible_articles(user))
    assert contract.eligible_members.count() == 0  # by the rule, not by ticking


def test_all_members_ends_with_the_membership(contract_world: dict[str, Any]) -> None:
    w = contract_world
    contract = _rule(w, w["contract"], Eligibility.ALL)
    assert _ids(members_eligible(contract)) == {w["wernigerode"].pk, w["zeitz"].pk}
    Member.objects.filter(pk=w["zeitz"].pk).update(left_on=TODAY - dt.timedelta(days=1))
    assert not is_eligible(contract, w["zeitz"])
    assert is_eligible(contract, w["zeitz"], day=TODAY - dt.timedelta(days=1))  # the exit day still counts
    with pytest.raises(DomainError):
        planning.callable_from(contract, Member.objects.get(pk=w["zeitz"].pk), TODAY)


def test_member_type_rule(contract_world: dict[str, Any]) -> None:
    w = contract_world
    harz = make_member("Landkreis Harz", admin=w["admin"], member_type="landkreis", joined=dt.date(2016, 1, 1))
    contract = _rule(w, w["contract"], Eligibility.MEMBER_TYPE, "landkreis")
    assert rule_label(contract) == "alle Mitglieder der Art Landkreis"
    assert _ids(members_eligible(contract)) == {harz.pk}
    assert is_eligible(contract, harz)
    assert not is_eligible(contract, w["wernigerode"])  # a Stadt
    mansfeld = make_member("Landkreis Mansfeld-Südharz", admin=w["admin"], member_type="landkreis", joined=TODAY)
    assert is_eligible(contract, mansfeld)


def test_visible_contracts_follow_the_rule(contract_world: dict[str, Any]) -> None:
    w = contract_world
    zeitz_user = w["users"]["other_requester"]
    assert w["contract"].pk not in _ids(visible_contracts(zeitz_user))
    _rule(w, w["contract"], Eligibility.ALL)
    assert w["contract"].pk in _ids(visible_contracts(zeitz_user))
    assert w["draft"].pk not in _ids(visible_contracts(zeitz_user))  # unpublished stays hidden
    _rule(w, w["contract"], Eligibility.MEMBER_TYPE, "landkreis")
    assert w["contract"].pk not in _ids(visible_contracts(zeitz_user))
    _rule(w, w["contract"], Eligibility.MEMBER_TYPE, "stadt")
    assert w["contract"].pk in _ids(visible_contracts(zeitz_user))


def test_selector_is_one_query_whatever_the_members(contract_world: dict[str, Any]) -> None:
    w = contract_world
    _rule(w, w["contract"], Eligibility.ALL)
    with CaptureQueriesContext(connection) as ctx:
        assert is_eligible(w["contract"], w["zeitz"])
    assert len(ctx.captured_queries) == 1


def test_the_order_paths_check_agrees_with_the_sql_for_every_rule_and_membership(
    contract_world: dict[str, Any],
) -> None:
    """is_eligible_member (the member row as read, no query for "all" and "of a type") answers as the SQL
    rule does: applicant, member, leaving today (the exit day still counts), left yesterday, of another
    type, picked or not — on today and on other days."""
    w = contract_world
    yesterday, tomorrow = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)
    members = [
        w["wernigerode"],  # a Stadt, picked for the contract
        w["zeitz"],  # a Stadt, not picked
        make_member("Gemeinde Ilsenburg", admin=w["admin"], joined=None, member_type="gemeinde"),  # applicant
        make_member("Landkreis Harz", admin=w["admin"], member_type="landkreis"),
        make_member("Gemeinde Elend", admin=w["admin"], member_type="gemeinde", joined=TODAY),
    ]
    Member.objects.filter(pk=members[1].pk).update(left_on=TODAY)  # leaving: today is its last day
    Member.objects.filter(pk=members[3].pk).update(left_on=yesterday)  # left
    rules = [(Eligibility.SELECTED, ""), (Eligibility.ALL, ""), (Eligibility.MEMBER_TYPE, "stadt")]
    rules.append((Eligibility.MEMBER_TYPE, "gemeinde"))
    checked = 0
    for rule, member_type in rules:
        contract = _rule(w, w["contract"], rule, member_type)
        for member in Member.objects.filter(pk__in=[m.pk for m in members]):
            for day in (yesterday, TODAY, tomorrow):
                expected = is_eligible(contract, member, day=day)
                assert is_eligible_member(contract, member, day=day) is expected, (rule, member_type, member, day)
                checked += expected
    assert checked == 18  # both answers seen: not a check that says no to everything


def test_the_order_paths_check_asks_once_per_member_row_for_picked_members(contract_world: dict[str, Any]) -> None:
    w = contract_world
    member = Member.objects.get(pk=w["wernigerode"].pk)
    with CaptureQueriesContext(connection) as ctx:
        assert is_eligible_member(w["contract"], member, day=TODAY)
        assert is_eligible_member(w["contract"], member, day=TODAY)
    assert len(ctx.captured_queries) == 1
    other = Member.objects.get(pk=w["zeitz"].pk)
    with CaptureQueriesContext(connection) as ctx:
        assert not is_eligible_member(w["contract"], other, day=TODAY)
    assert len(ctx.captured_queries) == 1
    _rule(w, w["contract"], Eligibility.ALL)
    contract = FrameworkContract.objects.get(pk=w["contract"].pk)
    with CaptureQueriesContext(connection) as ctx:
        assert is_eligible_member(contract, other, day=TODAY)  # by the rule: no query
    assert ctx.captured_queries == []


def test_rule_checks(contract_world: dict[str, Any]) -> None:
    w = contract_world
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        _rule(w, w["contract"], Eligibility.MEMBER_TYPE)
    assert exc.value.field == "eligible_member_type"
    with pytest.raises(DomainError) as exc:
        _rule(w, w["contract"], "everybody")
    assert exc.value.field == "eligibility"
    assert AuditEntry.objects.count() == audits
    contract = FrameworkContract.objects.get(pk=w["contract"].pk)
    assert (contract.eligibility, contract.eligible_member_type) == (Eligibility.SELECTED, "")
    contract = _rule(w, contract, Eligibility.ALL, "landkreis")  # a type only goes with its rule
    assert (contract.eligibility, contract.eligible_member_type) == (Eligibility.ALL, "")
    entry = AuditEntry.objects.order_by("pk").last()
    assert entry is not None and entry.changes["eligibility"] == ["selected", "all"]


def test_inhouse_contracts_stay_with_their_members(contract_world: dict[str, Any]) -> None:
    w = contract_world
    with pytest.raises(DomainError) as exc:
        services.contract_save(
            actor=w["admin"],
            number="IH-1",
            title="Inhouse",
            legal_basis="gwb108",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2030, 12, 31),
            call_off_mode="direct",
            suppliers=[w["supplier"]],
            eligibility=Eligibility.ALL,
        )
    assert exc.value.field == "eligibility"
    assert not FrameworkContract.objects.filter(number="IH-1").exists()


def _post(w: dict[str, Any], **extra: str) -> Any:
    client = login(w["client"], w["users"]["contract_manager"])
    data = {
        "number": "RV-2027-09",
        "title": "Headsets",
        "legal_basis": "uvgo15",
        "awarding_body": "Kommunale IT-UNION eG",
        "starts_on": "2027-01-01",
        "ends_on": "2030-12-31",
        "call_off_mode": "direct",
        "suppliers": [str(w["supplier"].pk)],
        **extra,
    }
    return client.post(reverse("contracts:create"), data)


def test_form_saves_the_rule(contract_world: dict[str, Any], client: Any) -> None:
    w = {**contract_world, "client": client}
    response = _post(w, eligibility="member_type")
    assert response.status_code == 200
    assert "Bitte wählen Sie die Art der Mitglieder" in response.content.decode()
    assert not FrameworkContract.objects.filter(number="RV-2027-09").exists()
    response = _post(w, eligibility="member_type", eligible_member_type="stadt")
    assert response.status_code == 302
    contract = FrameworkContract.objects.get(number="RV-2027-09")
    assert (contract.eligibility, contract.eligible_member_type) == ("member_type", "stadt")
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "alle Mitglieder der Art Stadt (2)" in page
