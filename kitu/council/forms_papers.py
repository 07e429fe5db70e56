"""Forms of the council office's papers: the paper, a file to upload and a consultation. They parse input
only; the rules (same town, unique reference, the upload checks) live in services/papers.py, services/files.py
and files.py."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.errors import DomainError
from kitu.core.forms import DATE_INPUT
from kitu.core.schemas import MAX_ID

from .files import max_upload_bytes
from .models import Body, ConsultationRole, FileRole, Organization, Paper, PaperType, Person

MAX_REFERENCES = 50  # references one field may name


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of ids; an id no database column can hold is an invalid choice (not a 500)."""

    def clean(self, value: Any) -> Any:
        for item in value or ():
            if isinstance(item, str) and item.strip().isdigit() and int(item) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super().clean(value)


def _checkboxes(queryset: Any, label: Any, help_text: Any = "") -> BoundedModelMultipleChoiceField:
    return BoundedModelMultipleChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Diese Auswahl gibt es in dieser Kommune nicht.")},
    )


class PaperForm(forms.Form):
    name = forms.CharField(label=_("Betreff"), max_length=500)
    paper_type = forms.ChoiceField(
        label=_("Art der Vorlage"), choices=[("", _("– bitte wählen –")), *PaperType.choices]
    )
    reference = forms.CharField(
        label=_("Drucksachennummer"),
        max_length=50,
        required=False,
        help_text=_("leer lassen: die nächste freie Nummer der Art und des Jahres, z. B. BV/0123/2026"),
    )
    date = forms.DateField(
        label=_("Datum"),
        widget=DATE_INPUT,
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
        error_messages={"invalid": _("Geben Sie das Datum im Format TT.MM.JJJJ ein, z. B. 2.3.2026.")},
    )
    public = forms.BooleanField(
        label=_("öffentlich"),
        required=False,
        initial=True,
        help_text=_(
            "Öffentlich sichtbar ist die Vorlage erst, wenn sie auf der öffentlichen Tagesordnung einer Sitzung "
            "steht, zu der eingeladen ist. Ohne Haken bleibt sie dem Rat vorbehalten."
        ),
    )
    originator_persons = forms.Field(required=False)  # replaced in __init__
    originator_organizations = forms.Field(required=False)
    under_direction_of = forms.Field(required=False)
    related_references = forms.CharField(
        label=_("Verwandte Vorlagen"),
        required=False,
        max_length=2000,
        help_text=_("Drucksachennummern, durch Komma getrennt"),
    )
    superordinated_references = forms.CharField(
        label=_("Übergeordnete Vorlagen"),
        required=False,
        max_length=2000,
        help_text=_("Drucksachennummern, durch Komma getrennt, z. B. die Vorlage, die diese ergänzt"),
    )

    def __init__(self, *args: Any, body: Body, paper: Paper | None = None, **kwargs: Any) -> None:
        self.body = body
        self.paper = paper
        if paper is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": paper.name,
                "paper_type": paper.paper_type,
                "reference": paper.reference,
                "date": paper.date,
                "public": paper.public,
                "originator_persons": list(paper.originator_persons.filter(deleted=False)),
                "originator_organizations": list(paper.originator_organizations.filter(deleted=False)),
                "under_direction_of": list(paper.under_direction_of.filter(deleted=False)),
                "related_references": ", ".join(
                    paper.related_papers.filter(deleted=False).order_by("reference").values_list("reference", flat=True)
                ),
                "superordinated_references": ", ".join(
                    paper.superordinated_papers.filter(deleted=False)
                    .order_by("reference")
                    .values_list("reference", flat=True)
                ),
            }
        super().__init__(*args, **kwargs)
        persons = Person.objects.filter(body=body, deleted=False)
        organizations = Organization.objects.filter(body=body, deleted=False)
        self.fields["originator_persons"] = _checkboxes(persons, _("eingebracht von (Personen)"))
        self.fields["originator_organizations"] = _checkboxes(
            organizations, _("eingebracht von (Gremien, Fraktionen, Verwaltung)")
        )
        self.fields["under_direction_of"] = _checkboxes(organizations, _("federführend"))
        if paper is not None:
            self.fields["reference"].required = True
            self.fields["reference"].help_text = _("Die Nummer muss in Ihrer Kommune eindeutig sein.")
        # Keep the order of the fields as declared (the replaced ones moved to the end).
        order = [
            "name",
            "paper_type",
            "reference",
            "date",
            "public",
            "originator_persons",
            "originator_organizations",
            "under_direction_of",
            "related_references",
            "superordinated_references",
        ]
        self.order_fields(order)

    def _papers(self, field: str) -> list[int]:
        raw = self.cleaned_data.get(field) or ""
        references = [r.strip() for r in re.split(r"[,;\n]", raw) if r.strip()]
        if len(references) > MAX_REFERENCES:
            raise forms.ValidationError(_("Bitte höchstens %(n)s Nummern.") % {"n": MAX_REFERENCES})
        found = dict(
            Paper.objects.filter(body=self.body, deleted=False, reference__in=references).values_list("reference", "pk")
        )
        missing = [r for r in references if r not in found]
        if missing:
            raise forms.ValidationError(
                _("Diese Vorlagen gibt es in Ihrer Kommune nicht: %(refs)s") % {"refs": ", ".join(missing)}
            )
        return [found[r] for r in references]

    def clean_related_references(self) -> list[int]:
        return self._papers("related_references")

    def clean_superordinated_references(self) -> list[int]:
        return self._papers("superordinated_references")

    def add_service_error(self, exc: DomainError) -> None:
        """A service's DomainError at the field it names (the services name the paper lists, the form asks for
        their references)."""
        field = {"related_papers": "related_references", "superordinated_papers": "superordinated_references"}.get(
            exc.field or "", exc.field
        )
        self.add_error(field if field in self.fields else None, exc.message)

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the paper services take them."""
        data = dict(self.cleaned_data)
        data["related_papers"] = data.pop("related_references")
        data["superordinated_papers"] = data.pop("superordinated_references")
        return data


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Datei"),
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
            "invalid": _("Bitte wählen Sie eine Datei aus."),
        },
    )
    role = forms.ChoiceField(
        label=_("Art"),
        choices=[(FileRole.MAIN.value, FileRole.MAIN.label), (FileRole.AUXILIARY.value, FileRole.AUXILIARY.label)],
        initial=FileRole.AUXILIARY,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Bezeichnung"), required=False, max_length=300, help_text=_("leer lassen: der Dateiname")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = max_upload_bytes() / (1024 * 1024)
        self.fields["file"].help_text = _(
            "PDF, ODT, DOCX, XLSX, PNG oder JPEG, höchstens %(mb)s MB. PDFs mit JavaScript oder Verschlüsselung "
            "werden nicht angenommen."
        ) % {"mb": f"{limit:.0f}"}


class ConsultationForm(forms.Form):
    organizations = forms.Field(required=False)  # replaced in __init__
    role = forms.ChoiceField(label=_("Beratung zur"), choices=[("", _("– bitte wählen –")), *ConsultationRole.choices])
    authoritative = forms.BooleanField(label=_("beschließend (das Gremium entscheidet)"), required=False)

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _checkboxes(Organization.objects.filter(body=body, deleted=False), _("Gremien"), _("mindestens eines"))
        field.required = True
        field.error_messages["required"] = _("Bitte wählen Sie mindestens ein Gremium.")
        self.fields["organizations"] = field
        self.order_fields(["organizations", "role", "authoritative"])
