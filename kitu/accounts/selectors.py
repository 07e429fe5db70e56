"""Reads about users, organisations and roles. Results are scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Concat

from kitu.core.models import AuditEntry
from kitu.core.prepared import Prepared
from kitu.core.rows import Joined, joined_pairs

from .models import ApiToken, Organisation, RoleAssignment, User
from .roles import OrgKind

# a set: no order (the model's order would join the organisations for their names); compiled once
_ROLE_PAIRS: Prepared[tuple[int, str]] = Prepared(
    lambda user_id: RoleAssignment.objects.filter(user_id=user_id).order_by().values_list("organisation_id", "role")
)


def role_pairs(user: Any) -> frozenset[tuple[int, str]]:
    """(organisation id, role) pairs of ``user``; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_kitu_role_pairs", None)
    if cached is None:
        # a set: no order (the model's order would join the organisations for their names)
        cached = frozenset(_ROLE_PAIRS(user.pk))
        user._kitu_role_pairs = cached
    return cached


def role_pairs_text(user: str = "pk") -> Subquery:
    """The role pairs of the user (``user``: the outer column with the user's id) as one text
    ``organisation:role,…`` (NULL: none), to read them with the user; :func:`remember_role_pairs` caches them."""
    pairs = RoleAssignment.objects.filter(user_id=OuterRef(user)).order_by().values("user_id")
    pair = Concat("organisation_id", Value(":"), "role", output_field=TextField())
    return Subquery(pairs.annotate(text=Joined(pair)).values("text"))


def remember_role_pairs(user: Any, text: str | None) -> None:
    """Cache the pairs of :func:`role_pairs_text` on the user for the request, as role_pairs() would."""
    user._kitu_role_pairs = frozenset((int(org), role) for org, role in joined_pairs(text))


def organisation_ids(user: Any, *, roles: tuple[str, ...] | None = None) -> set[int]:
    return {org for org, role in role_pairs(user) if roles is None or role in roles}


def cooperative() -> Organisation | None:
    return Organisation.objects.filter(kind=OrgKind.COOPERATIVE).order_by("id").first()


def organisations_of(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(id__in=organisation_ids(user)).order_by("name")


def users_of_organisation(organisation: Organisation) -> list[tuple[User, list[RoleAssignment]]]:
    assignments = (
        RoleAssignment.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    grouped: dict[int, tuple[User, list[RoleAssignment]]] = {}
    for assignment in assignments:
        grouped.setdefault(assignment.user_id, (assignment.user, []))[1].append(assignment)
    return list(grouped.values())


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def audit_entries(
    *,
    object_type: str = "",
    actor_email: str = "",
    object_id: str = "",
    date_from: Any = None,
    date_to: Any = None,
) -> QuerySet[AuditEntry]:
    """The audit trail, filtered. Only coop admins may call this (see policies.can_read_audit)."""
    qs = AuditEntry.objects.unsealed()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor_email:
        qs = qs.filter(actor_email__icontains=actor_email)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs
