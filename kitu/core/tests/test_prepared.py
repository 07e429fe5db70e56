"""kitu.core.prepared: a statement compiled once answers every later call as the queryset would."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from kitu.accounts.models import Organisation, RoleAssignment, User
from kitu.accounts.roles import OrgKind, Role
from kitu.core.prepared import Prepared, set_prefetched

pytestmark = pytest.mark.django_db


def _assignments(user_id: int, roles: list[str]) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user_id=user_id, role__in=roles).select_related("organisation").order_by("pk")


def _world() -> tuple[User, User, list[Organisation]]:
    orgs = [Organisation.objects.create(kind=OrgKind.MEMBER, name=f"Org {i}") for i in range(3)]
    ann = User.objects.create_user("ann@example.org", "x" * 12)
    bob = User.objects.create_user("bob@example.org", "x" * 12)
    RoleAssignment.objects.create(user=ann, organisation=orgs[0], role=Role.REQUESTER)
    RoleAssignment.objects.create(user=ann, organisation=orgs[1], role=Role.APPROVER)
    RoleAssignment.objects.create(user=bob, organisation=orgs[2], role=Role.REQUESTER)
    return ann, bob, orgs


def test_every_call_answers_as_the_queryset_with_its_own_values() -> None:
    ann, bob, _orgs = _world()
    prepared: Prepared[RoleAssignment] = Prepared(_assignments)
    for user, roles in [
        (ann, [Role.REQUESTER]),
        (bob, [Role.REQUESTER]),
        (ann, [Role.REQUESTER, Role.APPROVER]),  # another length: a statement of its own
        (bob, [Role.APPROVER, Role.REQUESTER]),
        (ann, [Role.APPROVER]),
    ]:
        expected = list(_assignments(user.pk, roles))
        got = prepared(user.pk, roles)
        assert [(a.pk, a.user_id, a.role) for a in got] == [(a.pk, a.user_id, a.role) for a in expected]
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            assert [a.organisation.name for a in got] == [a.organisation.name for a in expected]  # select_related
        assert not queries.captured_queries
    assert prepared(ann.pk, []) == []  # an empty IN (): no rows, as Django


def test_values_list_and_prefetched() -> None:
    ann, _bob, orgs = _world()
    pairs: Prepared[tuple[int, str]] = Prepared(
        lambda user_id: (
            RoleAssignment.objects.filter(user_id=user_id).order_by("pk").values_list("organisation_id", "role")
        )
    )
    assert pairs(ann.pk) == [(orgs[0].pk, Role.REQUESTER), (orgs[1].pk, Role.APPROVER)]
    set_prefetched(ann, "role_assignments", list(RoleAssignment.objects.filter(user=ann)))
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        assert len(ann.role_assignments.all()) == 2
    assert not queries.captured_queries


def test_a_lock_outside_a_transaction_is_refused_as_by_django(monkeypatch: pytest.MonkeyPatch) -> None:
    ann, _bob, _orgs = _world()
    locked: Prepared[User] = Prepared(lambda pk: User.objects.select_for_update().filter(pk=pk))
    with transaction.atomic():
        assert [u.pk for u in locked(ann.pk)] == [ann.pk]  # compiled here
    connection = transaction.get_connection()
    if connection.features.has_select_for_update:
        monkeypatch.setattr(connection, "get_autocommit", lambda: True)  # as outside any atomic block
        with pytest.raises(TransactionManagementError, match="outside of a transaction"):
            locked(ann.pk)


def test_an_argument_the_statement_does_not_carry_is_an_error() -> None:
    ann, _bob, _orgs = _world()
    sliced: Prepared[User] = Prepared(lambda n: User.objects.order_by("pk")[:n])  # LIMIT is written into the SQL
    with pytest.raises(ValueError, match="does not carry"):
        sliced(1)
    with pytest.raises(TypeError):
        Prepared(lambda pk: User.objects.filter(pk=pk))(ann)  # a model object, not its id
