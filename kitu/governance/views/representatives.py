"""The member admin names and removes the member's representatives (with the document of authority)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.models import User
from kitu.core.errors import PermissionDenied
from kitu.core.forms import save_form
from kitu.members.models import Member

from .. import policies, selectors
from ..forms import RepresentativeForm
from ..models import Representative
from ..services import representatives


def _member(request: HttpRequest, member_id: int) -> Member:
    member = Member.objects.select_related("organisation").filter(pk=member_id).first()
    if member is None or not policies.can_name_representatives(request.user, member):
        raise Http404  # another member's: never tell it exists
    return member


@login_required
def manage(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    users = User.objects.filter(role_assignments__organisation_id=member.organisation_id, is_active=True).distinct()
    form = RepresentativeForm(request.POST or None, request.FILES or None, users=users)
    if request.method == "POST":
        try:
            answer = save_form(
                request,
                form,
                lambda data: representatives.representative_name(
                    actor=request.user, member=member, user=data["user"], authority=data["authority"]
                ),
                _("Die Vertretung ist benannt."),
                lambda _saved: redirect("governance:representatives", member.pk),
            )
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        if answer is not None:
            return answer
    return render(
        request,
        "governance/representatives.html",
        {"member": member, "form": form, "representatives": selectors.representatives_of(member)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def remove(request: HttpRequest, member_id: int, representative_id: int) -> HttpResponse:
    member = _member(request, member_id)
    rep = get_object_or_404(Representative, pk=representative_id, member=member)
    representatives.representative_remove(actor=request.user, representative=rep)
    return redirect("governance:representatives", member.pk)
