from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT
from kitu.members.models import MemberType
from kitu.members.pickers import MemberPickerField

from .models import CallOffMode, Eligibility, LegalBasis, Lot, Supplier


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=120)
    postcode = forms.CharField(label=_("PLZ"), max_length=5)
    city = forms.CharField(label=_("Ort"), max_length=80)
    vat_id = forms.CharField(label=_("USt-IdNr."), max_length=11, required=False)
    order_email = forms.EmailField(label=_("E-Mail für Bestellungen"))
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)


class SupplierContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.CharField(label=_("Funktion"), max_length=120, required=False, help_text=_("z. B. Vertrieb, Technik"))
    email = forms.EmailField(label=_("E-Mail"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Vertragsnummer"), max_length=40)
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.ChoiceField(label=_("Rechtsgrundlage"), choices=LegalBasis.choices)
    awarding_body = forms.CharField(label=_("Vergabestelle"), max_length=200, initial="Kommunale IT-UNION eG")
    starts_on = forms.DateField(label=_("Laufzeit von"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=_("Laufzeit bis"), widget=DATE_INPUT, help_text=_("VgV: höchstens 4 Jahre, UVgO: höchstens 6 Jahre.")
    )
    call_off_mode = forms.ChoiceField(label=_("Abrufverfahren"), choices=CallOffMode.choices)
    suppliers = forms.ModelMultipleChoiceField(
        label=_("Lieferanten"),
        queryset=Supplier.objects.select_related("organisation").order_by("organisation__name"),
        widget=forms.CheckboxSelectMultiple,
    )
    eligibility = forms.ChoiceField(
        label=_("Wer darf abrufen?"),
        choices=Eligibility.choices,
        initial=Eligibility.SELECTED,
        widget=forms.RadioSelect,
        help_text=_(
            "Mit „alle Mitglieder“ oder „alle Mitglieder einer Art“ gilt der Vertrag auch für Mitglieder, "
            "die erst später zugelassen werden."
        ),
    )
    eligible_member_type = forms.ChoiceField(
        label=_("Art der Mitglieder (nur bei „alle Mitglieder einer Art“)"),
        choices=[("", _("– bitte wählen –")), *MemberType.choices],
        required=False,
    )
    eligible_members = MemberPickerField(
        label=_("Ausgewählte Mitglieder (nur bei „ausgewählte Mitglieder“)"),
        help_text=_("Die in der Ausschreibung genannten Auftraggeber: Name, Ort oder Mitgliedsnummer eingeben."),
    )
    warranty_months = forms.IntegerField(
        label=_("Garantie (Monate)"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_(
            "Gilt für Geräte aus Abrufen dieses Vertrags (Inventar: Garantie bis), wenn der Artikel keine eigene "
            "Garantie nennt. Leer: keine Angabe."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("eligibility") == Eligibility.MEMBER_TYPE and not data.get("eligible_member_type"):
            self.add_error("eligible_member_type", _("Bitte wählen Sie die Art der Mitglieder, die abrufen dürfen."))
        return data


class LotForm(forms.Form):
    number = forms.IntegerField(label=_("Losnummer"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Titel"), max_length=200)
    supplier = forms.ModelChoiceField(label=_("Lieferant"), queryset=Supplier.objects.none())
    other_suppliers = forms.ModelMultipleChoiceField(
        label=_("Weitere Rahmenvertragspartner des Loses"),
        queryset=Supplier.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bei mehreren Partnern und Abrufverfahren „Kleinwettbewerb“ wird jeder Abruf ein Kleinwettbewerb."),
    )

    def __init__(self, *args: Any, contract: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("supplier", "other_suppliers"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = contract.suppliers.select_related("organisation")


class LimitForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Los"), queryset=Lot.objects.none())
    article_pid = forms.CharField(
        label=_("Artikelnummer des Lieferanten"),
        max_length=32,
        required=False,
        help_text=_("leer: gilt für das ganze Los"),
    )
    estimated_quantity = forms.IntegerField(label=_("geschätzte Menge"), min_value=0, required=False)
    max_quantity = forms.IntegerField(label=_("Höchstmenge"), min_value=0, required=False)
    estimated_value = forms.DecimalField(
        label=_("geschätzter Wert (EUR)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    max_value = forms.DecimalField(
        label=_("Höchstwert (EUR)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, contract: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lot"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = contract.lots.all()


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    file = forms.FileField(label=_("Datei"))
