"""The council information system (Digitale Gremienarbeit): one Body per member town, with its terms,
bodies (organizations), persons and memberships, papers and their consultations, meetings with agendas,
attendance, results and votes, and files. Names follow OParl 1.1, the standard interface it publishes.

What the public may see (``Visibility`` in selectors.py): an agenda item marked non-public, the papers
consulted there and every file attached to them are visible only to the town's council office and the
councillors of the town, on every surface (pages, search, iCal, OParl, mails to others). Deleting keeps a
tombstone (``deleted``) so that OParl clients learn of it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitu.members.models import Member

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


class OParlObject(models.Model):
    """What every OParl object carries: its times, keywords and the tombstone flag."""

    created = models.DateTimeField(_("angelegt"), auto_now_add=True, db_index=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True, db_index=True)
    keyword = models.JSONField(_("Schlagwörter"), default=list, blank=True)
    deleted = models.BooleanField(_("gelöscht"), default=False)

    class Meta:
        abstract = True


class Body(OParlObject):
    """A member town that runs its council work on the platform (OParl ``Body``); its slug names its
    public pages ``/rat/<slug>/`` and its OParl URLs."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="council_body")
    slug = models.SlugField(_("Kennung"), max_length=50, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=100, blank=True)
    website = models.URLField(_("Website"), blank=True)
    license = models.URLField(_("Lizenz der Daten"), default=DEFAULT_LICENSE)
    license_valid_since = models.DateTimeField(_("Lizenz gültig seit"), null=True, blank=True)
    oparl_since = models.DateTimeField(_("OParl seit"), null=True, blank=True)
    classification = models.CharField(_("Art"), max_length=100, blank=True, default="Stadt")
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    contact_name = models.CharField(_("Kontakt"), max_length=200, blank=True)
    invitation_days = models.PositiveSmallIntegerField(
        _("Ladungsfrist (Tage)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("nach der Geschäftsordnung: so viele volle Tage vor der Sitzung muss die Einladung zugehen"),
    )
    is_enabled = models.BooleanField(_("freigeschaltet"), default=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Ratsinformationssystem einer Kommune")
        verbose_name_plural = _("Ratsinformationssysteme der Kommunen")

    def __str__(self) -> str:
        return self.name


class LegislativeTerm(OParlObject):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("Bezeichnung"), max_length=100)
    start_date = models.DateField(_("Beginn"))
    end_date = models.DateField(_("Ende"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("Wahlperiode")
        verbose_name_plural = _("Wahlperioden")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="council_term_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(OParlObject):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="locations")
    description = models.CharField(_("Beschreibung"), max_length=200)
    street_address = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    sub_locality = models.CharField(_("Ortsteil"), max_length=100, blank=True)
    locality = models.CharField(_("Ort"), max_length=100, blank=True)
    geojson = models.JSONField(_("GeoJSON"), null=True, blank=True)

    class Meta:
        ordering = ["description"]
        verbose_name = _("Ort")
        verbose_name_plural = _("Orte")

    def __str__(self) -> str:
        return self.description


class OrganizationType(models.TextChoices):
    # The values OParl 1.1 suggests for organizationType.
    BODY = "Gremium", _("Gremium")
    GROUP = "Fraktion", _("Fraktion")
    PARTY = "Partei", _("Partei")
    ADMINISTRATION = "Verwaltungsbereich", _("Verwaltungsbereich")
    EXTERNAL = "externes Gremium", _("externes Gremium")
    INSTITUTION = "Institution", _("Institution")
    OTHER = "Sonstiges", _("Sonstiges")


class Organization(OParlObject):
    """A council, committee, parliamentary group or part of the administration."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="organizations")
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=50, blank=True)
    organization_type = models.CharField(
        _("Art"), max_length=30, choices=OrganizationType.choices, default=OrganizationType.BODY
    )
    classification = models.CharField(
        _("Einordnung"), max_length=100, blank=True, help_text=_("z. B. Stadtrat, Ausschuss, Fraktion, Dezernat")
    )
    post = models.JSONField(_("Positionen"), default=list, blank=True)
    sub_organization_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="sub_organizations"
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    website = models.URLField(_("Website"), blank=True)
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("Gremium oder Organisation")
        verbose_name_plural = _("Gremien und Organisationen")

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    FEMALE = "female", _("weiblich")
    MALE = "male", _("männlich")
    OTHER = "other", _("divers")
    UNSPECIFIED = "", _("keine Angabe")


class Person(OParlObject):
    """A councillor, citizen member or member of staff. Phone and e-mail are published only with consent."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="persons")
    family_name = models.CharField(_("Familienname"), max_length=100)
    given_name = models.CharField(_("Vorname"), max_length=100)
    form_of_address = models.CharField(_("Anrede"), max_length=50, blank=True)
    affix = models.CharField(_("Namenszusatz"), max_length=50, blank=True)
    title = models.CharField(_("Titel"), max_length=100, blank=True, help_text=_("z. B. Dr."))
    gender = models.CharField(_("Geschlecht"), max_length=10, choices=Gender.choices, blank=True)
    status = models.JSONField(_("Status"), default=list, blank=True, help_text=_("z. B. Ratsmitglied"))
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    contact_public = models.BooleanField(
        _("Kontakt veröffentlichen"), default=False, help_text=_("nur mit Einwilligung der Person")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_person",
        verbose_name=_("Zugang als Ratsmitglied"),
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.title, self.given_name, self.family_name, self.affix) if part)


class Membership(OParlObject):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=100, blank=True, help_text=_("z. B. Vorsitz, Mitglied"))
    voting_right = models.BooleanField(_("stimmberechtigt"), default=True)
    on_behalf_of = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegated_memberships",
        verbose_name=_("für die Fraktion"),
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "person__family_name"]
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="council_membership_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organization}"


