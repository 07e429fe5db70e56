"""Writes around the general assembly: the assembly and its agenda, documents, attendance and proxies,
minutes, and resolutions of the bodies (docs/governance.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.members.models import Member

from .. import conf, policies, rules, uploads
from ..models import (
    AgendaDocument,
    AgendaItem,
    Assembly,
    AssemblyMode,
    Attendance,
    AttendanceKind,
    Body,
    BodyFunction,
    BodyMember,
    DocumentKind,
    Procedure,
    Representative,
    Resolution,
)
from ..rules import Majority, PollStatus

ASSEMBLY_FIELDS = ("title", "starts_at", "mode", "place", "online_url", "chair")


def _require_office(actor: Any) -> None:
    if not policies.can_manage(actor):
        raise PermissionDenied(_("Das erledigt die Geschäftsstelle."))


def is_held(assembly: Assembly) -> bool:
    return assembly.starts_at <= timezone.now()


def require_changeable(assembly: Assembly) -> None:
    """Date, place, agenda and documents change only while the assembly is ahead and not cancelled."""
    if assembly.cancelled_at is not None:
        raise DomainError(_("Die Versammlung ist abgesagt."), field="assembly")
    if is_held(assembly):
        raise DomainError(
            _("Die Versammlung hat schon stattgefunden; sie lässt sich nicht mehr ändern."), field="assembly"
        )


def _mode_allowed(mode: str) -> None:
    if mode not in AssemblyMode.values:
        raise DomainError(_("Unbekannte Form der Versammlung."), field="mode")
    if mode == AssemblyMode.VIRTUAL and not conf.get("VIRTUAL_ALLOWED"):
        raise DomainError(_("Die Satzung lässt keine virtuelle Versammlung zu."), field="mode")
    if mode == AssemblyMode.HYBRID and not conf.get("HYBRID_ALLOWED"):
        raise DomainError(_("Die Satzung lässt keine hybride Versammlung zu."), field="mode")


@transaction.atomic
def assembly_create(
    *,
    actor: Any,
    title: str,
    starts_at: dt.datetime,
    mode: str = AssemblyMode.IN_PERSON,
    place: str = "",
    online_url: str = "",
    chair: str = "",
    is_demo: bool = False,
) -> Assembly:
    _require_office(actor)
    _mode_allowed(mode)
    if mode != AssemblyMode.VIRTUAL and not place.strip():
        raise DomainError(_("Bitte den Ort der Versammlung angeben."), field="place")
    if mode != AssemblyMode.IN_PERSON and not online_url.strip():
        raise DomainError(_("Bitte den Zugang zur Online-Teilnahme angeben."), field="online_url")
    assembly = Assembly.objects.create(
        title=title.strip(),
        starts_at=starts_at,
        mode=mode,
        place=place.strip(),
        online_url=online_url.strip(),
        chair=chair.strip(),
        is_demo=is_demo,
    )
    audit.record(actor=actor, instance=assembly, action="create", after=audit.snapshot(assembly, ASSEMBLY_FIELDS))
    return assembly


@transaction.atomic
def agenda_item_add(
    *, actor: Any, assembly: Assembly, title: str, description: str = "", historic: bool = False
) -> AgendaItem:
    """A new item at the end of the agenda. ``historic``: recording a past assembly (demo, data taken over)."""
    _require_office(actor)
    locked = Assembly.objects.select_for_update(of=("self",)).get(pk=assembly.pk)
    if not historic:
        require_changeable(locked)
    position = (locked.agenda.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(
        assembly=locked,
        position=position,
        title=title.strip(),
        description=description,
        changed_at=timezone.now() if locked.invited_at else None,
    )
    audit.record(actor=actor, instance=item, action="create", after={"assembly": locked.pk, "title": item.title})
    return item


@transaction.atomic
def document_add(
    *, actor: Any, item: AgendaItem, kind: str, upload: UploadedFile | None, historic: bool = False
) -> AgendaDocument:
    _require_office(actor)
    if kind not in DocumentKind.values:
        raise DomainError(_("Unbekannte Art der Unterlage."), field="kind")
    assembly = Assembly.objects.select_for_update(of=("self",)).get(pk=item.assembly_id)
    if not historic:
        require_changeable(assembly)
    content = uploads.read_pdf(upload, field="file")
    document = AgendaDocument(item=item, kind=kind, name=content.name or "")
    document.file.save(content.name or "dokument.pdf", content, save=False)
    document.save()
    if assembly.invited_at:
        AgendaItem.objects.filter(pk=item.pk).update(changed_at=timezone.now())
    audit.record(actor=actor, instance=document, action="create", after={"item": item.pk, "kind": kind})
    return document


@transaction.atomic
def resolution_add(
    *,
    actor: Any,
    assembly: Assembly,
    title: str,
    text: str = "",
    rule: str = Majority.SIMPLE,
    secret: bool = False,
    procedure: str = Procedure.AT_ASSEMBLY,
    agenda_item: AgendaItem | None = None,
    is_demo: bool = False,
) -> Resolution:
    """A motion of the assembly as a poll in draft."""
    _require_office(actor)
    if rule not in Majority.__members__.values():
        raise DomainError(_("Unbekannte Mehrheitsregel."), field="rule")
    if procedure == Procedure.WRITTEN and not conf.get("WRITTEN_VOTING"):
        raise DomainError(_("Die Satzung lässt keine schriftliche Abstimmung zu."), field="procedure")
    if agenda_item is not None and agenda_item.assembly_id != assembly.pk:
        raise DomainError(_("Der Tagesordnungspunkt gehört zu einer anderen Versammlung."), field="agenda_item")
    resolution = Resolution.objects.create(
        body=Body.ASSEMBLY,
        assembly=assembly,
        agenda_item=agenda_item,
        title=title.strip(),
        text=text,
        rule=rule,
        secret=secret,
        procedure=procedure,
        is_demo=is_demo,
    )
    audit.record(actor=actor, instance=resolution, action="create", after={"title": resolution.title, "rule": rule})
    return resolution


@transaction.atomic
def body_resolution_record(
    *,
    actor: Any,
    body: str,
    title: str,
    decided_on: dt.date,
    yes: int,
    no: int,
    abstain: int,
    text: str = "",
    rule: str = Majority.SIMPLE,
    document: UploadedFile | None = None,
    is_demo: bool = False,
) -> Resolution:
    """A resolution the board or the supervisory board took in its meeting, for the register; optionally with
    the signed resolution (PDF, type by content, decoded size)."""
    _require_office(actor)
    if body not in (Body.BOARD, Body.SUPERVISORY):
        raise DomainError(_("Beschlüsse der Generalversammlung entstehen aus ihren Abstimmungen."), field="body")
    if rule not in Majority.__members__.values():
        raise DomainError(_("Unbekannte Mehrheitsregel."), field="rule")
    if not title.strip():
        raise DomainError(_("Bitte den Beschlussgegenstand angeben."), field="title")
    if min(yes, no, abstain) < 0:
        raise DomainError(_("Stimmen zählen ab null."), field="yes")
    if decided_on > timezone.localdate():
        raise DomainError(_("Das Datum der Sitzung liegt in der Zukunft."), field="decided_on")
    content = uploads.read_pdf(document, field="document") if document is not None else None
    result = rules.Tally(yes=yes, no=no, abstain=abstain)
    resolution = Resolution(
        body=body,
        title=title.strip(),
        text=text,
        rule=rule,
        status=PollStatus.COUNTED,
        yes=yes,
        no=no,
        abstain=abstain,
        adopted=rules.adopted(rule, result),
        decided_on=decided_on,
        is_demo=is_demo,
    )
    if content is not None:
        resolution.document_name = content.name or ""
        resolution.document.save(content.name or "beschluss.pdf", content, save=False)
    resolution.save()
    audit.record(actor=actor, instance=resolution, action="create", after={"title": resolution.title, "body": body})
    return resolution


@transaction.atomic
def body_member_add(
    *,
    actor: Any,
    body: str,
    full_name: str,
    function: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
    affiliation: str = "",
    is_demo: bool = False,
) -> BodyMember:
    _require_office(actor)
    if body not in (Body.BOARD, Body.SUPERVISORY):
        raise DomainError(_("Unbekanntes Organ."), field="body")
    if function not in BodyFunction.values:
        raise DomainError(_("Unbekannte Funktion."), field="function")
    if not full_name.strip():
        raise DomainError(_("Bitte den Namen angeben."), field="full_name")
    if term_end is not None and term_end < term_start:
        raise DomainError(_("Die Amtszeit endet vor ihrem Beginn."), field="term_end")
    person = BodyMember.objects.create(
        body=body,
        full_name=full_name.strip(),
        function=function,
        term_start=term_start,
        term_end=term_end,
        affiliation=affiliation,
        is_demo=is_demo,
    )
    audit.record(actor=actor, instance=person, action="create", after={"body": body, "full_name": person.full_name})
    return person


# --- attendance and proxies ---------------------------------------------------------------------------------


def _may_act_for(actor: Any, member: Member) -> bool:
    return policies.is_representative_of(actor, member) or policies.can_name_representatives(actor, member)


@transaction.atomic
def attendance_register(*, actor: Any, assembly: Assembly, member: Member) -> Attendance:
    """The member's own representative registers to attend in person (or online)."""
    if not policies.is_representative_of(actor, member):
        raise PermissionDenied(_("Anmelden kann nur eine Vertretung des Mitglieds."))
    if assembly.starts_at <= timezone.now() - dt.timedelta(hours=12):
        raise DomainError(_("Die Versammlung ist vorbei."), field="assembly")
    if assembly.cancelled_at is not None:
        raise DomainError(_("Die Versammlung ist abgesagt."), field="assembly")
    attendance, created = Attendance.objects.get_or_create(
        assembly=assembly, member=member, defaults={"person": actor, "kind": AttendanceKind.PRESENT}
    )
    if not created:
        raise DomainError(_("Das Mitglied ist schon angemeldet."), field="member")
    audit.record(actor=actor, instance=attendance, action="create", after={"member": member.pk, "kind": "present"})
    return attendance


