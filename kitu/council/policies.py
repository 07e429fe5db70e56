"""Who works a town's council information system: its council office (``council_office``) manages
everything; its councillors (``council_member`` and tied to a person of the town) read the non-public parts
of their own bodies. Everyone else, signed in or not, reads what is public."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role
from kitu.accounts.roles import Role

from .models import Body, Person


def can_manage_council(user: Any, body: Body) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(
        user, Role.COUNCIL_OFFICE, body.member.organisation_id
    )


def councillor_person(user: Any, body: Body) -> Person | None:
    """The person of ``body`` the user acts as, if the user is a councillor of that town."""
    if not getattr(user, "is_authenticated", False) or not has_role(
        user, Role.COUNCIL_MEMBER, body.member.organisation_id
    ):
        return None
    return Person.objects.filter(user=user, body=body, deleted=False).first()


def is_councillor(user: Any, body: Body) -> bool:
    return councillor_person(user, body) is not None