class PaperType(models.TextChoices):
    RESOLUTION = "Beschlussvorlage", _("Beschlussvorlage")
    INFORMATION = "Informationsvorlage", _("Informationsvorlage")
    MOTION = "Antrag", _("Antrag")
    QUESTION = "Anfrage", _("Anfrage")
    NOTICE = "Mitteilung", _("Mitteilung")


class Paper(OParlObject):
    """A paper (Vorlage) with its files, sent through consultations. ``public`` False keeps it and its files
    to the council; it is also never public while consulted on a non-public agenda item."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="papers")
    name = models.CharField(_("Betreff"), max_length=500)
    reference = models.CharField(_("Drucksachennummer"), max_length=50, help_text=_("z. B. BV/0123/2026"))
    date = models.DateField(_("Datum"))
    paper_type = models.CharField(_("Art"), max_length=30, choices=PaperType.choices, default=PaperType.RESOLUTION)
    public = models.BooleanField(_("öffentlich"), default=True)
    related_papers = models.ManyToManyField("self", blank=True, verbose_name=_("verwandte Vorlagen"))
    superordinated_papers = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="subordinated_papers",
        verbose_name=_("übergeordnete Vorlagen"),
    )
    originator_persons = models.ManyToManyField(Person, blank=True, related_name="originated_papers")
    originator_organizations = models.ManyToManyField(Organization, blank=True, related_name="originated_papers")
    under_direction_of = models.ManyToManyField(Organization, blank=True, related_name="directed_papers")
    locations = models.ManyToManyField(Location, blank=True, related_name="papers")
    # Reference, subject and the text of its files, kept by search.refresh_search_text; PostgreSQL
    # searches it through a german full-text index (migration 0002), SQLite by substring.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-date", "-reference"]
        verbose_name = _("Vorlage")
        verbose_name_plural = _("Vorlagen")
        indexes = [models.Index(fields=["body", "modified"]), models.Index(fields=["body", "date"])]
        constraints = [models.UniqueConstraint(fields=["body", "reference"], name="council_paper_reference_unique")]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class MeetingState(models.TextChoices):
    """The steps of a meeting; the public sees the date from ``scheduled``, the public agenda from
    ``invited``, and results and minutes from ``published``."""

    SCHEDULED = "terminiert", _("terminiert")
    INVITED = "eingeladen", _("eingeladen")
    HELD = "durchgeführt", _("durchgeführt")
    PUBLISHED = "veröffentlicht", _("Ergebnisse veröffentlicht")


class Meeting(OParlObject):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    name = models.CharField(_("Bezeichnung"), max_length=200)
    state = models.CharField(_("Stand"), max_length=20, choices=MeetingState.choices, default=MeetingState.SCHEDULED)
    cancelled = models.BooleanField(_("abgesagt"), default=False)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"), null=True, blank=True)
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings")
    organizations = models.ManyToManyField(Organization, related_name="meetings", verbose_name=_("Gremien"))
    invited_at = models.DateTimeField(_("eingeladen am"), null=True, blank=True)
    invitation_late = models.BooleanField(_("Ladungsfrist unterschritten"), default=False)
    invitation_late_reason = models.CharField(_("Grund der verkürzten Ladung"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        indexes = [models.Index(fields=["body", "start"]), models.Index(fields=["body", "modified"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="council_meeting_times"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("anwesend")
    EXCUSED = "excused", _("entschuldigt")
    ABSENT = "absent", _("abwesend")


class Attendance(models.Model):
    """Who was invited to and who attended a meeting (OParl ``participant`` lists those present)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("Anwesenheit"), max_length=10, choices=AttendanceStatus.choices, blank=True)

    class Meta:
        ordering = ["person__family_name", "person__given_name"]
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="council_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class AgendaResult(models.TextChoices):
    ADOPTED = "beschlossen", _("beschlossen")
    ADOPTED_AMENDED = "geändert beschlossen", _("geändert beschlossen")
    REJECTED = "abgelehnt", _("abgelehnt")
    NOTED = "zur Kenntnis genommen", _("zur Kenntnis genommen")
    POSTPONED = "vertagt", _("vertagt")
    WITHDRAWN = "zurückgezogen", _("zurückgezogen")
    REFERRED = "verwiesen", _("verwiesen")


