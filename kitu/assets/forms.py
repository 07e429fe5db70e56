"""Forms of the asset pages: a device by hand, the changes of a device, its status, and the filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.bundling.models import Campaign
from kitu.core.forms import DATE_INPUT, EuroField
from kitu.members.models import CostCentre, Member, Site

from .models import TRANSITIONS, AssetStatus


def _member_refs(form: forms.Form, member: Member) -> None:
    form.fields["site"].queryset = Site.objects.filter(member=member)  # type: ignore[attr-defined]
    form.fields["cost_centre"].queryset = CostCentre.objects.filter(member=member, is_active=True)  # type: ignore[attr-defined]


class AssetEditForm(forms.Form):
    inventory_number = forms.CharField(label=_("Inventarnummer"), max_length=40, required=False)
    serial_number = forms.CharField(label=_("Seriennummer"), max_length=80, required=False)
    site = forms.ModelChoiceField(label=_("Standort"), queryset=Site.objects.none(), required=False)
    cost_centre = forms.ModelChoiceField(label=_("Kostenstelle"), queryset=CostCentre.objects.none(), required=False)
    responsible = forms.CharField(label=_("verantwortliche Person"), max_length=120, required=False)
    warranty_end = forms.DateField(label=_("Garantie bis"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _member_refs(self, member)


class AssetCreateForm(AssetEditForm):
    description = forms.CharField(label=_("Bezeichnung"), max_length=150)
    manufacturer = forms.CharField(label=_("Hersteller"), max_length=100, required=False)
    eclass_group = forms.CharField(
        label=_("ECLASS-Klasse"),
        max_length=20,
        required=False,
        help_text=_("Zum Beispiel 19-03-01-04 für Notebooks; bestimmt, wann das Gerät auszutauschen ist."),
    )
    acquired_on = forms.DateField(label=_("Zugang am"), widget=DATE_INPUT)
    price = EuroField(label=_("Anschaffungspreis (EUR, netto)"), required=False, min_value=0)
    status = forms.ChoiceField(
        label=_("Status"), choices=[(c, lab) for c, lab in AssetStatus.choices if c != AssetStatus.RETIRED]
    )

    field_order = ["description", "manufacturer", "eclass_group", "acquired_on", "price", "status"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("neuer Status"), choices=())

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(AssetStatus.choices)
        self.fields["status"].choices = [(code, labels[code]) for code in TRANSITIONS.get(current, ())]  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Suche (Bezeichnung, Seriennummer, Bestellung, Person)"), required=False, max_length=100
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("alle")), *AssetStatus.choices])
    eclass_group = forms.CharField(label=_("ECLASS-Klasse"), required=False, max_length=20)
    member = forms.ModelChoiceField(label=_("Mitglied"), required=False, queryset=Member.objects.none())

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members  # type: ignore[attr-defined]
            self.fields["member"].empty_label = _("alle")  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        if "member" in data:
            data["member"] = data["member"].pk if data["member"] else None
        return data


class CampaignForm(forms.Form):
    campaign: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Bedarfsabfrage"), queryset=Campaign.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
