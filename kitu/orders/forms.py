from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.accounts.models import User
from kitu.contracts.eligibility import contracts_open_to
from kitu.contracts.models import FrameworkContract, Lot
from kitu.core.forms import DATE_INPUT, EuroField
from kitu.members.models import CostCentre, Member, Site

from .models import OrderLine, OrderStatus


class AddForm(forms.Form):
    article = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Menge"), min_value=1, max_value=100000)


class QuickOrderForm(forms.Form):
    supplier_pid = forms.CharField(label=_("Artikelnummer des Lieferanten"), max_length=32)
    quantity = forms.IntegerField(label=_("Menge"), min_value=1, max_value=100000, initial=1)


class LineForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Menge"), min_value=0, max_value=100000, help_text=_("0 entfernt die Position")
    )
    cost_centre = forms.ModelChoiceField(
        label=_("Kostenstelle"), queryset=CostCentre.objects.none(), required=False, empty_label=_("– wie Warenkorb –")
    )
    site = forms.ModelChoiceField(
        label=_("Lieferort"), queryset=Site.objects.none(), required=False, empty_label=_("– wie Warenkorb –")
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_centre"].queryset = member.cost_centres.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["site"].queryset = member.sites.all()  # type: ignore[attr-defined]


class DefaultsForm(LineForm):
    """The cart's delivery site (required; the member's default preselected) and cost centre (required
    where the member's settings say so) for all lines without their own."""

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, member=member, **kwargs)
        del self.fields["quantity"]
        site, centre = self.fields["site"], self.fields["cost_centre"]
        site.required, site.empty_label = True, _("– bitte wählen –")  # type: ignore[attr-defined]
        site.error_messages["required"] = _("Wählen Sie einen Lieferort.")
        site.label_from_instance = lambda s: f"{s.name} ({s.street}, {s.postcode} {s.city})"  # type: ignore[attr-defined]
        if member.cost_centre_required:
            centre.required, centre.empty_label = True, _("– bitte wählen –")  # type: ignore[attr-defined]
            centre.error_messages["required"] = _("Wählen Sie eine Kostenstelle; %(member)s verlangt sie.") % {
                "member": member.name
            }
        else:
            centre.empty_label = _("– keine –")  # type: ignore[attr-defined]
            centre.label = _("Kostenstelle (optional)")


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Begründung der Ablehnung"), widget=forms.Textarea(attrs={"rows": 2}))


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("alle")), *OrderStatus.choices], required=False)
    number = forms.CharField(label=_("Bestellnummer"), required=False, max_length=20)
    year = forms.IntegerField(label=_("Jahr"), required=False, min_value=2000, max_value=2100)
    member = forms.CharField(label=_("Mitglied"), required=False, max_length=100)


class PolicyForm(forms.Form):
    auto_approve_up_to = forms.DecimalField(
        label=_("ohne Freigabe bis (EUR, netto)"), min_value=0, max_digits=12, decimal_places=2
    )
    second_step_from = forms.DecimalField(
        label=_("zweite Freigabe ab (EUR, netto)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("leer: immer nur eine Freigabestufe"),
    )


class ApproverForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    step = forms.TypedChoiceField(label=_("Stufe"), choices=[(1, "1"), (2, "2")], coerce=int)
    is_substitute = forms.BooleanField(label=_("Vertretung"), required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role_assignments__organisation_id=member.organisation_id, role_assignments__role="approver"
        ).order_by("full_name")
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.email  # type: ignore[attr-defined]


class PlaceholderForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Rahmenvertrag und Los"), queryset=Lot.objects.none())
    description = forms.CharField(label=_("Bezeichnung der Leistung"), max_length=150)
    quantity = forms.IntegerField(label=_("Menge (Stück)"), min_value=1, max_value=100000, initial=1)
    unit_price = EuroField(label=_("Einzelpreis laut Angebot (EUR, netto)"), min_value=Decimal("0.01"))
    attachment = forms.FileField(label=_("Angebot (PDF, Office-Datei oder Bild, bis 10 MB)"), required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lot"]
        field.queryset = (  # type: ignore[attr-defined]
            Lot.objects.filter(contract__in=contracts_open_to(member), contract__published_at__isnull=False)
            .select_related("contract", "supplier__organisation")
            .order_by("contract__number", "number")
        )
        field.label_from_instance = lambda lot: (  # type: ignore[attr-defined]
            f"{lot.contract.number} Los {lot.number}: {lot.title} ({lot.supplier.organisation.name})"
        )


class BasketToCartForm(forms.Form):
    times = forms.IntegerField(label=_("Anzahl"), min_value=1, max_value=500, initial=1)


class BasketForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("sichtbar für Mitglieder"), required=False, initial=True)


class BasketLineForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("Rahmenvertrag"), queryset=FrameworkContract.objects.none())
    supplier_pid = forms.CharField(label=_("Artikelnummer des Lieferanten"), max_length=32)
    quantity = forms.IntegerField(label=_("Menge"), min_value=0, max_value=10000, help_text=_("0 entfernt den Artikel"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = FrameworkContract.objects.filter(  # type: ignore[attr-defined]
            published_at__isnull=False
        ).order_by("number")


class ConfirmForm(forms.Form):
    """The supplier's order confirmation: the expected delivery date, and per line an optional reason
    to reject it (field ``reason_<line id>``)."""

    delivery_date = forms.DateField(label=_("voraussichtlicher Liefertermin"), widget=DATE_INPUT)

    def __init__(self, *args: Any, lines: list[OrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[f"reason_{line.pk}"] = forms.CharField(
                label=_("Pos. %(pos)s ablehnen – Begründung") % {"pos": line.position},
                required=False,
                max_length=300,
                help_text=_("leer lassen, wenn die Position geliefert wird"),
            )

    def rejected(self) -> dict[int, str]:
        return {
            int(name.removeprefix("reason_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reason_") and value.strip()
        }


class ShipForm(forms.Form):
    """A (partial) shipment: date, delivery note and the quantity per open line (``quantity_<line id>``)."""

    shipped_on = forms.DateField(label=_("geliefert am"), widget=DATE_INPUT)
    delivery_note = forms.CharField(label=_("Lieferschein-Nr."), max_length=40, required=False)

    def __init__(self, *args: Any, lines: list[OrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in lines:
            if line.open_quantity:
                self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                    label=_("Pos. %(pos)s: %(text)s (offen: %(open)s)")
                    % {"pos": line.position, "text": line.description, "open": line.open_quantity},
                    min_value=0,
                    max_value=line.open_quantity,
                    initial=line.open_quantity,
                )
                self.fields[f"serials_{line.pk}"] = forms.CharField(
                    label=_("Pos. %(pos)s: Seriennummern (eine je Zeile, freiwillig)") % {"pos": line.position},
                    required=False,
                    max_length=20000,
                    widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
                )

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("quantity_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("quantity_")
        }

    def serials(self) -> dict[int, list[str]]:
        return {
            int(name.removeprefix("serials_")): value.splitlines()
            for name, value in self.cleaned_data.items()
            if name.startswith("serials_") and value.strip()
        }


class ReceiveForm(forms.Form):
    received_on = forms.DateField(label=_("eingegangen am"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Anmerkung (z. B. Schäden)"), max_length=300, required=False)
