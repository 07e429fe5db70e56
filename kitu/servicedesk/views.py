"""Pages of the service desk: the member's tickets and report form, the desk's queue, the ticket with replies
(and for the desk: internal notes, status, assignment, time, merge), the dashboard, and the inbound-mail
endpoint of the mail gateway."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kitu.accounts.models import User
from kitu.assets.models import Asset
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error, errors_text
from kitu.procedures.models import Procedure

from . import billing_source, conf, dashboard, selectors, services
from .forms import AssignForm, CommentForm, MergeForm, QueueForm, RatingForm, StatusForm, TicketForm, TimeForm
from .models import CannedReply, Status, Team, Ticket
from .policies import is_desk_staff, reporting_org_ids
from .services import files

PAGE_SIZE = 50


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    try:
        return selectors.ticket_for(request.user, ticket_id)
    except NotFound:
        raise Http404 from None


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("seite", "1")), 100_000))
    except ValueError:
        return 1


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if is_desk_staff(user):
        teams = list(selectors.teams())
        form = QueueForm(request.GET or None, teams=teams)
        filters = form.cleaned_data if form.is_valid() else {}
        team = next((t for t in teams if t.pk == filters.get("team")), None)
        tickets = selectors.queue(team=team, status=filters.get("status") or None, priority=filters.get("priority"))
        page = _page_number(request)
        count, rows = selectors.queue_page(tickets, page, PAGE_SIZE)
        pages = max(1, (count + PAGE_SIZE - 1) // PAGE_SIZE)
        query = request.GET.copy()
        query.pop("seite", None)
        return render(
            request,
            "servicedesk/queue.html",
            {
                "form": form,
                "rows": rows,
                "count": count,
                "page": page,
                "pages": pages,
                "query": query.urlencode(),
                "now": timezone.now(),
            },
        )
    if not reporting_org_ids(user):
        raise DjangoPermissionDenied
    tickets = selectors.visible_tickets(user).select_related("member__organisation").order_by("-created_at", "-pk")
    page_obj = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(request, "servicedesk/my_tickets.html", {"page_obj": page_obj})


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    members = selectors.reporting_members(request.user)
    if not members:
        raise DjangoPermissionDenied
    member = members[0]  # a user of several members reports for the first; the API takes member_id
    form = TicketForm(
        request.POST or None,
        request.FILES or None,
        services=list(selectors.subscribed_services(member)),
        procedures=list(Procedure.objects.filter(member=member).order_by("name")),
        assets=list(Asset.objects.filter(member=member).order_by("pk")[:500]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=request.user,
                member=member,
                subject=data["subject"],
                description=data["description"],
                kind=data["kind"],
                impact=data["impact"],
                urgency=data["urgency"],
                service_id=data["service_id"],
                procedure_id=data["procedure_id"],
                asset_id=data["asset_id"],
                uploads=[data["file"]] if data.get("file") else [],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Ticket %(n)s ist gemeldet.") % {"n": ticket.number})
            return redirect("servicedesk:detail", ticket.pk)
    return render(
        request, "servicedesk/ticket_new.html", {"form": form, "member": member}, status=400 if form.errors else 200
    )


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    staff = is_desk_staff(request.user)
    context: dict[str, Any] = {
        "ticket": ticket,
        "staff": staff,
        "comments": selectors.comments_for(request.user, ticket),
        "attachments": selectors.attachments_for(request.user, ticket),
        "transitions": ticket.transitions.all(),
        "comment_form": CommentForm(canned=list(CannedReply.objects.filter(retired_at__isnull=True)), staff=staff),
        "open": ticket.status not in (Status.CLOSED, Status.MERGED),
        "now": timezone.now(),
    }
    if staff:
        desk = User.objects.filter(is_active=True, role_assignments__role__in=("service_desk", "coop_admin")).distinct()
        context |= {
            "status_form": StatusForm(),
            "assign_form": AssignForm(
                initial={"team": ticket.team_id, "assignee": ticket.assignee_id},
                teams=list(Team.objects.all()),
                staff=list(desk),
            ),
            "time_form": TimeForm(initial={"worked_on": timezone.localdate().strftime("%d.%m.%Y"), "billable": True}),
            "merge_form": MergeForm(),
            "time_entries": ticket.time_entries.select_related("user"),
            "billed_later": billing_source.has_support(ticket.member_id, timezone.localdate()),
            "sla_events": ticket.sla_events.all(),
        }
    else:
        context["rating_form"] = RatingForm()
    return render(request, "servicedesk/ticket_detail.html", context)


def _back(
    request: HttpRequest, ticket: Ticket, form: Any = None, exc: DomainError | None = None, ok: str = ""
) -> HttpResponse:
    if exc is not None:
        messages.error(request, exc.message)
    elif form is not None and form.errors:
        messages.error(request, errors_text(form))
    elif ok:
        messages.success(request, ok)
    return redirect("servicedesk:detail", ticket.pk)


@login_required
@require_POST
def comment(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    staff = is_desk_staff(request.user)
    canned = list(CannedReply.objects.filter(retired_at__isnull=True)) if staff else []
    form = CommentForm(request.POST, request.FILES, canned=canned, staff=staff)
    if not form.is_valid():
        return _back(request, ticket, form)
    data = form.cleaned_data
    body = data["body"]
    if staff and data.get("canned") and not body.strip():
        body = next((c.body for c in canned if c.pk == data["canned"]), "")
    try:
        services.comment_add(
            actor=request.user,
            ticket=ticket,
            body=body,
            internal=bool(data.get("internal")),
            uploads=[data["file"]] if data.get("file") else [],
        )
    except DomainError as exc:
        return _back(request, ticket, exc=exc)
    return _back(request, ticket, ok=_("Notiz gespeichert.") if data.get("internal") else _("Nachricht gesendet."))


@login_required
@require_POST
def status(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _back(request, ticket, form)
    try:
        services.transition(
            actor=request.user, ticket=ticket, to_status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        return _back(request, ticket, exc=exc)
    return _back(request, ticket, ok=_("Status geändert."))


def _staff_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    ticket = _ticket(request, ticket_id)
    if not is_desk_staff(request.user):
        raise DjangoPermissionDenied
    return ticket


@login_required
@require_POST
def assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _staff_ticket(request, ticket_id)
    desk = User.objects.filter(is_active=True, role_assignments__role__in=("service_desk", "coop_admin")).distinct()
    form = AssignForm(request.POST, teams=list(Team.objects.all()), staff=list(desk))
    if not form.is_valid():
        return _back(request, ticket, form)
    team = Team.objects.filter(pk=form.cleaned_data["team"]).first()
    assignee = desk.filter(pk=form.cleaned_data["assignee"]).first()
    try:
        services.ticket_assign(actor=request.user, ticket=ticket, team=team, assignee=assignee)
    except DomainError as exc:
        return _back(request, ticket, exc=exc)
    return _back(request, ticket, ok=_("Zuweisung gespeichert."))


@login_required
@require_POST
def time_record(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _staff_ticket(request, ticket_id)
    form = TimeForm(request.POST)
    if not form.is_valid():
        return _back(request, ticket, form)
    data = form.cleaned_data
    try:
        services.time_record(
            actor=request.user,
            ticket=ticket,
            minutes=data["minutes"],
            worked_on=data["worked_on"],
            billable=data["billable"],
            note=data["note"],
        )
    except DomainError as exc:
        return _back(request, ticket, exc=exc)
    return _back(request, ticket, ok=_("Zeit erfasst."))


@login_required
@require_POST
def merge(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _staff_ticket(request, ticket_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _back(request, ticket, form)
    into = Ticket.objects.filter(number=form.cleaned_data["into"].strip().upper()).first()
    if into is None:
        return _back(request, ticket, exc=DomainError(_("Kein Ticket mit dieser Nummer."), field="into"))
    if request.POST.get("bestaetigung") != "ja":
        return render(request, "servicedesk/merge_confirm.html", {"ticket": ticket, "into": into})
    try:
        services.ticket_merge(actor=request.user, ticket=ticket, into=into)
    except DomainError as exc:
        return _back(request, ticket, exc=exc)
    messages.success(request, _("Ticket %(a)s ist mit %(b)s zusammengeführt.") % {"a": ticket.number, "b": into.number})
    return redirect("servicedesk:detail", into.pk)


@login_required
@require_POST
def rate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _back(request, ticket, form)
    try:
        services.ticket_rate(
            actor=request.user, ticket=ticket, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except DomainError as exc:
        return _back(request, ticket, exc=exc)
    return _back(request, ticket, ok=_("Danke für Ihre Bewertung. Das Ticket ist geschlossen."))


@login_required
def attachment(request: HttpRequest, ticket_id: int, attachment_id: int) -> FileResponse:
    ticket = _ticket(request, ticket_id)
    item = selectors.attachments_for(request.user, ticket).filter(pk=attachment_id).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.file_name, content_type=item.mime_type)


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    if not is_desk_staff(request.user):
        raise DjangoPermissionDenied
    return render(request, "servicedesk/dashboard.html", dashboard.figures())


@csrf_exempt
@require_POST
def mail_in(request: HttpRequest) -> JsonResponse:
    """The mail gateway posts a reply (form fields or JSON: sender, recipient, subject, body) with the header
    ``X-Kitu-Mail-Secret``; compared in constant time. 403 wrong secret, 404 unknown ticket or sender, 400 no
    ticket number; nothing is stored on any refusal."""
    secret = conf.mail_in_secret()
    given = request.headers.get("X-Kitu-Mail-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": "Forbidden"}, status=403)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": "Invalid JSON", "field": None}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"detail": "Invalid JSON", "field": None}, status=400)
    else:
        data = request.POST.dict()
    fields = {key: str(data.get(key) or "") for key in ("sender", "recipient", "subject", "body")}
    try:
        attachments = _mail_attachments(request, data)
        comment = services.mail_in(**fields, attachments=attachments)
    except NotFound:
        return JsonResponse({"detail": "Not found"}, status=404)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "field": exc.field}, status=400)
    return JsonResponse({"id": comment.pk, "ticket": comment.ticket.number}, status=201)


def _mail_attachments(request: HttpRequest, data: dict[str, Any]) -> list[Any]:
    """The mail's files: multipart files under ``attachments``, or in JSON a list of ``{file_name,
    content_base64}`` (decoded size checked before decoding)."""
    if request.content_type != "application/json":
        return list(request.FILES.getlist("attachments"))
    raw = data.get("attachments") or []
    if not isinstance(raw, list) or len(raw) > files.MAX_FILES:
        raise DomainError(_("Höchstens %(n)s Anlagen als Liste.") % {"n": files.MAX_FILES}, field="attachments")
    decoded = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) != {"file_name", "content_base64"}:
            raise DomainError(_("Jede Anlage braucht genau file_name und content_base64."), field=f"attachments[{i}]")
        name, content = item["file_name"], item["content_base64"]
        if not isinstance(name, str) or not isinstance(content, str) or not name.strip():
            raise DomainError(_("Jede Anlage braucht genau file_name und content_base64."), field=f"attachments[{i}]")
        decoded.append(files.decode(name[:200], content, field=f"attachments[{i}]"))
    return decoded
