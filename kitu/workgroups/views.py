"""Pages of the working groups: groups with members and documents, meetings with registering, invitation,
attendance and minutes, news, the personal calendar feed and the training fees."""

from __future__ import annotations

import csv
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kitu.accounts.models import Organisation, User
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error, errors_text, run_action

from . import ics, selectors, services
from .forms import DocumentForm, FeesForm, GroupForm, MeetingForm, MinutesForm, MinutesItemForm, NewsForm
from .models import (
    Document,
    GroupMembership,
    Meeting,
    MembershipStatus,
    MinutesItem,
    NewsItem,
    Registration,
    RegistrationStatus,
    WorkingGroup,
)
from .policies import can_manage_groups, can_run_group, is_staff_of_member_or_coop


def _me(request: HttpRequest) -> User:
    """The logged-in user (every page here requires a login)."""
    return cast(User, request.user)


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    try:
        return selectors.meeting_for(request.user, meeting_id)
    except NotFound as exc:
        raise Http404 from exc


def _group(request: HttpRequest, group_id: int) -> WorkingGroup:
    group = selectors.visible_groups(request.user).filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(selectors.visible_groups(request.user))
    mine = {m.group_id: m for m in GroupMembership.objects.filter(user=_me(request))}
    meetings = list(selectors.upcoming_meetings(request.user)[:30])
    registered = {
        r.meeting_id: r
        for r in Registration.objects.filter(user=_me(request), meeting__in=meetings).exclude(
            status=RegistrationStatus.CANCELLED
        )
    }
    return render(
        request,
        "workgroups/group_list.html",
        {
            "groups": [(g, mine.get(g.pk)) for g in groups],
            "meetings": [(m, registered.get(m.pk)) for m in meetings],
            "can_manage": can_manage_groups(request.user),
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int | None = None) -> HttpResponse:
    status = status or (400 if request.method == "POST" else 200)
    return render(request, "workgroups/form.html", {"form": form, "title": title, "back": back}, status=status)


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    membership = GroupMembership.objects.filter(group=group, user=_me(request)).first()
    insider = selectors.is_insider(request.user, group)
    runner = can_run_group(request.user, group.pk)
    context: dict[str, Any] = {
        "group": group,
        "membership": membership,
        "insider": insider,
        "runner": runner,
        "can_manage": can_manage_groups(request.user),
    }
    if insider:
        context |= {
            "members": group.memberships.select_related("user").filter(status=MembershipStatus.ACTIVE),
            "pending": group.memberships.select_related("user").filter(status=MembershipStatus.PENDING)
            if runner
            else [],
            "meetings": selectors.visible_meetings(request.user).filter(group=group).order_by("-starts_at")[:20],
            "documents": group.documents.select_related("meeting").prefetch_related("versions__uploaded_by"),
            "document_form": DocumentForm(group=group),
            "news": selectors.visible_news(request.user).filter(group=group)[:5],
        }
    return render(request, "workgroups/group_detail.html", context)


def _group_form_view(request: HttpRequest, group: WorkingGroup | None) -> HttpResponse:
    if not can_manage_groups(request.user):
        raise DjangoPermissionDenied
    initial = {f: getattr(group, f) for f in services.GROUP_FIELDS} if group else {}
    form = GroupForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            saved = services.group_save(actor=request.user, group=group, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Arbeitskreis ist gespeichert."))
            return redirect("workgroups:group", group_id=saved.pk)
    back = reverse("workgroups:group", args=[group.pk]) if group else reverse("workgroups:list")
    return _form_page(request, form, _("Arbeitskreis bearbeiten") if group else _("Neuer Arbeitskreis"), back)


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    return _group_form_view(request, None)


@login_required
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    return _group_form_view(request, _group(request, group_id))


MEMBER_ACTIONS = {
    "approve": (MembershipStatus.ACTIVE, False),
    "coordinator": (MembershipStatus.ACTIVE, True),
    "member": (MembershipStatus.ACTIVE, False),
    "remove": (None, False),
}


@login_required
@require_POST
def member_action(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    """Approve a request, make or unmake a coordinator, remove a member (or reject a request)."""
    group = _group(request, group_id)
    if not can_run_group(request.user, group.pk):
        raise DjangoPermissionDenied
    membership = GroupMembership.objects.filter(group=group, user_id=user_id).select_related("user").first()
    action = request.POST.get("action", "")
    if membership is None or action not in MEMBER_ACTIONS:
        raise Http404
    status, coordinator = MEMBER_ACTIONS[action]
    run_action(
        request,
        lambda: services.membership_set(
            actor=request.user, group=group, user=membership.user, status=status, is_coordinator=coordinator
        ),
        _("Die Mitgliedschaft ist geändert."),
    )
    return redirect("workgroups:group", group_id=group.pk)


@login_required
@require_POST
def document_upload(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    if not selectors.is_insider(request.user, group):
        raise DjangoPermissionDenied
    form = DocumentForm(request.POST, request.FILES, group=group)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        d = form.cleaned_data
        run_action(
            request,
            lambda: services.document_upload(
                actor=request.user,
                group=group,
                file=d["file"],
                title=d["title"],
                document=d["document"],
                comment=d["comment"],
            ),
            _("Das Dokument ist hochgeladen."),
        )
    return redirect(reverse("workgroups:group", args=[group.pk]) + "#h-documents")


@login_required
def document_download(request: HttpRequest, version_id: int) -> FileResponse:
    try:
        version = selectors.version_for(request.user, version_id)
    except NotFound as exc:
        raise Http404 from exc
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)


@login_required
@require_POST
def document_remove(request: HttpRequest, group_id: int, document_id: int) -> HttpResponse:
    group = _group(request, group_id)
    document = Document.objects.filter(group=group, pk=document_id).first()
    if document is None or not selectors.is_insider(request.user, group):
        raise Http404
    if not can_run_group(request.user, group.pk):
        raise DjangoPermissionDenied
    run_action(
        request,
        lambda: services.document_remove(actor=request.user, document=document),
        _("Das Dokument ist gelöscht."),
    )
    return redirect(reverse("workgroups:group", args=[group.pk]) + "#h-documents")


@login_required
@require_POST
def group_join(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    try:
        membership = services.group_join(actor=request.user, group=group)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Sie sind jetzt Mitglied des Arbeitskreises.")
            if membership.status == "active"
            else _("Ihr Beitritt ist beantragt; die Koordination gibt ihn frei."),
        )
    return redirect("workgroups:group", group_id=group.pk)


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    mine = (
        Registration.objects.filter(meeting=meeting, user=_me(request))
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


def _runnable_groups(user: Any) -> Any:
    if can_manage_groups(user):
        return WorkingGroup.objects.all()
    return WorkingGroup.objects.filter(
        memberships__user=user, memberships__is_coordinator=True, memberships__status=MembershipStatus.ACTIVE
    )


def _meeting_form_view(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    groups = _runnable_groups(request.user)
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
    if form.is_valid():
        try:
            saved = services.meeting_save(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Termin ist gespeichert."))
            return redirect("workgroups:meeting", meeting_id=saved.pk)
    back = reverse("workgroups:meeting", args=[meeting.pk]) if meeting else reverse("workgroups:list")
    return _form_page(request, form, _("Termin bearbeiten") if meeting else _("Neuer Termin"), back)


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _meeting_form_view(request, None)


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_form_view(request, _meeting(request, meeting_id))


def _run(request: HttpRequest, meeting_id: int) -> Meeting:
    """A meeting for its coordinators and the office: 404 if invisible, 403 if visible but not theirs."""
    meeting = _meeting(request, meeting_id)
    if not can_run_group(request.user, meeting.group_id):
        raise DjangoPermissionDenied
    return meeting


@login_required
@require_POST
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _run(request, meeting_id)
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
    meeting = _meeting(request, meeting_id)
    response = HttpResponse(ics.calendar([meeting]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{meeting.pk}.ics"'
    return response


@login_required
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The attendance list: the registered with their organisation; ticked off on the day."""
    meeting = _run(request, meeting_id)
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
    meeting = _run(request, meeting_id)
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
    meeting = _run(request, meeting_id)
    form = MinutesItemForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        run_action(
            request,
            lambda: services.minutes_item_add(actor=request.user, meeting=meeting, **form.cleaned_data),
            _("Der Protokollpunkt ist gespeichert."),
        )
    return redirect("workgroups:minutes", meeting_id=meeting.pk)


@login_required
@require_POST
def minutes_item_remove(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _run(request, meeting_id)
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


@login_required
def news_list(request: HttpRequest) -> HttpResponse:
    if not is_staff_of_member_or_coop(request.user):
        raise Http404
    news = selectors.visible_news(request.user)[:50]
    return render(
        request,
        "workgroups/news_list.html",
        {"news": news, "can_manage": can_manage_groups(request.user), "now": timezone.now()},
    )


def _news_form_view(request: HttpRequest, news: NewsItem | None) -> HttpResponse:
    if not can_manage_groups(request.user):
        raise DjangoPermissionDenied
    initial: dict[str, Any] = {}
    if news is not None:
        initial = {f: getattr(news, f) for f in services.NEWS_FIELDS}
        initial["published_at"] = timezone.localtime(news.published_at)
    form = NewsForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            services.news_save(actor=request.user, news=news, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Beitrag ist gespeichert."))
            return redirect("workgroups:news")
    return _form_page(
        request, form, _("Beitrag bearbeiten") if news else _("Neuer Beitrag"), reverse("workgroups:news")
    )


@login_required
def news_create(request: HttpRequest) -> HttpResponse:
    return _news_form_view(request, None)


@login_required
def news_edit(request: HttpRequest, news_id: int) -> HttpResponse:
    news = selectors.visible_news(request.user).filter(pk=news_id).first()
    if news is None:
        raise Http404
    return _news_form_view(request, news)


@login_required
@require_POST
def news_remove(request: HttpRequest, news_id: int) -> HttpResponse:
    news = selectors.visible_news(request.user).filter(pk=news_id).first()
    if news is None:
        raise Http404
    if not can_manage_groups(request.user):
        raise DjangoPermissionDenied
    run_action(request, lambda: services.news_remove(actor=request.user, news=news), _("Der Beitrag ist gelöscht."))
    return redirect("workgroups:news")


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The address of the personal calendar feed, and making a new one."""
    if not is_staff_of_member_or_coop(request.user):
        raise Http404
    renew = request.method == "POST"
    token = services.calendar_token(actor=request.user, renew=renew)
    if renew:
        messages.success(request, _("Die neue Adresse gilt; die alte funktioniert nicht mehr."))
        return redirect("workgroups:calendar")
    url = request.build_absolute_uri(reverse("workgroups:feed", args=[token]))
    return render(request, "workgroups/calendar.html", {"url": url})


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed; the secret in the address is the only credential (calendar programs send none)."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404
    body = ics.calendar(selectors.feed_meetings(user), name="KITU – Termine")
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def fees(request: HttpRequest) -> HttpResponse:
    """Unbilled training fees by organisation for the office; CSV for the invoicing, and marking billed."""
    if not can_manage_groups(request.user):
        raise DjangoPermissionDenied
    today = timezone.localdate()
    if request.method == "POST":
        form = FeesForm(request.POST)
        organisation = (
            Organisation.objects.filter(pk=form.cleaned_data["organisation"]).first() if form.is_valid() else None
        )
        if organisation is None:
            raise Http404
        run_action(
            request,
            lambda: services.fees_mark_billed(
                actor=request.user, organisation=organisation, until=form.cleaned_data["until"]
            ),
            _("Die Gebühren von %(org)s sind als abgerechnet markiert.") % {"org": organisation.name},
        )
        return redirect("workgroups:fees")
    rows = (
        selectors.unbilled_fees()
        .select_related("meeting", "user", "organisation")
        .order_by("organisation__name", "meeting__starts_at")
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="teilnahmegebuehren-{today:%Y-%m-%d}.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["Organisation", "Termin", "Datum", "Person", "Gebühr (EUR netto)", "anwesend"])
        for r in rows:
            writer.writerow(
                [
                    r.organisation.name if r.organisation else "",
                    r.meeting.title,
                    f"{timezone.localtime(r.meeting.starts_at):%d.%m.%Y}",
                    r.user.full_name or r.user.email,
                    f"{r.fee:.2f}".replace(".", ","),
                    "ja" if r.attended else "nein",
                ]
            )
        return response
    context = {"totals": selectors.unbilled_fees_by_organisation(), "rows": rows, "today": today}
    return render(request, "workgroups/fees.html", context)


@login_required
@require_POST
def register(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
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
    meeting = _meeting(request, meeting_id)
    try:
        services.cancel(actor=request.user, meeting=meeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sie sind abgemeldet."))
    return redirect("workgroups:meeting", meeting_id=meeting.pk)