@transaction.atomic
def proxy_grant(*, actor: Any, assembly: Assembly, member: Member, holder: Any) -> Attendance:
    """``member`` is represented by ``holder``, a representative of another member. At most MAX_PROXIES
    members per holder (§ 43 (5) GenG): the assembly row is locked while counting, so two grants at once cannot
    both take the last place."""
    if not _may_act_for(actor, member):
        raise PermissionDenied(_("Eine Vollmacht erteilt nur das Mitglied selbst."))
    holder_members = set(Representative.objects.filter(user=holder).values_list("member_id", flat=True))
    if not holder_members or holder_members == {member.pk}:
        raise DomainError(_("Bevollmächtigt werden kann nur die Vertretung eines anderen Mitglieds."), field="holder")
    locked = Assembly.objects.select_for_update(of=("self",)).get(pk=assembly.pk)
    if locked.cancelled_at is not None:
        raise DomainError(_("Die Versammlung ist abgesagt."), field="assembly")
    limit = conf.get("MAX_PROXIES")
    held = Attendance.objects.filter(assembly=locked, person=holder, kind=AttendanceKind.REPRESENTED).count()
    if held >= limit:
        raise DomainError(
            _("%(name)s vertritt schon %(n)s Mitglieder; mehr lässt die Satzung nicht zu.")
            % {"name": holder.full_name or holder.email, "n": held},
            field="holder",
        )
    if Attendance.objects.filter(assembly=locked, member=member).exists():
        raise DomainError(_("Das Mitglied ist schon angemeldet."), field="member")
    attendance = Attendance.objects.create(
        assembly=locked, member=member, person=holder, kind=AttendanceKind.REPRESENTED
    )
    audit.record(actor=actor, instance=attendance, action="create", after={"member": member.pk, "holder": holder.pk})
    return attendance


