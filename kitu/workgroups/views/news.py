"""News posts of the cooperative ("Aktuelles") and their editing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.forms import run_action, save_form

from .. import selectors, services
from ..forms import NewsForm
from ..models import NewsItem
from ..policies import can_manage_groups, is_staff_of_member_or_coop
from .common import form_page


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
    saved = save_form(
        request,
        form,
        lambda data: services.news_save(actor=request.user, news=news, **data),
        _("Der Beitrag ist gespeichert."),
        lambda _news: redirect("workgroups:news"),
    )
    if saved:
        return saved
    return form_page(request, form, _("Beitrag bearbeiten") if news else _("Neuer Beitrag"), reverse("workgroups:news"))


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
