from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT, EuroField
from kitu.members.models import CostCentre, Member
from kitu.members.pickers import MemberChoicePickerField

from .models import RequestKind, Service


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Zeitraum"), max_length=7, help_text=_("Monat JJJJ-MM, Quartal JJJJ-Qn oder Jahr JJJJ, z. B. 2026-03")
    )


class NewRequestForm(forms.Form):
    member = forms.ModelChoiceField(label=_("für Mitglied"), queryset=Member.objects.none())
    service = forms.ModelChoiceField(label=_("Leistung"), queryset=Service.objects.filter(is_active=True))
    quantity = forms.IntegerField(label=_("Menge"), min_value=1, max_value=100000, initial=1)
    effective_from = forms.DateField(label=_("Beginn"), widget=DATE_INPUT)
    cost_centre = forms.ModelChoiceField(label=_("Kostenstelle"), queryset=CostCentre.objects.none(), required=False)
    note = forms.CharField(label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, members: list[Member] | None, **kwargs: Any) -> None:
        """``members``: the few a member's people request for; None: the office, which requests for any
        member of the register — picked by search, its cost centre named by code (no control lists the whole
        register or all its cost centres, issue 23.4)."""
        super().__init__(*args, **kwargs)
        if members is None:
            self.fields["member"] = MemberChoicePickerField(label=_("für Mitglied"))
            self.fields["cost_centre"] = forms.CharField(
                label=_("Kostenstelle"), required=False, max_length=50, help_text=_("Nummer, z. B. 10-100")
            )
            self.order_fields(["member", "service", "quantity", "effective_from", "cost_centre", "note"])
            return
        ids = [m.pk for m in members]
        self.fields["member"].queryset = Member.objects.with_name().filter(pk__in=ids)  # type: ignore[attr-defined]
        self.fields["cost_centre"].queryset = CostCentre.objects.filter(  # type: ignore[attr-defined]
            member_id__in=ids, is_active=True
        ).select_related("member__organisation")

    def clean_cost_centre(self) -> CostCentre | None:
        value = self.cleaned_data.get("cost_centre")
        if not isinstance(value, str):
            return value  # chosen from the member's list
        member = self.cleaned_data.get("member")
        if not value.strip() or member is None:
            return None
        found = CostCentre.objects.filter(member=member, code=value.strip(), is_active=True).first()
        if found is None:
            raise forms.ValidationError(_("Dieses Mitglied hat keine aktive Kostenstelle mit dieser Nummer."))
        return found


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Antrag"), choices=[(RequestKind.CHANGE, _("Menge ändern")), (RequestKind.CANCEL, _("kündigen"))]
    )
    quantity = forms.IntegerField(label=_("neue Menge"), min_value=1, max_value=100000, required=False)
    effective_from = forms.DateField(
        label=_("wirksam ab / Ende am"), widget=DATE_INPUT, help_text=_("bei Kündigung: der letzte Tag der Leistung")
    )
    note = forms.CharField(label=_("Bemerkung"), required=False, max_length=500)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"), choices=[("approve", _("genehmigen")), ("reject", _("ablehnen"))]
    )
    decision_note = forms.CharField(label=_("Begründung"), required=False, max_length=500)


class PaymentForm(forms.Form):
    amount = EuroField(label=_("Betrag (EUR)"))
    paid_on = forms.DateField(label=_("Zahlungseingang am"), widget=DATE_INPUT)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Grund der Korrektur"), max_length=500)


def parse_tiers(text: str) -> list[tuple[int, Decimal]]:
    """Tier lines "ab Menge: Preis", e.g. "50: 22,50"; ValidationError names the line."""
    tiers: list[tuple[int, Decimal]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        quantity, _sep, amount = line.partition(":")
        try:
            number_text = quantity.strip().replace(".", "").replace("\u202f", "").replace(" ", "")
            tier = (int(number_text), Decimal(amount.strip().replace(".", "").replace(",", ".")))
        except (ValueError, ArithmeticError) as exc:
            raise forms.ValidationError(
                _("Zeile %(n)s: bitte „ab Menge: Preis“, z. B. „50: 22,50“.") % {"n": number}
            ) from exc
        if tier[0] < 2 or tier[1] < 0:
            raise forms.ValidationError(_("Zeile %(n)s: Menge ab 2, Preis nicht negativ.") % {"n": number})
        tiers.append(tier)
    if len({q for q, _a in tiers}) != len(tiers):
        raise forms.ValidationError(_("Jede Menge darf nur einmal vorkommen."))
    return sorted(tiers)


class PriceForm(forms.Form):
    valid_from = forms.DateField(label=_("gültig ab"), widget=DATE_INPUT)
    amount = EuroField(label=_("Preis (EUR, netto)"))
    tiers = forms.CharField(
        label=_("Staffelpreise"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("je Zeile „ab Menge: Preis je Einheit“, z. B. „50: 22,50“"),
    )

    def clean_tiers(self) -> list[tuple[int, Decimal]]:
        return parse_tiers(self.cleaned_data.get("tiers", ""))


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "category",
            "description",
            "pricing",
            "interval",
            "unit_code",
            "unit_label",
            "vat_rate",
            "contract_reference",
            "notice_months",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        localized_fields = ["vat_rate"]


class MemberFilterForm(forms.Form):
    """The office's member filter on the invoice and subscription lists: a search (htmx picker), not a
    <select> of every member with a subscription (issue 23.4: no control lists the whole register)."""

    mitglied = MemberChoicePickerField(label=_("Mitglied"), required=False, none_label=_("alle"))