class AgendaItem(OParlObject):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.CharField(_("Nummer"), max_length=20, help_text=_("z. B. 5 oder Ö 5.1"))
    order = models.PositiveIntegerField(_("Reihenfolge"))
    name = models.CharField(_("Gegenstand"), max_length=500)
    public = models.BooleanField(_("öffentlich"), default=True)
    result = models.CharField(_("Ergebnis"), max_length=30, choices=AgendaResult.choices, blank=True)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)
    votes_yes = models.PositiveIntegerField(_("Ja-Stimmen"), null=True, blank=True)
    votes_no = models.PositiveIntegerField(_("Nein-Stimmen"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("Enthaltungen"), null=True, blank=True)
    named_vote = models.BooleanField(_("namentliche Abstimmung"), default=False)
    start = models.DateTimeField(_("Beginn"), null=True, blank=True)
    end = models.DateTimeField(_("Ende"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="council_agenda_order_unique"),
            models.UniqueConstraint(fields=["meeting", "number"], name="council_agenda_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class VoteChoice(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nein")
    ABSTAIN = "abstain", _("Enthaltung")


class Vote(models.Model):
    """One person's vote in a named vote (namentliche Abstimmung)."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("Stimme"), max_length=10, choices=VoteChoice.choices)

    class Meta:
        ordering = ["person__family_name", "person__given_name"]
        verbose_name = _("Stimme")
        verbose_name_plural = _("Stimmen")
        constraints = [models.UniqueConstraint(fields=["agenda_item", "person"], name="council_vote_unique")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_choice_display()}"


class ConsultationRole(models.TextChoices):
    PREPARE = "Vorberatung", _("Vorberatung")
    DECIDE = "Entscheidung", _("Entscheidung")
    NOTE = "Kenntnisnahme", _("Kenntnisnahme")
    HEARING = "Anhörung", _("Anhörung")


class Consultation(OParlObject):
    """A paper's passage through a body: planned with the organizations, then placed on an agenda item."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="consultations")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="consultations"
    )
    organizations = models.ManyToManyField(Organization, related_name="consultations")
    role = models.CharField(
        _("Rolle"), max_length=30, choices=ConsultationRole.choices, default=ConsultationRole.PREPARE
    )
    authoritative = models.BooleanField(_("beschließend"), default=False)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["paper", "order", "pk"]
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungen")

    def __str__(self) -> str:
        return f"{self.paper.reference}: {self.get_role_display()}"


def file_path(instance: models.Model, filename: str) -> str:
    """A fresh random name: the original name is kept in ``file_name``, never in the storage path."""
    return f"council/{uuid.uuid4().hex}"


class FileRole(models.TextChoices):
    MAIN = "main", _("Hauptdokument")
    AUXILIARY = "auxiliary", _("Anlage")
    INVITATION = "invitation", _("Einladung")
    RESULTS_PROTOCOL = "results_protocol", _("Ergebnisprotokoll")
    VERBATIM_PROTOCOL = "verbatim_protocol", _("Wortprotokoll")
    RESOLUTION = "resolution", _("Beschluss")


class File(OParlObject):
    """A document. It belongs to exactly one paper, meeting or agenda item (``role`` says as what), and is
    public exactly when that is."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="files")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    role = models.CharField(_("Art"), max_length=20, choices=FileRole.choices, default=FileRole.AUXILIARY)
    name = models.CharField(_("Bezeichnung"), max_length=300)
    file_name = models.CharField(_("Dateiname"), max_length=255)
    mime_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha512 = models.CharField(max_length=128)
    date = models.DateField(_("Datum"), null=True, blank=True)
    text = models.TextField(_("Text (für die Suche)"), blank=True)
    content = models.FileField(_("Datei"), upload_to=file_path)
    license = models.URLField(_("Lizenz"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Datei")
        verbose_name_plural = _("Dateien")
        indexes = [models.Index(fields=["body", "modified"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(paper__isnull=False, meeting__isnull=True, agenda_item__isnull=True)
                    | Q(paper__isnull=True, meeting__isnull=False, agenda_item__isnull=True)
                    | Q(paper__isnull=True, meeting__isnull=True, agenda_item__isnull=False)
                ),
                name="council_file_one_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PaperNote(models.Model):
    """A councillor's private note on a paper: visible to its author only, never exported or published."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_notes")
    text = models.TextField(_("Notiz"), max_length=10000)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("persönliche Notiz")
        verbose_name_plural = _("persönliche Notizen")
        constraints = [models.UniqueConstraint(fields=["paper", "author"], name="council_note_unique")]

    def __str__(self) -> str:
        return f"{self.paper.reference} ({self.author_id})"
