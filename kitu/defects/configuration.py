"""A town sets up its defect reporter: enabling it, its area, retention, categories (routed to a department
mailbox and case workers) and the Open311 keys of client applications. Only the town's administration."""

from __future__ import annotations

import hashlib
import json
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kitu.accounts.models import User
from kitu.accounts.policies import has_role
from kitu.accounts.roles import Role
from kitu.core import audit
from kitu.core.actors import SystemActor
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import Member

from .models import ApiClient, Category, DefectService
from .policies import can_manage_service

M = TypeVar("M", bound=Model)
SERVICE_FIELDS = ("is_enabled", "area", "outside_hint", "retention_days", "target_days")
CATEGORY_FIELDS = ("code", "name", "description", "group", "keywords", "department_email", "is_active")


def _deny() -> PermissionDenied:
    return PermissionDenied(_("Den Mängelmelder richtet die Administration der Kommune ein."))


def parse_area(text: str) -> list[list[float]]:
    """Corner points, one "Breite, Länge" per line (WGS84, decimal point), into [[lat, lon], …]; empty: none.
    Errors name the line."""
    points: list[list[float]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(";", ",").split(",")]
        try:
            lat, lon = (Decimal(p) for p in parts) if len(parts) == 2 else (None, None)
        except InvalidOperation:
            lat = lon = None
        if (
            lat is None
            or lon is None
            or not (lat.is_finite() and lon.is_finite())  # NaN cannot even be compared
            or not (-90 <= lat <= 90 and -180 <= lon <= 180)
        ):
            raise DomainError(
                _("Zeile %(n)s: „%(line)s“ ist kein Punkt „Breite, Länge“ (z. B. 51.8352, 10.7853).")
                % {"n": number, "line": line.strip()},
                field="area",
            )
        points.append([float(lat), float(lon)])
    if points and len(points) < 3:
        raise DomainError(_("Ein Gebiet braucht mindestens drei Eckpunkte."), field="area")
    return points


def format_area(area: list[list[float]]) -> str:
    return "\n".join(f"{lat}, {lon}" for lat, lon in area)


@transaction.atomic
def service_save(
    *,
    actor: Any,
    member: Member,
    slug: str = "",
    is_enabled: bool,
    area: list[list[float]],
    outside_hint: str,
    retention_days: int,
    target_days: int | None = None,
) -> DefectService:
    """Enable (first time: with its ``jurisdiction_id``, which never changes after) or change the service."""
    if not has_role(actor, Role.MEMBER_ADMIN, member.organisation_id):
        raise _deny()
    if not 30 <= retention_days <= 3650:
        raise DomainError(_("Die Aufbewahrung liegt zwischen 30 und 3650 Tagen."), field="retention_days")
    if target_days is not None and not 1 <= target_days <= 365:
        raise DomainError(_("Das Bearbeitungsziel liegt zwischen 1 und 365 Tagen."), field="target_days")
    service = DefectService.objects.select_for_update().filter(member=member).first()
    before = audit.snapshot(service, SERVICE_FIELDS) if service else {}
    if service is None:
        slug = slugify(slug)
        if not slug:
            raise DomainError(_("Bitte eine Kennung angeben (Kleinbuchstaben, z. B. wernigerode)."), field="slug")
        if DefectService.objects.filter(slug=slug).exists():
            raise DomainError(_("Die Kennung „%(slug)s“ ist schon vergeben.") % {"slug": slug}, field="slug")
        service = DefectService(member=member, slug=slug)
    service.is_enabled, service.area, service.outside_hint = is_enabled, area, outside_hint.strip()[:300]
    service.retention_days = retention_days
    if target_days is not None:  # not given: unchanged (new towns: the model's default)
        service.target_days = target_days
    service.save()
    audit.record(
        actor=actor,
        instance=service,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(service, SERVICE_FIELDS),
    )
    return service


@transaction.atomic
def category_save(
    *, actor: Any, service: DefectService, category: Category | None = None, case_workers: Any = (), **data: Any
) -> Category:
    """Create or change a category; its case workers must be case workers of the town."""
    if not can_manage_service(actor, service):
        raise _deny()
    if category is not None:  # fresh from the database: a bound ModelForm has already changed its instance
        category = Category.objects.select_for_update().get(pk=category.pk)
        if category.service_id != service.pk:
            raise DomainError(_("Die Kategorie gehört zu einer anderen Kommune."))
    org = service.member.organisation_id
    for user in case_workers:
        if not has_role(user, Role.CASE_WORKER, org):
            raise DomainError(
                _("%(user)s ist kein Sachbearbeiter der Kommune.") % {"user": user.email}, field="case_workers"
            )
    before = audit.snapshot(category, CATEGORY_FIELDS) if category else {}
    category = category or Category(service=service)
    for field in CATEGORY_FIELDS:
        if field in data:
            setattr(category, field, data[field])
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:
        raise DomainError(
            _("Den Code „%(code)s“ gibt es in dieser Kommune schon.") % {"code": category.code}, field="code"
        ) from exc
    category.case_workers.set(case_workers)
    audit.record(
        actor=actor,
        instance=category,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(category, CATEGORY_FIELDS),
    )
    return category


