"""Lookups shared by the order pages: the member one orders for, the visible order (404 otherwise)."""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest
from django.urls import reverse

from kitu.accounts.models import User
from kitu.core.errors import NotFound
from kitu.members.models import Member

from .. import selectors
from ..models import Order
from ..policies import ordering_members


def me(request: HttpRequest) -> User:
    return cast(User, request.user)


def member_of(request: HttpRequest) -> Member:
    """The member the user orders for: ?mitglied= / POST member, else the first one; 404 if none."""
    raw = request.POST.get("member") or request.GET.get("mitglied")
    members = ordering_members(request.user)
    if not members:
        raise Http404
    if raw and raw.isdigit():
        for member in members:
            if member.pk == int(raw):
                return member
        raise Http404
    return members[0]


def cart_url(member: Member) -> str:
    return reverse("orders:cart") + f"?mitglied={member.pk}"


def visible_order(request: HttpRequest, order_id: int) -> Order:
    try:
        return selectors.order_for(request.user, order_id)
    except NotFound as exc:
        raise Http404 from exc
