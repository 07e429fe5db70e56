"""Forms of the register pages: the entry (with the agreement as PDF) and the filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT
from kitu.members.models import Member

from .models import Area, Operation, Procedure, ProtectionNeed


class ProcedureForm(forms.ModelForm):
    dpa_upload = forms.FileField(
        label=_("Auftragsverarbeitungsvertrag (PDF, höchstens 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    class Meta:
        model = Procedure
        fields = [
            "name",
            "vendor",
            "product",
            "version",
            "area",
            "operation",
            "protection_need",
            "licence_count",
            "contract_end",
            "contact_name",
            "contact_email",
            "contact_phone",
            "vendor_contact",
            "processing_record",
            "dpa_date",
        ]
        widgets = {
            "contract_end": DATE_INPUT,
            "dpa_date": DATE_INPUT,
            "processing_record": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("contact_email",):
            self.fields[name].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _choices(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("alle")), *choices]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    product = forms.CharField(label=_("Produkt"), required=False, max_length=120)
    version = forms.CharField(label=_("Version"), required=False, max_length=40)
    area = forms.ChoiceField(label=_("Fachbereich"), required=False, choices=_choices(Area.choices))
    operation = forms.ChoiceField(label=_("Betrieb"), required=False, choices=_choices(Operation.choices))
    protection_need = forms.ChoiceField(
        label=_("Schutzbedarf"), required=False, choices=_choices(ProtectionNeed.choices)
    )
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
