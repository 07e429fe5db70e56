"""Pages of a meeting, training or event: registering and cancelling, editing, invitation, attendance,
minutes with decisions and action items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kitu.core.errors import DomainError
from kitu.core.forms import run_action, run_form_action, save_form

from .. import ics, selectors, services
from ..forms import MeetingForm, MinutesForm, MinutesItemForm
from ..models import (
    Meeting,
    MinutesItem,
    Registration,
    RegistrationStatus,
)
from ..policies import can_manage_groups, can_run_group
from .common import form_page, me, meeting_to_run, runnable_groups, visible_meeting


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_meeting(request, meeting_id)
    mine = (
        Registration.objects.filter(meeting=meeting, user=me(request))
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    runner = can_run_group(request.user, meeting.group_id)
    items = list(meeting.minutes_items.select_related("owner"))
    return render(
        request,
        "workgroups/meeting_detail.html",
        {
            "meeting": meeting,
            "mine": mine,
            "runner": runner,
            "position": selectors.waiting_position(mine),
            "waiting_count": Registration.objects.filter(meeting=meeting, status=RegistrationStatus.WAITING).count(),
            "participants": Registration.objects.filter(meeting=meeting)
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("user", "organisation")
            if runner
            else [],
            "decisions": [i for i in items if i.kind == "decision"],
            "actions": [i for i in items if i.kind == "action"],
            "documents": meeting.documents.prefetch_related("versions") if meeting.group_id else [],
            "past": meeting.ends_at < timezone.now(),
            "today": timezone.localdate(),
        },
    )


def _meeting_form_view(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    groups = runnable_groups(request.user)
    if meeting is not None and not can_run_group(request.user, meeting.group_id):
        raise DjangoPermissionDenied
    if meeting is None and not groups.exists() and not can_manage_groups(request.user):
        raise DjangoPermissionDenied
    if meeting is not None:
        initial = {f: getattr(meeting, f) for f in services.MEETING_FIELDS}
        for f in ("starts_at", "ends_at"):
            initial[f] = timezone.localtime(initial[f])
    else:
        initial = {"kind": "meeting", "group": request.GET.get("gruppe")}
    form = MeetingForm(request.POST if request.method == "POST" else None, initial=initial, groups=groups)
    saved = save_form(
        request,
        form,
        lambda data: services.meeting_save(actor=request.user, meeting=meeting, **data),
        _("Der Termin ist gespeichert."),
        lambda m: redirect("workgroups:meeting", meeting_id=m.pk),
    )
    if saved:
        return saved
    back = reverse("workgroups:meeting", args=[meeting.pk]) if meeting else reverse("workgroups:list")
    return form_page(request, form, _("Termin bearbeiten") if meeting else _("Neuer Termin"), back)


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _meeting_form_view(request, None)


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_form_view(request, visible_meeting(request, meeting_id))


@login_required
@require_POST
def register(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_meeting(request, meeting_id)
    try:
        registration = services.register(actor=request.user, meeting=meeting, waitlist="warteliste" in request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Sie sind angemeldet.")
            if registration.status == RegistrationStatus.REGISTERED
            else _("Kein Platz frei: Sie stehen auf der Warteliste und rücken automatisch nach."),
        )
    return redirect("workgroups:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_meeting(request, meeting_id)
    try:
        services.cancel(actor=request.user, meeting=meeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sie sind abgemeldet."))
    return redirect("workgroups:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_to_run(request, meeting_id)
    try:
        count = services.meeting_invite(actor=request.user, meeting=meeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Einladung geht an %(n)s Personen.") % {"n": count})
    return redirect("workgroups:meeting", meeting_id=meeting.pk)


@login_required
@require_GET
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_meeting(request, meeting_id)
    response = HttpResponse(ics.calendar([meeting]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{meeting.pk}.ics"'
    return response


@login_required
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The attendance list: the registered with their organisation; ticked off on the day."""
    meeting = meeting_to_run(request, meeting_id)
    registered = Registration.objects.filter(meeting=meeting, status=RegistrationStatus.REGISTERED).select_related(
        "user", "organisation"
    )
    status = 200
    if request.method == "POST":
        try:
            ids = {int(v) for v in request.POST.getlist("attended")}
        except ValueError:
            ids = {-1}
        if run_action(
            request,
            lambda: services.attendance_set(actor=request.user, meeting=meeting, attended_user_ids=ids),
            _("Die Anwesenheit ist gespeichert."),
        ):
            return redirect("workgroups:attendance", meeting_id=meeting.pk)
        status = 400
    return render(
        request,
        "workgroups/attendance.html",
        {"meeting": meeting, "registered": registered, "present": sum(r.attended for r in registered)},
        status=status,
    )


@login_required
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Edit the minutes: the text, decisions and action items."""
    meeting = meeting_to_run(request, meeting_id)
    form = MinutesForm(request.POST if request.method == "POST" else None, initial={"minutes": meeting.minutes})
    if form.is_valid():
        services.minutes_save(actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"])
        messages.success(request, _("Das Protokoll ist gespeichert."))
        return redirect("workgroups:minutes", meeting_id=meeting.pk)
    return render(
        request,
        "workgroups/minutes.html",
        {
            "meeting": meeting,
            "form": form,
            "item_form": MinutesItemForm(meeting=meeting),
            "items": meeting.minutes_items.select_related("owner"),
        },
    )


@login_required
@require_POST
def minutes_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_to_run(request, meeting_id)
    form = MinutesItemForm(request.POST, meeting=meeting)
    run_form_action(
        request,
        form,
        lambda data: services.minutes_item_add(actor=request.user, meeting=meeting, **data),
        _("Der Protokollpunkt ist gespeichert."),
    )
    return redirect("workgroups:minutes", meeting_id=meeting.pk)


@login_required
@require_POST
def minutes_item_remove(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = meeting_to_run(request, meeting_id)
    item = MinutesItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise Http404
    run_action(
        request,
        lambda: services.minutes_item_remove(actor=request.user, item=item),
        _("Der Protokollpunkt ist gelöscht."),
    )
    return redirect("workgroups:minutes", meeting_id=meeting.pk)


@login_required
@require_POST
def action_done(request: HttpRequest, item_id: int) -> HttpResponse:
    """Mark an action item done or open again (its owner, a coordinator, the office)."""
    item = MinutesItem.objects.filter(pk=item_id, kind="action").select_related("meeting").first()
    if item is None or not selectors.visible_meetings(request.user).filter(pk=item.meeting_id).exists():
        raise Http404
    if item.owner_id != request.user.pk and not can_run_group(request.user, item.meeting.group_id):
        raise DjangoPermissionDenied
    done = request.POST.get("done") == "1"
    run_action(
        request,
        lambda: services.action_item_done(actor=request.user, item=item, done=done),
        _("Die Aufgabe ist erledigt.") if done else _("Die Aufgabe ist wieder offen."),
    )
    if request.POST.get("next") == "home":
        return redirect("core:home")
    return redirect("workgroups:meeting", meeting_id=item.meeting_id)
