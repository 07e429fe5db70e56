"""Writes to master data: applications, master-data changes, contacts, sites, cost centres, Leitweg-IDs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied, full_clean

from .. import policies
from ..models import (
    COUNCIL_TYPES,
    EventKind,
    LeitwegId,
    Member,
    Site,
)
from ._common import (
    MEMBER_COOP_FIELDS,
    MEMBER_SELF_SERVICE_FIELDS,
    PERSONAL_FIELDS,
    SUBRECORD_FIELDS,
    _add_event,
    _locked,
    _member_snapshot,
    _save_member,
)


@transaction.atomic
def member_apply(
    *,
    actor: Any,
    name: str,
    member_type: str,
    street: str,
    postcode: str,
    city: str,
    application_date: dt.date,
    council_resolution_date: dt.date | None = None,
    ags: str = "",
    vat_id: str = "",
    invoice_email: str = "",
    phone: str = "",
    document: UploadedFile | None = None,
    note: str = "",
    is_demo: bool = False,
) -> Member:
    """A declaration of joining (§ 15 GenG) arrives: the applicant enters the register as applicant."""
    name = name.strip()
    if not name:
        raise DomainError(_("Bitte den Namen (Firma) angeben."), field="name")
    if member_type in COUNCIL_TYPES and council_resolution_date is None:
        raise DomainError(
            _("Für Kommunen und Verbände ist das Datum des Ratsbeschlusses anzugeben."), field="council_resolution_date"
        )
    if council_resolution_date and council_resolution_date > application_date:
        raise DomainError(
            _("Der Ratsbeschluss muss vor der Beitrittserklärung liegen."), field="council_resolution_date"
        )
    organisation = Organisation.objects.create(kind=OrgKind.MEMBER, name=name)
    member = Member(
        organisation=organisation,
        member_type=member_type,
        street=street,
        postcode=postcode,
        city=city,
        ags=ags,
        vat_id=vat_id,
        invoice_email=invoice_email,
        phone=phone,
        is_demo=is_demo,
    )
    full_clean(member, exclude=["organisation"])
    member.save()
    audit.record(actor=actor, instance=member, action="create", after=_member_snapshot(member))
    _add_event(
        actor=actor,
        member=member,
        kind=EventKind.APPLICATION,
        effective_date=application_date,
        council_resolution_date=council_resolution_date,
        document=document or "",
        note=note,
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, **fields: Any) -> Member:
    """Change master data. Coop admins may change all of it, member admins only their contact fields."""
    allowed: tuple[str, ...]
    if policies.can_edit_member_all(actor, member):
        allowed = MEMBER_COOP_FIELDS
    elif policies.can_edit_member_self_service(actor, member):
        allowed = MEMBER_SELF_SERVICE_FIELDS
    else:
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."))
    member = _locked(member)
    before = _member_snapshot(member)
    for field, value in fields.items():
        if field not in allowed:
            raise PermissionDenied(_("Das Feld darf von Ihnen nicht geändert werden."), field=field)
        if field == "name":
            value = str(value).strip()
            if not value:
                raise DomainError(_("Bitte den Namen (Firma) angeben."), field="name")
            member.organisation.name = value
            member.organisation.save(update_fields=["name"])
        else:
            setattr(member, field, value)
    return _save_member(actor=actor, member=member, before=before)


@transaction.atomic
def order_settings_save(*, actor: Any, member: Member, default_site: Site | None, cost_centre_required: bool) -> Member:
    """The member's order settings (its admins or the cooperative): the delivery site preselected in
    carts, and whether every order needs a cost centre."""
    if not policies.can_manage_subrecords(actor, member):
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."))
    if default_site is not None and default_site.member_id != member.pk:
        raise DomainError(_("Der Standort gehört nicht zu diesem Mitglied."), field="default_site")
    member = _locked(member)
    before = _member_snapshot(member)
    member.default_site, member.cost_centre_required = default_site, cost_centre_required
    member.save(update_fields=["default_site", "cost_centre_required", "updated_at"])
    audit.record(actor=actor, instance=member, action="update", before=before, after=_member_snapshot(member))
    return member


# --- contacts, sites, cost centres, Leitweg-IDs -------------------------------------------------


@transaction.atomic
def subrecord_save(*, actor: Any, member: Member, instance: models.Model, data: dict[str, Any]) -> models.Model:
    """Create or change a contact, site, cost centre or Leitweg-ID of ``member``."""
    model = type(instance)
    if not policies.can_manage_subrecords(actor, member):
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."))
    _locked(member)
    fields = SUBRECORD_FIELDS[model]
    created = instance.pk is None
    before = None if created else audit.snapshot(instance, fields)
    instance.member = member  # type: ignore[attr-defined]
    for name in fields:
        if name in data:
            setattr(instance, name, data[name].strip() if isinstance(data[name], str) else data[name])
    full_clean(instance)
    if isinstance(instance, LeitwegId) and instance.is_default:
        LeitwegId.objects.filter(member=member).exclude(pk=instance.pk).update(is_default=False)
    instance.save()
    if isinstance(instance, Site) and created and member.default_site_id is None:
        # the first delivery site is preselected in carts until the member's admins choose another
        Member.objects.filter(pk=member.pk, default_site__isnull=True).update(default_site=instance)
        member.default_site = instance
    audit.record(
        actor=actor,
        instance=instance,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(instance, fields),
        redact=PERSONAL_FIELDS.get(model, ()),
    )
    return instance


@transaction.atomic
def leitweg_ids_replace(*, actor: Any, member: Member, items: list[dict[str, Any]], field: str = "leitweg_ids") -> None:
    """Make ``items`` ({value, description, is_default}) the member's Leitweg-IDs: IDs not listed are removed,
    listed ones created or updated. Exactly one is the default for invoices (the first, unless one is
    marked). Every value is checked (form and check digits) before anything changes; errors name
    ``leitweg_ids[i].value``."""
    if not policies.can_manage_subrecords(actor, member):
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."), field=field)
    _locked(member)
    values = [str(item.get("value", "")).strip() for item in items]
    defaults = [i for i, item in enumerate(items) if item.get("is_default")]
    if len(defaults) > 1:
        raise DomainError(_("Nur eine Leitweg-ID kann Standard sein."), field=f"{field}[{defaults[1]}].is_default")
    for index, value in enumerate(values):
        if value in values[:index]:
            raise DomainError(_("Die Leitweg-ID ist doppelt angegeben."), field=f"{field}[{index}].value")
        taken = LeitwegId.objects.filter(value=value).exclude(member=member).exists()
        if taken:
            raise DomainError(_("Diese Leitweg-ID gehört zu einem anderen Mitglied."), field=f"{field}[{index}].value")
    default_index = defaults[0] if defaults else 0
    existing = {x.value: x for x in LeitwegId.objects.filter(member=member)}
    for value, instance in existing.items():
        if value not in values:
            subrecord_delete(actor=actor, member=member, instance=instance)
    LeitwegId.objects.filter(member=member).update(is_default=False)
    for index, (value, item) in enumerate(zip(values, items, strict=True)):
        instance = existing.get(value) or LeitwegId(member=member)
        data = {"value": value, "description": str(item.get("description") or ""), "is_default": index == default_index}
        try:
            subrecord_save(actor=actor, member=member, instance=instance, data=data)
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{field}[{index}].{exc.field or 'value'}") from exc


@transaction.atomic
def leitweg_id_set_default(*, actor: Any, member: Member, value: str) -> None:
    """Make ``value`` the member's default Leitweg-ID (adding it if it is new); the others stay."""
    if not policies.can_manage_subrecords(actor, member):
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."), field="leitweg_id")
    value = value.strip()
    items: list[dict[str, Any]] = [
        {"value": x.value, "description": x.description, "is_default": x.value == value}
        for x in LeitwegId.objects.filter(member=member)
    ]
    if value not in [item["value"] for item in items]:
        items.append({"value": value, "description": "", "is_default": True})
    try:
        leitweg_ids_replace(actor=actor, member=member, items=items)
    except DomainError as exc:
        raise type(exc)(exc.message, field="leitweg_id") from exc


@transaction.atomic
def subrecord_delete(*, actor: Any, member: Member, instance: models.Model) -> None:
    if not policies.can_manage_subrecords(actor, member):
        raise PermissionDenied(_("Sie dürfen dieses Mitglied nicht ändern."))
    fields = SUBRECORD_FIELDS[type(instance)]
    audit.record(
        actor=actor,
        instance=instance,
        action="delete",
        before=audit.snapshot(instance, fields),
        redact=PERSONAL_FIELDS.get(type(instance), ()),
    )
    instance.delete()
