"""Catalog pages: search, article, comparison, the synonym list of the office, and the import pages for
contract managers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.contracts.eligibility import members_eligible
from kitu.contracts.policies import can_manage_contracts
from kitu.contracts.selectors import contract_for, visible_contracts
from kitu.core import storage
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import save_form
from kitu.orders.policies import ordering_members

from . import selectors, services
from .forms import ImportForm, SearchForm, SynonymForm
from .models import CatalogImport
from .policies import can_edit_synonyms
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
    chips = [
        (chip.label, _search_url(request, remove=chip.name)) for chip in selectors.filter_chips(request.user, params)
    ]
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
            # this page of results: article links and cart forms come back to it
            "here": _search_url(request),
            "chips": chips,
            "suggestion_url": _search_url(request, q=result.suggestion) if result.suggestion else "",
            "can_edit_synonyms": can_edit_synonyms(request.user),
        },
    )


def _search_url(request: HttpRequest, *, remove: str = "", q: str = "") -> str:
    """The search page with the request's parameters: ``remove`` taken out (and the page with it), or the
    query ``q`` instead of the typed one (from the first page)."""
    query = request.GET.copy()
    if remove or q:
        query.pop("page", None)
    if remove:
        query.pop(remove, None)
    if q:
        query["q"] = q
    url = reverse("catalog:search")
    return f"{url}?{query.urlencode()}" if query else url


def _local_url(request: HttpRequest, url: str) -> str:
    """``url`` where it is a path on this site (a results page to go back to), else ""."""
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return ""
    return url


@login_required
def article_image(request: HttpRequest, article_id: int) -> HttpResponseBase:
    """The article's picture, for whoever may see the article (from local files or the object store)."""
    try:
        item = selectors.article_for(request.user, article_id)
    except NotFound as exc:
        raise Http404 from exc
    if not item.image:
        raise Http404
    try:
        response = storage.stream_image(item.image)
    except FileNotFoundError as exc:
        raise Http404 from exc
    if response is None:  # the ZIP held something that is no image
        raise Http404
    return response


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
    candidates = ordering_members(request.user)
    eligible = set(
        members_eligible(item.contract).filter(pk__in=[m.pk for m in candidates]).values_list("pk", flat=True)
    )
    order_members = [m for m in candidates if m.pk in eligible]
    return render(
        request,
        "catalog/article.html",
        {
            "article": item,
            "limits": limits,
            "order_members": order_members,
            "exhausted": any(lim.is_exhausted for lim in limits),
            # the results page the user came from (search, filters, page), where the link says so
            "back": _local_url(request, request.GET.get("back", "")),
        },
    )


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    ids = [number for i in request.GET.getlist("id") if (number := _number(i)) is not None]
    if len(ids) > selectors.MAX_COMPARE:
        messages.info(request, _("Es werden höchstens vier Artikel verglichen."))
    return render(request, "catalog/compare.html", {"articles": selectors.articles_to_compare(request.user, ids)})


@login_required
def synonyms(request: HttpRequest) -> HttpResponse:
    """The office's synonym list of the search: the groups, a form to add one, a button to delete each."""
    if not can_edit_synonyms(request.user):
        raise DjangoPermissionDenied
    form = SynonymForm(request.POST or None)
    if request.method == "POST":
        done = save_form(
            request,
            form,
            lambda data: services.synonym_group_add(actor=request.user, terms=data["terms"]),
            _("Die Synonymgruppe ist angelegt."),
            lambda _group: redirect("catalog:synonyms"),
        )
        if done is not None:
            return done
    return render(request, "catalog/synonyms.html", {"form": form, "groups": selectors.synonym_groups()})


@login_required
@require_POST
def synonym_delete(request: HttpRequest, group_id: int) -> HttpResponse:
    if not can_edit_synonyms(request.user):
        raise DjangoPermissionDenied
    try:
        removed = services.synonym_group_delete(actor=request.user, group_id=group_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Die Synonymgruppe „%(words)s“ ist gelöscht.") % {"words": ", ".join(removed)})
    return redirect("catalog:synonyms")


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
