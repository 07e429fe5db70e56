"""Pages of framework contracts and suppliers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.policies import can_manage_users_of
from kitu.core import charts, storage
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error, errors_text

from . import eligibility, selectors, services
from .forms import ContractForm, DocumentForm, LimitForm, LotForm, SupplierContactForm, SupplierForm
from .models import FrameworkContract, Supplier, SupplierContact
from .policies import can_manage_contracts


def _contract(request: HttpRequest, contract_id: int) -> FrameworkContract:
    try:
        return selectors.contract_for(request.user, contract_id)
    except NotFound as exc:
        raise Http404 from exc


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_contracts(request.user):
        raise DjangoPermissionDenied


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = selectors.visible_contracts(request.user)
    return render(
        request,
        "contracts/contract_list.html",
        {"contracts": contracts, "can_manage": can_manage_contracts(request.user)},
    )


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    limits = list(selectors.contract_limits(contract))
    chart = (
        charts.stacked_bars(
            title=_("Ausschöpfung der Höchstmengen und -werte"),
            description=_("Je Los oder Artikel: abgerufener Anteil und verbleibender Anteil in Prozent."),
            categories=[str(limit) for limit in limits],
            series=[
                charts.Series(_("abgerufen (%)"), [min(limit.percent_used, 100) for limit in limits]),
                charts.Series(_("verfügbar (%)"), [max(100 - limit.percent_used, 0) for limit in limits]),
            ],
            axis_label=_("Anteil der Höchstmenge in %"),
        )
        if limits
        else None
    )
    manager = can_manage_contracts(request.user)
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "limits": limits,
            "chart": chart,
            "can_manage": manager,
            "eligibility_rule": eligibility.rule_label(contract),
            "eligible_count": eligibility.eligible_count(contract) if manager else None,
            "warnings": selectors.contract_warnings(contract)[:20] if manager else [],
            "quotas": list(selectors.contract_quotas(request.user, contract)),
            "lot_form": LotForm(contract=contract) if manager else None,
            "limit_form": LimitForm(contract=contract) if manager else None,
            "document_form": DocumentForm() if manager else None,
        },
    )


def _contract_form_view(request: HttpRequest, contract: FrameworkContract | None) -> HttpResponse:
    _require_manager(request)
    initial: dict[str, Any] = {}
    if contract is not None:
        initial = {f: getattr(contract, f) for f in services.CONTRACT_FIELDS}
        initial["suppliers"] = list(contract.suppliers.all())
        initial["eligible_members"] = list(contract.eligible_members.all())
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = services.contract_save(
                actor=request.user,
                contract=contract,
                suppliers=list(data.pop("suppliers")),
                eligible_members=list(data.pop("eligible_members")),
                **data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Rahmenvertrag ist gespeichert."))
            return redirect("contracts:detail", contract_id=saved.pk)
    title = _("Rahmenvertrag bearbeiten") if contract else _("Neuer Rahmenvertrag")
    return render(request, "contracts/form.html", {"form": form, "title": title, "contract": contract})


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    return _contract_form_view(request, None)


@login_required
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _contract_form_view(request, _contract(request, contract_id))


def _manager_post(request: HttpRequest, contract_id: int, form_class: Any, save: Any) -> HttpResponse:
    """Shared handling of the small forms on the contract page (lot, limit, document, publish)."""
    contract = _contract(request, contract_id)
    _require_manager(request)
    kwargs = {"contract": contract} if form_class in (LotForm, LimitForm) else {}
    form = form_class(request.POST, request.FILES, **kwargs) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("contracts:detail", contract_id=contract.pk)
    try:
        save(contract, form.cleaned_data if form else {})
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Gespeichert."))
    return redirect("contracts:detail", contract_id=contract.pk)


@login_required
@require_POST
def lot_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _manager_post(
        request, contract_id, LotForm, lambda c, d: services.lot_save(actor=request.user, contract=c, **d)
    )


@login_required
@require_POST
def limit_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    def save(contract: FrameworkContract, data: dict[str, Any]) -> None:
        lot = data.pop("lot")
        existing = lot.limits.filter(article_pid=(data.get("article_pid") or "").strip()).first()
        services.limit_save(actor=request.user, lot=lot, limit=existing, **data)

    return _manager_post(request, contract_id, LimitForm, save)


@login_required
@require_POST
def document_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _manager_post(
        request, contract_id, DocumentForm, lambda c, d: services.document_add(actor=request.user, contract=c, **d)
    )


@login_required
@require_POST
def publish(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _manager_post(
        request, contract_id, None, lambda c, d: services.contract_publish(actor=request.user, contract=c)
    )


@login_required
def document_download(request: HttpRequest, contract_id: int, document_id: int) -> HttpResponseBase:
    contract = _contract(request, contract_id)
    document = contract.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return storage.hand_over(document.file, filename=document.file.name.rsplit("/", 1)[-1])


@login_required
def supplier_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "contracts/supplier_list.html",
        {"suppliers": selectors.visible_suppliers(request.user), "can_manage": can_manage_contracts(request.user)},
    )


@login_required
def supplier_edit(request: HttpRequest, supplier_id: int | None = None) -> HttpResponse:
    _require_manager(request)
    supplier = _supplier(request, supplier_id) if supplier_id is not None else None
    form = SupplierForm(request.POST or None, initial=_supplier_initial(supplier))
    if request.method == "POST" and form.is_valid():
        try:
            if supplier is None:
                services.supplier_create(actor=request.user, **form.cleaned_data)
            else:
                services.supplier_update(actor=request.user, supplier=supplier, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Lieferant ist gespeichert."))
            return redirect("contracts:suppliers")
    return _supplier_page(request, supplier, form, SupplierContactForm())


def _supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    try:
        return selectors.supplier_for(request.user, supplier_id)
    except NotFound as exc:
        raise Http404 from exc


def _supplier_initial(supplier: Supplier | None) -> dict[str, Any]:
    if supplier is None:
        return {}
    return {"name": supplier.name, **{f: getattr(supplier, f) for f in services.SUPPLIER_FIELDS}}


def _supplier_page(
    request: HttpRequest,
    supplier: Supplier | None,
    form: SupplierForm,
    contact_form: SupplierContactForm,
    status: int = 200,
) -> HttpResponse:
    """The supplier's master data, its contacts and (for whoever manages them) a link to its users."""
    context = {
        "form": form,
        "title": _("Lieferant bearbeiten") if supplier else _("Neuer Lieferant"),
        "supplier": supplier,
        "contact_form": contact_form,
        "can_manage_users": supplier is not None and can_manage_users_of(request.user, supplier.organisation),
    }
    return render(request, "contracts/supplier_form.html", context, status=status)


@login_required
@require_POST
def supplier_contact_add(request: HttpRequest, supplier_id: int) -> HttpResponse:
    _require_manager(request)
    supplier = _supplier(request, supplier_id)
    form = SupplierContactForm(request.POST)
    if form.is_valid():
        try:
            services.supplier_contact_add(actor=request.user, supplier=supplier, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Ansprechperson ist gespeichert."))
            return redirect("contracts:supplier_edit", supplier.pk)
    return _supplier_page(request, supplier, SupplierForm(initial=_supplier_initial(supplier)), form, status=400)


@login_required
@require_POST
def supplier_contact_remove(request: HttpRequest, supplier_id: int, contact_id: int) -> HttpResponse:
    _require_manager(request)
    contact = SupplierContact.objects.filter(pk=contact_id, supplier_id=supplier_id).first()
    if contact is None:
        raise Http404
    services.supplier_contact_remove(actor=request.user, contact=contact)
    messages.success(request, _("Die Ansprechperson ist entfernt."))
    return redirect("contracts:supplier_edit", supplier_id)
