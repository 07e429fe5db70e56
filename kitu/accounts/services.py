"""Every write about users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.actors import SystemActor
from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.core.prepared import Prepared

from .models import ApiToken, Organisation, RoleAssignment, User
from .policies import can_manage_users_of, second_factor_target
from .roles import ROLES_BY_KIND, Role
from .selectors import remember_role_pairs, role_pairs_text

USER_AUDIT_FIELDS = ("email", "full_name", "phone", "is_active", "is_staff", "is_superuser")
TOKEN_PREFIX = "kitu_"  # noqa: S105 - a public prefix, not a secret


def _role_snapshot(assignment: RoleAssignment) -> dict[str, Any]:
    return audit.snapshot(assignment, ("user", "organisation", "role"))


@transaction.atomic
def user_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    password: str | None = None,
    is_superuser: bool = False,
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("Es gibt bereits ein Konto mit dieser E-Mail-Adresse."), field="email")
    user = User.objects.create_user(
        email, password, full_name=full_name.strip(), is_superuser=is_superuser, is_staff=is_superuser
    )
    audit.record(
        actor=actor, instance=user, action="create", after=audit.snapshot(user, USER_AUDIT_FIELDS), redact=("phone",)
    )
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, USER_AUDIT_FIELDS)
    for name, value in fields.items():
        if name not in ("full_name", "phone", "is_active", "preferred_language"):
            raise DomainError(_("Feld kann nicht geändert werden."), field=name)
        setattr(user, name, value)
    user.full_clean()
    user.save()
    audit.record(
        actor=actor,
        instance=user,
        action="update",
        before=before,
        after=audit.snapshot(user, USER_AUDIT_FIELDS),
        redact=("phone",),
    )
    return user


@transaction.atomic
def task_digest_set(*, actor: Any, user: User, enabled: bool) -> User:
    """Opt in to (or out of) the daily task digest mail; only for oneself."""
    if getattr(actor, "pk", None) is None or actor.pk != user.pk:
        raise PermissionDenied(_("Die tägliche Zusammenfassung bestellt jede Person nur für sich selbst."))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"task_digest": user.task_digest}
    user.task_digest = enabled
    user.save(update_fields=["task_digest"])
    audit.record(actor=actor, instance=user, action="update", before=before, after={"task_digest": enabled})
    return user


@transaction.atomic
def role_grant(*, actor: Any, user: User, organisation: Organisation, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError(_("Unbekannte Rolle."), field="role")
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise DomainError(
            _("Die Rolle „%(role)s“ gibt es bei dieser Organisation nicht.") % {"role": Role(role).label},
            field="role",
        )
    assignment, created = RoleAssignment.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        audit.record(actor=actor, instance=assignment, action="create", after=_role_snapshot(assignment))
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    before = _role_snapshot(assignment)
    audit.record(actor=actor, instance=assignment, action="delete", before=before)
    assignment.delete()


def send_password_set_mail(*, user: User, request: Any = None) -> None:
    """Mail a link to choose a password: the password-reset link, which also serves new users who have
    none yet (Django's reset form skips users without a usable password, so the mail is sent here)."""
    context = {
        "email": user.email,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request is not None and request.is_secure() else "http",
        "domain": request.get_host() if request is not None else settings.KITU_SITE_DOMAIN,
        "user": user,
    }
    PasswordResetForm().send_mail(
        "accounts/password_reset_subject.txt",
        "accounts/password_reset_email.txt",
        context,
        settings.DEFAULT_FROM_EMAIL,
        user.email,
    )


@transaction.atomic
def organisation_user_add(
    *,
    actor: Any,
    organisation: Organisation,
    email: str,
    full_name: str,
    roles: list[str],
    request: Any = None,
) -> User:
    """Add a person to an organisation with roles; a new person gets a mail to choose a password."""
    if not can_manage_users_of(actor, organisation):
        raise PermissionDenied(_("Sie dürfen die Benutzer/innen dieser Organisation nicht verwalten."))
    if not roles:
        raise DomainError(_("Bitte mindestens eine Rolle wählen."), field="roles")
    user = User.objects.filter(email__iexact=email.strip()).first()
    created = user is None
    if user is None:
        user = user_create(actor=actor, email=email, full_name=full_name)
    for role in roles:
        role_grant(actor=actor, user=user, organisation=organisation, role=role)
    if created:
        transaction.on_commit(lambda: send_password_set_mail(user=user, request=request))
    return user


@transaction.atomic
def organisation_role_remove(*, actor: Any, organisation: Organisation, assignment_id: int) -> None:
    if not can_manage_users_of(actor, organisation):
        raise PermissionDenied(_("Sie dürfen die Benutzer/innen dieser Organisation nicht verwalten."))
    assignment = RoleAssignment.objects.filter(pk=assignment_id, organisation=organisation).first()
    if assignment is None:
        raise NotFound(_("Rollenzuweisung nicht gefunden."))
    if assignment.user_id == actor.pk and assignment.role == Role.MEMBER_ADMIN:
        raise DomainError(_("Sie können sich die eigene Administrationsrolle nicht selbst entziehen."))
    role_revoke(actor=actor, assignment=assignment)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | SystemActor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored in clear.

    A person creates tokens only for themselves and only with a verified second factor where they have or
    need one: a token acts without the second factor, so it must not be had with a password alone."""
    if not isinstance(actor, SystemActor):
        if actor.pk != user.pk:
            raise PermissionDenied(_("API-Tokens kann nur die Person selbst anlegen."))
        if second_factor_target(actor, relaxed=settings.KITU_RELAX_2FA):
            raise PermissionDenied(_("Bitte bestätigen Sie zuerst Ihren zweiten Faktor."), field="name")
    name = name.strip()
    if not name:
        raise DomainError(_("Bitte eine Bezeichnung angeben."), field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[:12], key_hash=_hash(secret))
    audit.record(actor=user, instance=token, action="create", after=audit.snapshot(token, ("user", "name", "prefix")))
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("Token nicht gefunden."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=user,
            instance=token,
            action="update",
            before={"revoked_at": None},
            after={"revoked_at": str(token.revoked_at)},
        )
    return token


# the token of a secret with its user and the user's roles, on every API request (compiled once)
_ACTIVE_TOKEN: Prepared[ApiToken] = Prepared(
    lambda key_hash: (
        ApiToken.objects.select_related("user")
        .annotate(kitu_roles=role_pairs_text("user_id"))
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .order_by("pk")[:1]
    )
)


def api_token_authenticate(secret: str) -> User | None:
    """The active user behind a bearer secret, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = next(iter(_ACTIVE_TOKEN(_hash(secret))), None)
    if token is None:
        return None
    remember_role_pairs(token.user, token.kitu_roles)  # type: ignore[attr-defined]
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
