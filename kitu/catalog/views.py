"""Catalog pages: search, article, comparison, and the import pages for contract managers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kitu.contracts.policies import can_manage_contracts
from kitu.contracts.selectors import contract_for, visible_contracts
from kitu.core.errors import DomainError, NotFound
from kitu.orders.policies import ordering_members

from . import selectors, services
from .forms import ImportForm, SearchForm
from .models import CatalogImport
from .tasks import progress_key


def _number(value: str) -> int | None:
    """A whole number of ASCII digits ("²" is a digit to str.isdigit, but int() refuses it)."""
    return int(value) if value.isascii() and value.isdigit() else None


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    params: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # validates: the valid fields apply, the form shows what is wrong with the others
        params = form.cleaned_data
    result = selectors.search_articles(
        request.user,
        **{k: v for k, v in params.items() if v not in (None, "")},
        page=_number(request.GET.get("page", "")) or 1,
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "catalog/_results.html" if request.htmx else "catalog/search.html"  # type: ignore[attr-defined]
    members = ordering_members(request.user)
    return render(
        request,
        template,
        {
            "form": form,
            "result": result,
            "query": query.urlencode(),
            "params": params,
            # results go into the cart of the first member one orders for (the cart page switches members)
            "order_member": members[0] if members else None,
        },
    )


@login_required
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    try:
        item = selectors.article_for(request.user, article_id)
    except NotFound as exc:
        raise Http404 from exc
    limits = [
        lim
        for lim in item.contract.limits.all()
        if lim.lot_id == item.lot_id and lim.article_pid in ("", item.supplier_pid)
    ]
    eligible = set(item.contract.eligible_members.values_list("pk", flat=True))
    order_members = [m for m in ordering_members(request.user) if m.pk in eligible]
    return render(
        request,
        "catalog/article.html",
        {
            "article": item,
            "limits": limits,
            "order_members": order_members,
            "exhausted": any(lim.is_exhausted for lim in limits),
        },
    )


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    ids = [number for i in request.GET.getlist("id") if (number := _number(i)) is not None]
    if len(ids) > selectors.MAX_COMPARE:
        messages.info(request, _("Es werden höchstens vier Artikel verglichen."))
    return render(request, "catalog/compare.html", {"articles": selectors.articles_to_compare(request.user, ids)})


@login_required
def imports(request: HttpRequest, contract_id: int) -> HttpResponse:
    if not can_manage_contracts(request.user):
        raise DjangoPermissionDenied
    try:
        contract = contract_for(request.user, contract_id)
    except NotFound as exc:
        raise Http404 from exc
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.import_upload(actor=request.user, contract=contract, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("catalog:import_result", import_id=record.pk)
    return render(
        request,
        "catalog/imports.html",
        {"contract": contract, "form": form, "history": selectors.imports_of(contract.pk)},
    )


@login_required
def import_result(request: HttpRequest, import_id: int) -> HttpResponse:
    if not can_manage_contracts(request.user):
        raise DjangoPermissionDenied
    record = (
        CatalogImport.objects.filter(pk=import_id, contract__in=visible_contracts(request.user))
        .select_related("contract")
        .first()
    )
    if record is None:
        raise Http404
    running = record.status in (CatalogImport.Status.PENDING, CatalogImport.Status.RUNNING)
    template = "catalog/_import_status.html" if request.htmx else "catalog/import_result.html"  # type: ignore[attr-defined]
    return render(
        request, template, {"record": record, "running": running, "progress": cache.get(progress_key(record.pk), 0)}
    )