@transaction.atomic
def attendance_check_in(*, actor: Any, attendance: Attendance) -> Attendance:
    """The office records at the door that the person is there (with the written proxy, if represented)."""
    _require_office(actor)
    before = audit.snapshot(attendance, ["checked_in"])
    attendance.checked_in = True
    attendance.save(update_fields=["checked_in"])
    audit.record(actor=actor, instance=attendance, action="update", before=before, after={"checked_in": True})
    return attendance


@transaction.atomic
def minutes_upload(*, actor: Any, assembly: Assembly, upload: UploadedFile | None, signed_by: str) -> Assembly:
    """The minutes signed by the chair (PDF) — once the assembly took place."""
    _require_office(actor)
    if not signed_by.strip():
        raise DomainError(_("Bitte angeben, wer das Protokoll unterschrieben hat."), field="signed_by")
    if assembly.starts_at > timezone.now():
        raise DomainError(_("Das Protokoll folgt nach der Versammlung."), field="file")
    content = uploads.read_pdf(upload, field="file")
    assembly.minutes.save(content.name or "protokoll.pdf", content, save=False)
    assembly.minutes_signed_by = signed_by.strip()
    assembly.save(update_fields=["minutes", "minutes_signed_by"])
    audit.record(actor=actor, instance=assembly, action="update", after={"minutes_signed_by": signed_by.strip()})
    return assembly
