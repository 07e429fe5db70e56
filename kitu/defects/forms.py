from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT
from kitu.core.schemas import MAX_ID

from . import photos
from .models import LEGAL_TEXT_MAX, Category, DefectService, ReportStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos in one file input (checked and cleaned by the service)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > photos.MAX_PHOTOS:
            raise forms.ValidationError(_("Höchstens %(n)s Fotos.") % {"n": photos.MAX_PHOTOS})
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    """A citizen's report (the template adds the honeypot field ``website``, which people never see)."""

    category = forms.ChoiceField(
        label=_("Was ist los?"), error_messages={"required": _("Wählen Sie aus, was los ist.")}
    )
    description = forms.CharField(label=_("Beschreibung"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(
        label=_("Ort (Straße, Hausnummer oder Beschreibung)"),
        max_length=250,
        required=False,
        help_text=_("z. B. „Marktstraße 5“ oder „Spielplatz am Teich“ – oder die Stelle auf der Karte"),
    )
    lat = forms.CharField(label=_("Breite (z. B. 51.8352)"), max_length=20, required=False)
    lon = forms.CharField(label=_("Länge (z. B. 10.7853)"), max_length=20, required=False)
    photos = PhotosField(
        label=_("Fotos"),
        required=False,
        help_text=_(
            "bis zu 3 Fotos (JPEG, PNG oder WebP, je höchstens 10 MB); Standort- und Kameradaten entfernen wir"
        ),
    )
    email = forms.EmailField(
        label=_("E-Mail für Rückmeldungen"),
        required=False,
        help_text=_("freiwillig; nach Ihrer Bestätigung schreiben wir Ihnen, wenn sich der Stand ändert"),
    )

    # Phone first: where, then what (the map and "Meinen Standort verwenden" stand above the address).
    field_order = ["address", "lat", "lon", "category", "description", "photos", "email"]

    def __init__(self, *args: Any, service: DefectService, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Bitte wählen")),  # nothing preselected: the citizen decides
            *((c.code, c.name) for c in service.categories.filter(is_active=True).order_by("name")),
        ]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("alle")), *ReportStatus.choices], required=False)
    category = forms.ModelChoiceField(label=_("Kategorie"), queryset=Category.objects.none(), required=False)
    unpublished = forms.BooleanField(label=_("nur noch nicht freigegebene"), required=False)
    since = forms.DateField(label=_("gemeldet seit"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("gemeldet bis"), required=False, widget=DATE_INPUT)
    bbox = forms.CharField(
        label=_("Gebiet (Süd, West, Nord, Ost)"),
        required=False,
        max_length=100,
        help_text=_("z. B. 51.82, 10.77, 51.84, 10.80 – oder Kartenausschnitt übernehmen"),
    )

    def clean_bbox(self) -> tuple[float, float, float, float] | None:
        raw = self.cleaned_data["bbox"].strip()
        if not raw:
            return None
        try:
            south, west, north, east = (float(p) for p in raw.split(","))
        except ValueError as exc:
            raise forms.ValidationError(_("Vier Zahlen mit Komma getrennt: Süd, West, Nord, Ost.")) from exc
        if not all(-90 <= v <= 90 for v in (south, north)) or not all(-180 <= v <= 180 for v in (west, east)):
            # also NaN and infinity (float() reads "nan", "inf" and "1e999"), which no comparison lets through
            raise forms.ValidationError(_("Breiten liegen zwischen -90 und 90, Längen zwischen -180 und 180."))
        if south > north or west > east:
            raise forms.ValidationError(_("Süd muss kleiner als Nord und West kleiner als Ost sein."))
        return south, west, north, east

    def __init__(self, *args: Any, services: list[DefectService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(service__in=services)  # type: ignore[attr-defined]


class CaseForm(forms.Form):
    """A case worker's answer: status, public answer, category, publication (after moderation)."""

    status = forms.ChoiceField(label=_("Status"), choices=ReportStatus.choices)
    status_notes = forms.CharField(
        label=_("öffentliche Antwort"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(label=_("Kategorie"), queryset=Category.objects.none())
    description = forms.CharField(
        label=_("Beschreibung (für die Veröffentlichung ggf. ohne persönliche Daten)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_published = forms.BooleanField(label=_("veröffentlichen"), required=False)

    def __init__(self, *args: Any, service: DefectService, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = service.categories.filter(is_active=True)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("interne Notiz"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Duplikat von Meldung Nr."), min_value=1, help_text=_("die ursprüngliche Meldung, die offen bleibt")
    )


class ServiceForm(forms.Form):
    """A town's settings; the identifier (``jurisdiction_id``) only when the service is first enabled."""

    slug = forms.SlugField(
        label=_("Kennung (jurisdiction_id)"),
        max_length=50,
        help_text=_("Kleinbuchstaben, z. B. wernigerode; Teil der Adresse und der Open311-Schnittstelle"),
    )
    is_enabled = forms.BooleanField(label=_("freigeschaltet (Bürgerinnen und Bürger können melden)"), required=False)
    area = forms.CharField(
        label=_("Gebiet: Eckpunkte, je Zeile „Breite, Länge“"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("leer: Meldungen von überall; sonst werden Orte außerhalb abgelehnt"),
    )
    outside_hint = forms.CharField(
        label=_("Hinweis für Meldungen außerhalb"),
        max_length=300,
        required=False,
        help_text=_("z. B. „Für Orte im Landkreis wenden Sie sich an …“"),
    )
    retention_days = forms.IntegerField(
        label=_("Aufbewahrung erledigter Meldungen (Tage)"),
        min_value=30,
        max_value=3650,
        help_text=_("danach werden E-Mail-Adresse, Fotos und interne Notizen gelöscht"),
    )
    target_days = forms.IntegerField(
        label=_("Bearbeitungsziel (Tage)"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Meldungen, die danach nicht erledigt sind, erscheinen als überfällig in den Aufgaben"),
    )

    def __init__(self, *args: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["slug"]


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several objects chosen by id; an id that is no database integer is refused before the query (SQLite
    cannot even bind one above 2**63 - 1)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) <= MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "description", "group", "keywords", "department_email", "case_workers", "is_active"]
        widgets = {"case_workers": forms.CheckboxSelectMultiple}
        field_classes = {"case_workers": IdsChoiceField}

    def __init__(self, *args: Any, case_workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_workers"].queryset = case_workers  # type: ignore[attr-defined]


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name der Anwendung"), max_length=100)


class TownPageForm(forms.Form):
    """A town's coat of arms and legal texts (shown on its public pages, linked in their footer)."""

    coat_of_arms = forms.FileField(
        label=_("Wappen"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG oder WebP, höchstens 1 MB; wir verkleinern es auf 400 Bildpunkte"),
    )
    remove_arms = forms.BooleanField(label=_("Wappen entfernen"), required=False)
    imprint = forms.CharField(
        label=_("Impressum"),
        required=False,
        max_length=LEGAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Anbieter mit Anschrift, Vertretung, Kontakt; Absätze durch Leerzeilen"),
    )
    privacy = forms.CharField(
        label=_("Datenschutzerklärung"),
        required=False,
        max_length=LEGAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("wird auf dem Meldeformular vor dem Absenden verlinkt"),
    )
    accessibility = forms.CharField(
        label=_("Erklärung zur Barrierefreiheit"),
        required=False,
        max_length=LEGAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Stand der Vereinbarkeit, nicht barrierefreie Inhalte, Schlichtungsverfahren (BITV 2.0)"),
    )
    accessibility_email = forms.EmailField(
        label=_("E-Mail für Rückmeldungen zur Barrierefreiheit"),
        required=False,
        help_text=_("Pflicht, sobald eine Erklärung zur Barrierefreiheit eingetragen ist"),
    )
