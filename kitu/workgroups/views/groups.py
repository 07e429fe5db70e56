"""Pages of the groups: the list, a group with its members, join requests and documents; editing groups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core import storage
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import errors_text, run_action, save_form

from .. import selectors, services
from ..forms import DocumentForm, GroupForm
from ..models import (
    Document,
    GroupMembership,
    MembershipStatus,
    Registration,
    RegistrationStatus,
    WorkingGroup,
)
from ..policies import can_manage_groups, can_run_group
from .common import form_page, me, runnable_groups, visible_group


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(selectors.visible_groups(request.user))
    mine = {m.group_id: m for m in GroupMembership.objects.filter(user=me(request))}
    meetings = list(selectors.upcoming_meetings(request.user)[:30])
    registered = {
        r.meeting_id: r
        for r in Registration.objects.filter(user=me(request), meeting__in=meetings).exclude(
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
            "can_create_meeting": runnable_groups(request.user).exists(),
        },
    )


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = visible_group(request, group_id)
    membership = GroupMembership.objects.filter(group=group, user=me(request)).first()
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
    saved = save_form(
        request,
        form,
        lambda data: services.group_save(actor=request.user, group=group, **data),
        _("Der Arbeitskreis ist gespeichert."),
        lambda g: redirect("workgroups:group", group_id=g.pk),
    )
    if saved:
        return saved
    back = reverse("workgroups:group", args=[group.pk]) if group else reverse("workgroups:list")
    return form_page(request, form, _("Arbeitskreis bearbeiten") if group else _("Neuer Arbeitskreis"), back)


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    return _group_form_view(request, None)


@login_required
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    return _group_form_view(request, visible_group(request, group_id))


@login_required
@require_POST
def group_join(request: HttpRequest, group_id: int) -> HttpResponse:
    group = visible_group(request, group_id)
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
    group = visible_group(request, group_id)
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
    group = visible_group(request, group_id)
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
def document_download(request: HttpRequest, version_id: int) -> HttpResponseBase:
    try:
        version = selectors.version_for(request.user, version_id)
    except NotFound as exc:
        raise Http404 from exc
    return storage.hand_over(version.file, filename=version.filename)  # after the check: signed URL or stream


@login_required
@require_POST
def document_remove(request: HttpRequest, group_id: int, document_id: int) -> HttpResponse:
    group = visible_group(request, group_id)
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
