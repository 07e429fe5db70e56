"""Who sends, sees, approves, rejects and exports inbound invoices (docs/payables.md).

- Suppliers (supplier users) send invoices and see the ones their supplier sent.
- The member's staff (member admin, requester, approver) see the invoices the member received.
- Factual correctness ("sachlich richtig"): a requester or the member admin of the member.
- Arithmetic correctness and release ("rechnerisch richtig"): an approver or the member admin of the member,
  never the person who confirmed the factual correctness.
- Rejecting with a reason: any of the three member roles, while the invoice is open.
- The booking list export: approvers and member admins.
The cooperative's office sees none of it: an invoice is between the supplier and the member."""

from __future__ import annotations

from typing import Any

from kitu.accounts.policies import has_role
from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs

MEMBER_ROLES = (Role.MEMBER_ADMIN, Role.REQUESTER, Role.APPROVER)
FACTUAL_ROLES = (Role.REQUESTER, Role.MEMBER_ADMIN)
ARITHMETIC_ROLES = (Role.APPROVER, Role.MEMBER_ADMIN)
EXPORT_ROLES = (Role.APPROVER, Role.MEMBER_ADMIN)


def supplier_org_ids(user: Any) -> set[int]:
    return {org for org, role in role_pairs(user) if role == Role.SUPPLIER_USER}


def member_org_ids(user: Any, roles: tuple[str, ...] = MEMBER_ROLES) -> set[int]:
    return {org for org, role in role_pairs(user) if role in roles}


def _any(user: Any, roles: tuple[str, ...], org_id: int) -> bool:
    return any(has_role(user, role, org_id) for role in roles)


def can_confirm_factual(user: Any, member_org_id: int) -> bool:
    return _any(user, FACTUAL_ROLES, member_org_id)


def can_confirm_arithmetic(user: Any, member_org_id: int) -> bool:
    return _any(user, ARITHMETIC_ROLES, member_org_id)


def can_reject(user: Any, member_org_id: int) -> bool:
    return _any(user, MEMBER_ROLES, member_org_id)


def can_export(user: Any, member_org_id: int) -> bool:
    return _any(user, EXPORT_ROLES, member_org_id)
