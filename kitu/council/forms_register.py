"""Forms of the council register (settings, terms, organizations, persons, memberships, locations) and
of switching the system on. They parse input only; the rules live in services/register.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT
from kitu.core.schemas import MAX_ID

from .models import Body, Gender, Organization, OrganizationType, Person
from .services.register import MAX_INVITATION_DAYS, council_member_users, parse_status


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A choice by id; an id no database column can hold is an invalid choice (not a 500)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip().isdigit() and int(value) > MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def _date(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_INPUT,
        error_messages={
            "invalid": _("Geben Sie das Datum im Format TT.MM.JJJJ ein, z. B. 1.7.2024."),
            "required": _("Geben Sie das Datum im Format TT.MM.JJJJ ein, z. B. 1.7.2024."),
        },
    )


class BodyEnableForm(forms.Form):
    slug = forms.SlugField(
        label=_("Kennung"),
        max_length=50,
        error_messages={
            "required": _("Geben Sie eine Kennung ein, z. B. wernigerode."),
            "invalid": _("Nur Kleinbuchstaben, Ziffern und Bindestriche, z. B. bad-harzburg."),
        },
        help_text=_(
            "Kleinbuchstaben, z. B. wernigerode; sie steht in den Adressen /rat/… und der OParl-Schnittstelle "
            "und bleibt fest"
        ),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("z. B. Stadt Wernigerode"),
        error_messages={"required": _("Geben Sie den Namen der Kommune ein, z. B. Stadt Wernigerode.")},
    )


class BodySettingsForm(forms.Form):
    invitation_days = forms.IntegerField(
        label=_("Ladungsfrist (Tage)"),
        error_messages={"required": _("Geben Sie die Ladungsfrist in Tagen ein, z. B. 7.")},
        min_value=1,
        max_value=MAX_INVITATION_DAYS,
        help_text=_("nach der Geschäftsordnung: so viele volle Tage vor der Sitzung muss die Einladung zugehen"),
    )
    contact_name = forms.CharField(label=_("Ansprechpartner"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Kontakt-E-Mail"), required=False)
    website = forms.URLField(label=_("Website der Kommune"), max_length=200, required=False, assume_scheme="https")
    license = forms.URLField(
        label=_("Lizenz der veröffentlichten Daten"),
        assume_scheme="https",
        max_length=200,
        required=False,
        help_text=_("die Adresse des Lizenztexts; Standard ist Creative Commons BY 4.0"),
    )

    @classmethod
    def for_body(cls, body: Body, data: Any = None) -> BodySettingsForm:
        initial = {
            "invitation_days": body.invitation_days,
            "contact_name": body.contact_name,
            "contact_email": body.contact_email,
            "website": body.website,
            "license": body.license,
        }
        return cls(data, initial=initial)


class TermForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=100,
        help_text=_("z. B. Wahlperiode 2024–2029"),
        error_messages={"required": _("Geben Sie die Bezeichnung ein, z. B. Wahlperiode 2024–2029.")},
    )
    start_date = _date(_("Beginn"), required=True)
    end_date = _date(_("Ende"))


class OrganizationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("z. B. Bau- und Umweltausschuss"),
        error_messages={"required": _("Geben Sie den Namen des Gremiums ein.")},
    )
    short_name = forms.CharField(label=_("Kurzname"), max_length=50, required=False, help_text=_("z. B. BUA"))
    organization_type = forms.ChoiceField(label=_("Art"), choices=[("", _("Bitte wählen")), *OrganizationType.choices])
    classification = forms.CharField(
        label=_("Einordnung"),
        max_length=100,
        required=False,
        help_text=_("z. B. Stadtrat, Ausschuss, Ortschaftsrat, Fraktion, Dezernat"),
    )
    sub_organization_of = BoundedModelChoiceField(
        label=_("Teil von"), queryset=Organization.objects.none(), required=False, empty_label=_("keinem")
    )
    start_date = _date(_("Beginn"))
    end_date = _date(_("Ende"))
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")

    def __init__(self, *args: Any, body: Body, instance: Organization | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "short_name": instance.short_name,
                    "organization_type": instance.organization_type,
                    "classification": instance.classification,
                    "sub_organization_of": instance.sub_organization_of_id,
                    "start_date": instance.start_date,
                    "end_date": instance.end_date,
                    "website": instance.website,
                },
            )
        super().__init__(*args, **kwargs)
        choices = Organization.objects.filter(body=body, deleted=False)
        if instance is not None:
            choices = choices.exclude(pk=instance.pk)
        self.fields["sub_organization_of"].queryset = choices  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    form_of_address = forms.CharField(label=_("Anrede"), max_length=50, required=False, help_text=_("z. B. Frau"))
    title = forms.CharField(label=_("Titel"), max_length=100, required=False, help_text=_("z. B. Dr."))
    given_name = forms.CharField(
        label=_("Vorname"), max_length=100, error_messages={"required": _("Geben Sie den Vornamen ein.")}
    )
    family_name = forms.CharField(
        label=_("Familienname"), max_length=100, error_messages={"required": _("Geben Sie den Familiennamen ein.")}
    )
    affix = forms.CharField(label=_("Namenszusatz"), max_length=50, required=False, help_text=_("z. B. MdL"))
    gender = forms.ChoiceField(label=_("Geschlecht"), choices=Gender.choices, required=False)
    status = forms.CharField(
        label=_("Status"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("z. B. Ratsmitglied, Oberbürgermeister; mehrere durch Komma oder je eine Zeile"),
    )
    email = forms.EmailField(label=_("E-Mail"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    # The consent note is part of the label: a checkbox's hint wraps badly next to it on phones.
    contact_public = forms.BooleanField(
        label=_("E-Mail und Telefon veröffentlichen (nur mit schriftlicher Einwilligung der Person)"),
        required=False,
    )
    user = BoundedModelChoiceField(
        label=_("Zugang als Ratsmitglied"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("kein Zugang"),
        help_text=_(
            "nur Benutzer/innen mit der Rolle „Ratsmitglied“ dieser Kommune; die Rolle vergibt die "
            "Administration des Mitglieds"
        ),
    )

    def __init__(self, *args: Any, body: Body, instance: Person | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "form_of_address": instance.form_of_address,
                    "title": instance.title,
                    "given_name": instance.given_name,
                    "family_name": instance.family_name,
                    "affix": instance.affix,
                    "gender": instance.gender,
                    "status": ", ".join(instance.status or []),
                    "email": instance.email,
                    "phone": instance.phone,
                    "contact_public": instance.contact_public,
                    "user": instance.user_id,
                },
            )
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = council_member_users(body)
        # Logins already tied to another person say so (the service refuses them).
        others = Person.objects.filter(user__in=field.queryset)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        taken = {p.user_id: p.name for p in others}

        def label(user: Any) -> str:
            text = f"{user.full_name} ({user.email})" if user.full_name else user.email
            if user.pk in taken:
                text += " – " + _("gehört zu %(name)s") % {"name": taken[user.pk]}
            return str(text)

        field.label_from_instance = label  # type: ignore[method-assign,assignment]

    def clean_status(self) -> list[str]:
        return parse_status(self.cleaned_data.get("status") or "")


class MembershipForm(forms.Form):
    person = BoundedModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={"required": _("Wählen Sie die Person aus.")},
    )
    organization = BoundedModelChoiceField(
        label=_("Gremium"),
        queryset=Organization.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages={"required": _("Wählen Sie das Gremium aus.")},
    )
    role = forms.CharField(
        label=_("Rolle"), max_length=100, required=False, help_text=_("z. B. Vorsitz, Mitglied, Stellvertretung")
    )
    voting_right = forms.BooleanField(label=_("stimmberechtigt"), required=False, initial=True)
    on_behalf_of = BoundedModelChoiceField(
        label=_("für die Fraktion"), queryset=Organization.objects.none(), required=False, empty_label=_("keine")
    )
    start_date = _date(_("Beginn"))
    end_date = _date(_("Ende"))

    def __init__(self, *args: Any, body: Body, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "person": instance.person_id,
                    "organization": instance.organization_id,
                    "role": instance.role,
                    "voting_right": instance.voting_right,
                    "on_behalf_of": instance.on_behalf_of_id,
                    "start_date": instance.start_date,
                    "end_date": instance.end_date,
                },
            )
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.filter(body=body, deleted=False)
        self.fields["person"].queryset = Person.objects.filter(body=body, deleted=False)  # type: ignore[attr-defined]
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["on_behalf_of"].queryset = organizations.filter(  # type: ignore[attr-defined]
            organization_type=OrganizationType.GROUP
        )


class LocationForm(forms.Form):
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=200,
        help_text=_("z. B. Rathaus, Großer Sitzungssaal"),
        error_messages={"required": _("Geben Sie eine Beschreibung ein, z. B. Rathaus, Großer Sitzungssaal.")},
    )
    street_address = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    room = forms.CharField(label=_("Raum"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postleitzahl"), max_length=10, required=False)
    locality = forms.CharField(label=_("Ort"), max_length=100, required=False)
    sub_locality = forms.CharField(label=_("Ortsteil"), max_length=100, required=False)
    lat = forms.CharField(label=_("Breite"), max_length=20, required=False, help_text=_("z. B. 51.8352"))
    lon = forms.CharField(label=_("Länge"), max_length=20, required=False, help_text=_("z. B. 10.7853"))

    def __init__(
        self, *args: Any, instance: Any = None, point: tuple[float, float] | None = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "description": instance.description,
                    "street_address": instance.street_address,
                    "room": instance.room,
                    "postal_code": instance.postal_code,
                    "locality": instance.locality,
                    "sub_locality": instance.sub_locality,
                    "lat": point[0] if point else "",
                    "lon": point[1] if point else "",
                },
            )
        super().__init__(*args, **kwargs)


class SetupSearchForm(forms.Form):
    q = forms.CharField(label=_("Mitglied suchen"), max_length=100, required=False)
