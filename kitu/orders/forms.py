from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.accounts.models import User
from kitu.members.models import CostCentre, Member, Site

from .models import OrderStatus


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
    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, member=member, **kwargs)
        del self.fields["quantity"]
        self.fields["cost_centre"].empty_label = _("– keine –")  # type: ignore[attr-defined]
        self.fields["site"].empty_label = _("– keiner –")  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Begründung der Ablehnung"), widget=forms.Textarea(attrs={"rows": 2}))


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("alle")), *OrderStatus.choices], required=False)
    number = forms.CharField(label=_("Bestellnummer"), required=False, max_length=20)


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