def case_worker_choices(service: DefectService) -> Any:
    """The users who work reports of the town (for routing a category to them)."""
    return (
        User.objects.filter(
            role_assignments__organisation_id=service.member.organisation_id,
            role_assignments__role=Role.CASE_WORKER,
            is_active=True,
        )
        .distinct()
        .order_by("email")
    )


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, actor: Any, service: DefectService, name: str) -> tuple[ApiClient, str]:
    """A new Open311 key for a client application of the town; the key is shown once, only its hash kept.
    ``actor`` SYSTEM: the management command (operator on the server)."""
    system = isinstance(actor, SystemActor)
    if not system and not can_manage_service(actor, service):
        raise _deny()
    if not name.strip():
        raise DomainError(_("Bitte den Namen der Anwendung angeben."), field="name")
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        service=service,
        name=name.strip()[:100],
        prefix=key[:8],
        key_hash=_hash(key),
        created_by=None if system else actor,
    )
    audit.record(actor=actor, instance=client, action="create", after={"name": client.name})
    return client, key


@transaction.atomic
def api_client_revoke(*, actor: Any, client: ApiClient) -> ApiClient:
    """The key stops working at once; reports made with it stay."""
    client = ApiClient.objects.select_for_update().select_related("service__member").get(pk=client.pk)
    if not can_manage_service(actor, client.service):
        raise _deny()
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record(actor=actor, instance=client, action="update", after={"revoked_at": str(client.revoked_at)})
    return client


def api_client_for(service: DefectService, key: str) -> ApiClient | None:
    """The active client of the town holding this key, else None."""
    if not key:
        return None
    return ApiClient.objects.filter(service=service, key_hash=_hash(key), revoked_at__isnull=True).first()


# The read of an Open311 POST: town, category and the client of a key in one statement. Written as SQL: the
# same query through the ORM (select_related, a subquery for the key) cost more CPU to build than the whole
# rest of the request. Tables and columns are taken from the models.
_POST_TARGET_SQL = f"""
SELECT c.id, c.code, c.is_active, s.id, s.member_id, s.slug, s.is_enabled, s.area, s.outside_hint, a.id
FROM {Category._meta.db_table} c
JOIN {DefectService._meta.db_table} s ON s.id = c.service_id
JOIN {ApiClient._meta.db_table} a ON a.service_id = s.id
WHERE s.slug = %s AND s.is_enabled = %s AND c.code = %s AND c.is_active = %s
  AND a.key_hash = %s AND a.revoked_at IS NULL
"""  # noqa: S608 (table names from the models, every value a parameter)


def _loaded(model: type[M], values: dict[str, Any]) -> M:
    """An instance as the ORM loads it, with only these fields (the others are read when first used)."""
    fields = [f for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], [values[f.attname] for f in fields])


def open311_post_target(*, slug: str, key: str, code: str) -> tuple[Category, int] | None:
    """What an Open311 POST needs, in one query: the active category ``code`` of the enabled town ``slug``
    (with the town; its other fields, member and name are read only when something needs them) and the id
    of the town's active client holding ``key``. None when anything is missing or does not match; the
    caller then reads them one by one to say which."""
    if not (slug and key and code):
        return None
    with connection.cursor() as cursor:
        cursor.execute(_POST_TARGET_SQL, [slug, True, code, True, _hash(key)])
        row = cursor.fetchone()
    if row is None:
        return None
    category_id, code, is_active, service_id, member_id, slug, is_enabled, area, outside_hint, client_id = row
    service = _loaded(
        DefectService,
        {
            "id": service_id,
            "member_id": member_id,
            "slug": slug,
            "is_enabled": bool(is_enabled),
            "area": json.loads(area) if isinstance(area, str) else area,  # SQLite gives the text, psycopg the value
            "outside_hint": outside_hint,
        },
    )
    category = _loaded(
        Category, {"id": category_id, "service_id": service_id, "code": code, "is_active": bool(is_active)}
    )
    category.service = service
    return category, int(client_id)
