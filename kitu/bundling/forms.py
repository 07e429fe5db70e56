from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.catalog.models import Article
from kitu.contracts.models import Eligibility, LegalBasis, Supplier
from kitu.core.forms import DATE_INPUT
from kitu.members.models import CostCentre, Member, MemberType
from kitu.members.pickers import MemberPickerField, Scope

from .models import Campaign, CampaignItem, OptimisationRun, Quarter

TIERS = 4  # price tiers on the offer form; the XLSX import takes any number


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opens_on = forms.DateField(label=_("Beginn der Abfrage"), widget=DATE_INPUT)
    closes_on = forms.DateField(
        label=_("Meldeschluss"), widget=DATE_INPUT, help_text=_("Meldungen sind bis zum Ende dieses Tages möglich.")
    )
    reminder_days = forms.IntegerField(
        label=_("Erinnerung (Tage vor Meldeschluss)"),
        min_value=0,
        max_value=60,
        initial=7,
        help_text=_("Mitglieder ohne Meldung werden einmal erinnert."),
    )
    max_factor = forms.IntegerField(
        label=_("Höchstmenge in % der Schätzmenge"),
        min_value=100,
        max_value=300,
        initial=130,
        help_text=_("Üblich sind 130 %; die Höchstmenge begrenzt die Abrufe aus dem späteren Rahmenvertrag."),
    )
    participation = forms.ChoiceField(
        label=_("Wer nimmt teil?"),
        choices=Eligibility.choices,
        initial=Eligibility.SELECTED,
        widget=forms.RadioSelect,
    )
    participant_type = forms.ChoiceField(
        label=_("Art der Mitglieder (nur bei „alle Mitglieder einer Art“)"),
        choices=[("", _("– bitte wählen –")), *MemberType.choices],
        required=False,
    )
    eligible_members = MemberPickerField(
        label=_("Ausgewählte Mitglieder (nur bei „ausgewählte Mitglieder“)"),
        scope=Scope.CURRENT,
        help_text=_("Name, Ort oder Mitgliedsnummer eingeben."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("participation") == Eligibility.MEMBER_TYPE and not data.get("participant_type"):
            self.add_error("participant_type", _("Bitte wählen Sie die Art der Mitglieder, die teilnehmen."))
        return data


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Pos.-Nr."), max_length=32)
    title = forms.CharField(
        label=_("Bezeichnung"), max_length=200, required=False, help_text=_("leer: Kurztext des Katalogartikels")
    )
    description = forms.CharField(
        label=_("Leistungsbeschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.CharField(label=_("Einheit"), max_length=20, initial="Stück")
    article_pid = forms.CharField(
        label=_("Artikelnummer im Katalog"),
        max_length=32,
        required=False,
        help_text=_("optional: verknüpft die Position mit einem Katalogartikel"),
    )
    reference_price = forms.DecimalField(
        label=_("Schätzpreis je Einheit (EUR, netto)"), min_value=0, decimal_places=2, required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        pid = (data.get("article_pid") or "").strip()
        data["article"] = None
        if pid:
            matches = list(Article.objects.filter(supplier_pid=pid, contract__published_at__isnull=False)[:2])
            if not matches:
                self.add_error("article_pid", _("Kein Katalogartikel mit dieser Nummer."))
            elif len(matches) > 1:
                self.add_error("article_pid", _("Die Nummer ist mehrdeutig (mehrere Verträge)."))
            else:
                data["article"] = matches[0]
        if not data.get("title") and not data.get("article") and "article_pid" not in self.errors:
            self.add_error("title", _("Bitte eine Bezeichnung oder einen Katalogartikel angeben."))
        return data


class ReportForm(forms.Form):
    """The demand report: per position quantity, quarter, cost centre, budget flag and comment."""

    no_demand = forms.BooleanField(label=_("Wir haben keinen Bedarf."), required=False)

    def __init__(self, *args: Any, items: list[CampaignItem], member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        centres = CostCentre.objects.filter(member=member, is_active=True).order_by("code")
        for item in items:
            p = f"i{item.pk}_"
            self.fields[p + "quantity"] = forms.IntegerField(
                label=_("Menge (%(unit)s)") % {"unit": item.unit}, min_value=0, max_value=1_000_000, required=False
            )
            self.fields[p + "quarter"] = forms.TypedChoiceField(
                label=_("Lieferquartal"),
                choices=[("", "–"), *Quarter.choices],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[p + "cost_centre"] = forms.ModelChoiceField(
                label=_("Kostenstelle"), queryset=centres, required=False, empty_label="–"
            )
            self.fields[p + "budget"] = forms.BooleanField(label=_("Haushaltsmittel gesichert"), required=False)
            self.fields[p + "comment"] = forms.CharField(label=_("Bemerkung"), max_length=500, required=False)

    def rows(self) -> list[tuple[CampaignItem, list[forms.BoundField]]]:
        names = ("quantity", "quarter", "cost_centre", "budget", "comment")
        return [(item, [self[f"i{item.pk}_{n}"] for n in names]) for item in self.items]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lines = []
        for item in self.items:
            p = f"i{item.pk}_"
            quantity = data.get(p + "quantity") or 0
            if quantity and not data.get(p + "quarter"):
                self.add_error(p + "quarter", _("Bitte ein Lieferquartal wählen."))
            if quantity:
                lines.append(item)
        if data.get("no_demand") and lines:
            self.add_error("no_demand", _("Bitte entweder Mengen melden oder „kein Bedarf“ wählen, nicht beides."))
        if not data.get("no_demand") and not lines and not self.errors:
            self.add_error("no_demand", _("Bitte mindestens eine Menge melden oder „kein Bedarf“ wählen."))
        return data


class OfferForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("Lieferant"), queryset=Supplier.objects.select_related("organisation").order_by("organisation__name")
    )
    item = forms.ModelChoiceField(label=_("Position"), queryset=CampaignItem.objects.none())
    min_quantity = forms.IntegerField(label=_("Mindestmenge"), min_value=0, initial=0)
    max_quantity = forms.IntegerField(
        label=_("Höchstmenge"), min_value=1, required=False, help_text=_("leer: unbegrenzt")
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = campaign.items.order_by("code")  # type: ignore[attr-defined]
        for n in range(1, TIERS + 1):
            self.fields[f"tier{n}_min"] = forms.IntegerField(
                label=_("Staffel %(n)s ab Menge") % {"n": n},
                min_value=0,
                required=n == 1,
                initial=1 if n == 1 else None,
            )
            self.fields[f"tier{n}_price"] = forms.DecimalField(
                label=_("Staffel %(n)s Stückpreis (EUR)") % {"n": n}, min_value=0, decimal_places=2, required=n == 1
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        tiers = []
        for n in range(1, TIERS + 1):
            low, price = data.get(f"tier{n}_min"), data.get(f"tier{n}_price")
            if (low is None) != (price is None):
                self.add_error(f"tier{n}_price", _("Bitte Menge und Preis der Staffel angeben."))
            elif low is not None:
                tiers.append((low, price))
        data["tiers"] = tiers
        return data


class OfferLotForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("Lieferant"), queryset=Supplier.objects.select_related("organisation").order_by("organisation__name")
    )
    name = forms.CharField(label=_("Los"), max_length=80)
    items = forms.ModelMultipleChoiceField(
        label=_("Positionen"), queryset=CampaignItem.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = campaign.items.order_by("code")  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Angebote (XLSX)"), help_text=_("Ersetzt alle erfassten Angebote und Lose."))


class AwardForm(forms.Form):
    run = forms.ModelChoiceField(label=_("Optimierungslauf"), queryset=OptimisationRun.objects.none(), empty_label=None)
    number = forms.CharField(label=_("Vertragsnummer"), max_length=40)
    title = forms.CharField(label=_("Titel"), max_length=200)
    legal_basis = forms.ChoiceField(label=_("Rechtsgrundlage"), choices=LegalBasis.choices)
    starts_on = forms.DateField(label=_("Laufzeit von"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Laufzeit bis"), widget=DATE_INPUT)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["run"].queryset = campaign.runs.filter(status="optimal")  # type: ignore[attr-defined]
