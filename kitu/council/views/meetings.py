"""The council office's meeting pages under /sitzungsdienst/<slug>/sitzungen/: the list, planning, and the
work page of a meeting (agenda, invitation, attendance, results, minutes, publishing). Every state rule is
asked of services.meetings (``allowed``/``transition``); the pages only show what it allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kitu.core.confirm import Confirmation, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error
from kitu.core.schemas import MAX_ID

from ..forms_meetings import (
    AgendaFreeForm,
    AgendaItemForm,
    AgendaPaperForm,
    AttendanceForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    ResultForm,
)
from ..models import AgendaItem, Attendance, Body, FileRole, Meeting, MeetingState
from ..services import meetings as services
from .common import office_body as _office
from .common import optional_url as _optional_url
from .register import office_nav

STATE_TONE = {
    MeetingState.SCHEDULED: "info",
    MeetingState.INVITED: "info",
    MeetingState.HELD: "warning",
    MeetingState.PUBLISHED: "success",
}


def _meeting(body: Body, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.filter(body=body, pk=meeting_id, deleted=False).select_related("body", "location").first()
        if 0 < meeting_id <= MAX_ID
        else None
    )
    if meeting is None:
        raise Http404
    return meeting


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = services.agenda(meeting).filter(pk=item_id).first() if 0 < item_id <= MAX_ID else None
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def _page(request: HttpRequest, template: str, body: Body, status: int = 200, **context: Any) -> HttpResponse:
    context = {"body": body, "office_nav": office_nav(body, request.path), **context}
    return render(request, f"council/meetings/{template}", context, status=status)


def _work_url(meeting: Meeting) -> str:
    return reverse("council:office_meeting", args=[meeting.body.slug, meeting.pk])


# --- list and planning --------------------------------------------------------------------------------------


@login_required
def office_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    body = _office(request, slug)
    meetings = Meeting.objects.filter(body=body, deleted=False).prefetch_related("organizations")
    now = timezone.now()
    upcoming = meetings.filter(start__gte=now - dt.timedelta(hours=12)).order_by("start")
    past = meetings.filter(start__lt=now - dt.timedelta(hours=12)).order_by("-start")[:100]
    return _page(request, "list.html", body, upcoming=upcoming, past=past, tones=STATE_TONE)


def _meeting_form(request: HttpRequest, body: Body, meeting: Meeting | None) -> HttpResponse:
    if meeting is not None:
        if not services.allowed(meeting, "edit"):
            messages.error(request, services.refusal(meeting, "edit"))
            return redirect(_work_url(meeting))
        initial: dict[str, Any] = {
            "name": meeting.name,
            "start": timezone.localtime(meeting.start),
            "end": timezone.localtime(meeting.end) if meeting.end else None,
            "location": meeting.location,
            "organizations": list(meeting.organizations.all()),
        }
    else:
        initial = {}
    form = MeetingForm(request.POST if request.method == "POST" else None, initial=initial, body=body)
    if form.is_bound and form.is_valid():
        try:
            if meeting is None:
                saved = services.meeting_create(actor=request.user, body=body, **form.cleaned_data)
            else:
                saved = services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Sitzung ist gespeichert."))
            return redirect(_work_url(saved))
    back = _work_url(meeting) if meeting else reverse("council:office_meetings", args=[body.slug])
    title = _("Sitzung bearbeiten") if meeting else _("Neue Sitzung planen")
    return _page(request, "form.html", body, status=400 if form.is_bound else 200, form=form, title=title, back=back)


@login_required
def office_meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _meeting_form(request, _office(request, slug), None)


@login_required
def office_meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    return _meeting_form(request, body, _meeting(body, meeting_id))


# --- the work page ------------------------------------------------------------------------------------------


def _detail(
    request: HttpRequest, body: Body, meeting: Meeting, status: int = 200, error: str = "", **forms: Any
) -> HttpResponse:
    items = list(services.agenda(meeting).prefetch_related("consultations__paper").prefetch_related("files"))
    for item in items:
        item.papers = [  # type: ignore[attr-defined]
            c.paper for c in item.consultations.all() if not c.deleted and not c.paper.deleted
        ]
    can = {action: services.allowed(meeting, action) for action in services.TRANSITIONS}
    attendances = list(Attendance.objects.filter(meeting=meeting).select_related("person"))
    counts = {code: sum(1 for a in attendances if a.status == code) for code in ("present", "excused", "absent")}
    context = {
        "meeting": meeting,
        "items": items,
        "can": can,
        "record_refusal": services.refusal(meeting, "record"),
        "organizations": list(meeting.organizations.all()),
        "tone": STATE_TONE[MeetingState(meeting.state)],
        "where": meeting.location,
        "attendances": attendances,
        "attendance_counts": counts,
        "files": meeting.files.filter(deleted=False).order_by("role", "pk"),
        "missing_results": services.unrecorded_public_items(meeting) if can["publish"] else [],
        "deadline": services.invitation_deadline(meeting),
        "late_now": services.invitation_late(meeting),
        "paper_form": forms.get("paper_form") or AgendaPaperForm(body=body, prefix="paper"),
        "free_form": forms.get("free_form") or AgendaFreeForm(prefix="free"),
        "minutes_form": forms.get("minutes_form") or MinutesForm(prefix="minutes"),
        "error": error,
        "public_url": _optional_url("council:meeting", body.slug, meeting.pk),
    }
    return _page(request, "detail.html", body, status=status, **context)


@login_required
def office_meeting(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    return _detail(request, body, _meeting(body, meeting_id))


def _act(request: HttpRequest, body: Body, meeting: Meeting, action: Any, success: str) -> HttpResponse:
    """Run a service for a POST of the work page: success → back to it; a refusal → the page with the reason
    (400) and nothing changed."""
    try:
        action()
    except DomainError as exc:
        return _detail(request, body, _meeting(body, meeting.pk), status=400, error=exc.message)
    messages.success(request, success)
    return redirect(_work_url(meeting))


@login_required
@require_POST
def office_meeting_agenda_add(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    if request.POST.get("kind") == "paper":
        form: Any = AgendaPaperForm(request.POST, body=body, prefix="paper")
        key = "paper_form"
    else:
        form = AgendaFreeForm(request.POST, prefix="free")
        key = "free_form"
    if form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Tagesordnungspunkt ist angefügt."))
            return redirect(_work_url(meeting) + "#h-agenda")
    return _detail(request, body, meeting, status=400, **{key: form})


@login_required
def office_meeting_item(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    item = _item(meeting, item_id)
    form = AgendaItemForm(
        request.POST if request.method == "POST" else None, initial={"name": item.name, "public": item.public}
    )
    if form.is_bound and form.is_valid():
        try:
            services.agenda_item_update(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Tagesordnungspunkt ist gespeichert."))
            return redirect(_work_url(meeting) + "#h-agenda")
    title = _("Tagesordnungspunkt %(number)s bearbeiten") % {"number": item.number}
    return _page(
        request,
        "form.html",
        body,
        status=400 if form.is_bound else 200,
        form=form,
        title=title,
        back=_work_url(meeting),
    )


@login_required
@require_POST
def office_meeting_item_move(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    item = _item(meeting, item_id)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""), 0)
    return _act(
        request,
        body,
        meeting,
        lambda: services.agenda_item_move(actor=request.user, item=item, step=step),
        _("Die Reihenfolge ist geändert."),
    )


@login_required
@require_POST
def office_meeting_item_public(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    item = _item(meeting, item_id)
    value = request.POST.get("public")
    if value not in ("0", "1"):
        return _detail(request, body, meeting, status=400, error=_("Öffentlich oder nichtöffentlich?"))
    return _act(
        request,
        body,
        meeting,
        lambda: services.agenda_item_update(actor=request.user, item=item, public=value == "1"),
        _("Der Punkt wird jetzt öffentlich beraten.") if value == "1" else _("Der Punkt ist jetzt nichtöffentlich."),
    )


@login_required
@require_POST
def office_meeting_item_remove(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    item = _item(meeting, item_id)
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Tagesordnungspunkt entfernen?"),
                consequence=_(
                    "TOP %(number)s „%(name)s“ wird von der Tagesordnung genommen; die folgenden Punkte rücken "
                    "auf. Eine Vorlage darauf ist wieder zur Beratung offen."
                )
                % {"number": item.number, "name": item.name},
                button=_("Tagesordnungspunkt entfernen"),
                action=request.path,
                back=_work_url(meeting),
            ),
        )
    return _act(
        request,
        body,
        meeting,
        lambda: services.agenda_item_remove(actor=request.user, item=item),
        _("Der Tagesordnungspunkt ist entfernt."),
    )


# --- invitation, cancel, delete -------------------------------------------------------------------------------


@login_required
@require_POST
def office_meeting_invite(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    refusal = services.refusal(meeting, "invite")
    if refusal:
        return _detail(request, body, meeting, status=400, error=refusal)
    plan = services.invitation_plan(meeting)
    form = InviteForm(request.POST if confirmed(request) else None)
    form.fields["reason"].required = plan.late  # the service decides; this only marks the field
    if confirmed(request) and form.is_valid():
        try:
            count = services.meeting_invite(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            if exc.field != "reason":
                return _detail(request, body, meeting, status=400, error=exc.message)
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Die Einladung ist verschickt: %(n)s E-Mail geht hinaus.",
                    "Die Einladung ist verschickt: %(n)s E-Mails gehen hinaus.",
                    count,
                )
                % {"n": count},
            )
            return redirect(_work_url(meeting))
    consequence = ngettext(
        "%(n)s Person erhält die Einladung mit dem Termin (.ics) und den öffentlichen Vorlagen per E-Mail.",
        "%(n)s Personen erhalten die Einladung mit dem Termin (.ics) und den öffentlichen Vorlagen per E-Mail.",
        plan.mailed,
    ) % {"n": plan.mailed}
    if plan.persons > plan.mailed:
        consequence += " " + ngettext(
            "%(n)s Mitglied hat keine E-Mail-Adresse: laden Sie es bitte auf anderem Weg ein.",
            "%(n)s Mitglieder haben keine E-Mail-Adresse: laden Sie sie bitte auf anderem Weg ein.",
            plan.persons - plan.mailed,
        ) % {"n": plan.persons - plan.mailed}
    if plan.late:
        consequence += " " + _(
            "Achtung: Die Ladungsfrist von %(days)s Tagen ist unterschritten (Einladung spätestens am %(deadline)s). "
            "Die verkürzte Ladung wird mit ihrem Grund vermerkt."
        ) % {"days": body.invitation_days, "deadline": plan.deadline.strftime("%d.%m.%Y")}
    response = confirmation_page(
        request,
        Confirmation(
            title=_("Zur Sitzung einladen?"),
            consequence=consequence,
            button=ngettext("Einladung an %(n)s Person senden", "Einladung an %(n)s Personen senden", plan.mailed)
            % {"n": plan.mailed},
            action=request.path,
            back=_work_url(meeting),
            facts=[
                (_("Sitzung"), meeting.name),
                (_("Beginn"), timezone.localtime(meeting.start).strftime("%d.%m.%Y %H:%M")),
                (_("eingeladen werden"), plan.persons),
            ],
            extra_form=form if plan.late else None,
        ),
    )
    if form.errors:
        response.status_code = 400
    return response


@login_required
@require_POST
def office_meeting_cancel(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    if not confirmed(request):
        invited = meeting.attendances.count() if meeting.invited_at else 0
        return confirmation_page(
            request,
            Confirmation(
                title=_("Sitzung absagen?"),
                consequence=_("Die Sitzung „%(name)s“ wird abgesagt; das lässt sich nicht rückgängig machen.")
                % {"name": meeting.name}
                + (
                    " "
                    + ngettext(
                        "%(n)s eingeladene Person erhält eine Absage per E-Mail.",
                        "%(n)s eingeladene Personen erhalten eine Absage per E-Mail.",
                        invited,
                    )
                    % {"n": invited}
                    if invited
                    else ""
                ),
                button=_("Sitzung absagen"),
                action=request.path,
                back=_work_url(meeting),
            ),
        )
    return _act(
        request,
        body,
        meeting,
        lambda: services.meeting_cancel(actor=request.user, meeting=meeting),
        _("Die Sitzung ist abgesagt."),
    )


@login_required
@require_POST
def office_meeting_delete(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Sitzung löschen?"),
                consequence=_(
                    "Die Sitzung „%(name)s“ und ihre Tagesordnung werden gelöscht; Vorlagen darauf sind wieder "
                    "zur Beratung offen."
                )
                % {"name": meeting.name},
                button=_("Sitzung löschen"),
                action=request.path,
                back=_work_url(meeting),
            ),
        )
    try:
        services.meeting_delete(actor=request.user, meeting=meeting)
    except DomainError as exc:
        return _detail(request, body, meeting, status=400, error=exc.message)
    messages.success(request, _("Die Sitzung ist gelöscht."))
    return redirect("council:office_meetings", slug=body.slug)


# --- attendance, results, minutes, publishing ----------------------------------------------------------


@login_required
def office_meeting_attendance(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    rows = list(Attendance.objects.filter(meeting=meeting).select_related("person"))
    form = AttendanceForm(request.POST if request.method == "POST" else None, rows=rows)
    if form.is_bound and form.is_valid():
        try:
            present = services.attendance_record(actor=request.user, meeting=meeting, statuses=form.statuses())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Anwesenheit ist erfasst: %(n)s anwesend.") % {"n": present})
            return redirect(_work_url(meeting) + "#h-attendance")
    return _page(
        request,
        "attendance.html",
        body,
        status=400 if form.is_bound else 200,
        meeting=meeting,
        form=form,
        refusal=services.refusal(meeting, "record"),
        back=_work_url(meeting),
    )


@login_required
def office_meeting_result(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    item = _item(meeting, item_id)
    voters = list(services.voters(meeting))
    initial: dict[str, Any] = {
        "result": item.result,
        "resolution_text": item.resolution_text,
        "votes_yes": item.votes_yes,
        "votes_no": item.votes_no,
        "votes_abstain": item.votes_abstain,
        "named_vote": item.named_vote,
        **{f"vote_{v.person_id}": v.choice for v in item.votes.all()},
    }
    post = request.method == "POST"
    form = ResultForm(request.POST if post else None, request.FILES if post else None, initial=initial, voters=voters)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.agenda_item_result(
                actor=request.user,
                item=item,
                result=data["result"],
                resolution_text=data["resolution_text"],
                votes_yes=data["votes_yes"],
                votes_no=data["votes_no"],
                votes_abstain=data["votes_abstain"],
                named_votes=form.named_votes(),
                resolution_file=data["resolution_file"],
            )
        except DomainError as exc:
            if exc.field == "file":
                exc.field = "resolution_file"
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Das Ergebnis von TOP %(number)s ist erfasst.") % {"number": item.number})
            return redirect(_work_url(meeting) + "#h-agenda")
    return _page(
        request,
        "result.html",
        body,
        status=400 if form.is_bound else 200,
        meeting=meeting,
        item=item,
        form=form,
        voters=voters,
        refusal=services.refusal(meeting, "record"),
        resolution=item.files.filter(role=FileRole.RESOLUTION, deleted=False).first(),
        back=_work_url(meeting),
    )


@login_required
@require_POST
def office_meeting_minutes(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    form = MinutesForm(request.POST, request.FILES, prefix="minutes")
    if form.is_valid():
        try:
            services.minutes_upload(actor=request.user, meeting=meeting, upload=form.cleaned_data["file"])
        except DomainError as exc:
            if exc.field in ("file", "role"):
                exc.field = "file"
                add_domain_error(form, exc)
            else:
                return _detail(request, body, meeting, status=400, error=exc.message)
        else:
            messages.success(request, _("Das Ergebnisprotokoll ist hochgeladen."))
            return redirect(_work_url(meeting) + "#h-minutes")
    return _detail(request, body, meeting, status=400, minutes_form=form)


@login_required
@require_POST
def office_meeting_publish(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    body = _office(request, slug)
    meeting = _meeting(body, meeting_id)
    refusal = services.refusal(meeting, "publish")
    missing = services.unrecorded_public_items(meeting)
    if refusal or missing:
        error = refusal or _("Es fehlt noch das Ergebnis von: %(items)s") % {
            "items": "; ".join(f"TOP {i.number} {i.name}" for i in missing)
        }
        return _detail(request, body, meeting, status=400, error=error)
    if not confirmed(request):
        has_minutes = meeting.files.filter(role=FileRole.RESULTS_PROTOCOL, deleted=False).exists()
        return confirmation_page(
            request,
            Confirmation(
                title=_("Ergebnisse veröffentlichen?"),
                consequence=_(
                    "Die Ergebnisse, Beschlüsse und Abstimmungen der öffentlichen Tagesordnungspunkte werden auf den "
                    "öffentlichen Seiten, im Kalender und über OParl für alle sichtbar; danach lassen sie sich "
                    "nicht mehr ändern."
                )
                + ("" if has_minutes else " " + _("Ein Ergebnisprotokoll ist noch nicht hochgeladen.")),
                button=_("Ergebnisse veröffentlichen"),
                action=request.path,
                back=_work_url(meeting),
            ),
        )
    return _act(
        request,
        body,
        meeting,
        lambda: services.meeting_publish(actor=request.user, meeting=meeting),
        _("Die Ergebnisse sind veröffentlicht."),
    )


BASE = "sitzungsdienst/<slug:slug>/sitzungen/"
ITEM = BASE + "<int:meeting_id>/tagesordnung/<int:item_id>/"
urlpatterns: list[URLPattern] = [
    path(BASE, office_meetings, name="office_meetings"),
    path(BASE + "neu/", office_meeting_new, name="office_meeting_new"),
    path(BASE + "<int:meeting_id>/", office_meeting, name="office_meeting"),
    path(BASE + "<int:meeting_id>/bearbeiten/", office_meeting_edit, name="office_meeting_edit"),
    path(BASE + "<int:meeting_id>/tagesordnung/", office_meeting_agenda_add, name="office_meeting_agenda_add"),
    path(ITEM, office_meeting_item, name="office_meeting_item"),
    path(ITEM + "verschieben/", office_meeting_item_move, name="office_meeting_item_move"),
    path(ITEM + "oeffentlich/", office_meeting_item_public, name="office_meeting_item_public"),
    path(ITEM + "entfernen/", office_meeting_item_remove, name="office_meeting_item_remove"),
    path(ITEM + "ergebnis/", office_meeting_result, name="office_meeting_result"),
    path(BASE + "<int:meeting_id>/einladen/", office_meeting_invite, name="office_meeting_invite"),
    path(BASE + "<int:meeting_id>/absagen/", office_meeting_cancel, name="office_meeting_cancel"),
    path(BASE + "<int:meeting_id>/loeschen/", office_meeting_delete, name="office_meeting_delete"),
    path(BASE + "<int:meeting_id>/anwesenheit/", office_meeting_attendance, name="office_meeting_attendance"),
    path(BASE + "<int:meeting_id>/protokoll/", office_meeting_minutes, name="office_meeting_minutes"),
    path(BASE + "<int:meeting_id>/veroeffentlichen/", office_meeting_publish, name="office_meeting_publish"),
]
