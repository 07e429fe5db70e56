from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from kitu.accounts.models import User
from kitu.accounts.roles import Role
from kitu.accounts.selectors import organisation_ids
from kitu.members.models import Member

from .. import conf, policies, rules, selectors
from ..forms import (
    AgendaItemForm,
    AssemblyForm,
    DocumentForm,
    MinutesForm,
    ProxyForm,
    ReceiptForm,
    RegisterFilterForm,
    ResolutionForm,
)
from ..models import AgendaDocument, Body, Representative
from ..rules import PollStatus
from ..services import voting
from .common import found, pdf_response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    assemblies = found(lambda: selectors.assemblies(request.user))
    admin_of = Member.objects.filter(
        organisation_id__in=organisation_ids(request.user, roles=(Role.MEMBER_ADMIN,))
    ).with_name()
    return render(
        request,
        "governance/index.html",
        {
            "assemblies": assemblies[:50],
            "bodies": selectors.bodies(),
            "body_labels": dict(Body.choices),
            "admin_of": admin_of,
            "may_manage": policies.can_manage(request.user),
            "form": AssemblyForm() if policies.can_manage(request.user) else None,
        },
    )


@login_required
def assembly(request: HttpRequest, assembly_id: int) -> HttpResponse:
    user = request.user
    obj = found(lambda: selectors.assembly_for(user, assembly_id))
    polls = list(selectors.polls(obj))
    rows = [
        {
            "poll": p,
            "turnout": selectors.turnout(p),
            "slots": selectors.vote_slots(user, p),
            "named": selectors.open_votes(p),
            "next": [t.value for t in rules.TRANSITIONS[PollStatus(p.status)]],
        }
        for p in polls
    ]
    represented = selectors.represented_members(user)
    registered = set(obj.attendances.values_list("member_id", flat=True))
    may_manage = policies.can_manage(user)
    holders = Representative.objects.exclude(member__in=represented).select_related("user")
    holder_users = User.objects.filter(pk__in=holders.values("user_id"), is_active=True)
    return render(
        request,
        "governance/assembly.html",
        {
            "assembly": obj,
            "agenda": obj.agenda.prefetch_related("documents"),
            "rows": rows,
            "attendances": selectors.attendance_list(obj),
            "represented": [(m, m.pk in registered) for m in represented],
            "proxy_form": ProxyForm(holders=holder_users),
            "max_proxies": conf.get("MAX_PROXIES"),
            "may_manage": may_manage,
            "held": obj.starts_at <= timezone.now(),
            "quorum": voting.quorum(polls[0]) if polls else None,
            "quorum_percent": conf.get("QUORUM_PERCENT"),
            "receipt_form": ReceiptForm(),
            "minutes_form": MinutesForm() if may_manage else None,
            "agenda_form": AgendaItemForm() if may_manage else None,
            "document_form": DocumentForm() if may_manage else None,
            "resolution_form": ResolutionForm() if may_manage else None,
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None)
    q, body = "", ""
    if form.is_valid():
        q, body = form.cleaned_data["q"], form.cleaned_data["body"]
    rows = found(lambda: selectors.register(request.user, q=q, body=body))
    return render(request, "governance/register.html", {"form": form, "resolutions": rows[:300]})


@login_required
def document(request: HttpRequest, document_id: int) -> FileResponse:
    found(lambda: selectors.assemblies(request.user))
    doc = get_object_or_404(AgendaDocument, pk=document_id)
    return pdf_response(request, doc.file, doc.name)


@login_required
def minutes(request: HttpRequest, assembly_id: int) -> FileResponse:
    obj = found(lambda: selectors.assembly_for(request.user, assembly_id))
    return pdf_response(request, obj.minutes, f"Protokoll-{obj.pk}.pdf")


@login_required
def authority(request: HttpRequest, representative_id: int) -> FileResponse:
    rep = get_object_or_404(Representative.objects.select_related("member__organisation"), pk=representative_id)
    if not policies.can_name_representatives(request.user, rep.member):
        raise Http404  # another member's document: never tell it exists
    return pdf_response(request, rep.authority, rep.authority_name)
