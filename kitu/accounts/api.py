from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .models import Organisation
from .selectors import role_pairs

router = Router(tags=["accounts"])


class RoleOut(Schema):
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="The acting user with roles per organisation")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    pairs = sorted(role_pairs(user))
    orgs = Organisation.objects.in_bulk({o for o, _ in pairs})
    return MeOut(
        id=int(user.pk or 0),
        email=user.email,  # type: ignore[union-attr]
        full_name=user.full_name,  # type: ignore[union-attr]
        roles=[
            RoleOut(organisation_id=o, organisation_name=orgs[o].name, organisation_kind=orgs[o].kind, role=r)
            for o, r in pairs
        ],
    )
