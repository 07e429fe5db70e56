"""The supplier's actions on an order (confirm with delivery date and line rejections, record a
shipment) and the member's goods receipt; all POST, back to the order page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.forms import run_form_action

from .. import fulfilment
from ..forms import ConfirmForm, ReceiveForm, ShipForm
from .common import visible_order


@login_required
@require_POST
def confirm(request: HttpRequest, order_id: int) -> HttpResponse:
    order = visible_order(request, order_id)
    form = ConfirmForm(request.POST, lines=list(order.lines.all()))
    run_form_action(
        request,
        form,
        lambda data: fulfilment.confirm(
            actor=request.user,
            order=order,
            delivery_date=data["delivery_date"],
            rejected=form.rejected(),
        ),
        _("Die Bestellung ist bestätigt."),
    )
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def ship(request: HttpRequest, order_id: int) -> HttpResponse:
    order = visible_order(request, order_id)
    form = ShipForm(request.POST, lines=list(order.lines.all()))
    run_form_action(
        request,
        form,
        lambda data: fulfilment.ship(
            actor=request.user,
            order=order,
            quantities=form.quantities(),
            shipped_on=data["shipped_on"],
            delivery_note=data["delivery_note"],
            serials=form.serials(),
        ),
        _("Die Lieferung ist erfasst."),
    )
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def receive(request: HttpRequest, order_id: int, shipment_id: int) -> HttpResponse:
    order = visible_order(request, order_id)
    shipment = order.shipments.filter(pk=shipment_id).first()
    if shipment is None:
        raise Http404
    form = ReceiveForm(request.POST, prefix=f"s{shipment.pk}")
    run_form_action(
        request,
        form,
        lambda data: fulfilment.receive(actor=request.user, shipment=shipment, **data),
        _("Der Wareneingang ist gebucht."),
    )
    return redirect("orders:detail", order_id=order.pk)
