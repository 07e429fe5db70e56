"""Governance of the cooperative: bodies, representatives, general assemblies, resolutions and votes (issue 22).

Secret votes: a :class:`Ballot` holds a choice and a hash of the voter's receipt, never the member; a
:class:`Participation` holds who took part, never the choice of a secret poll (docs/governance.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.members.models import Member

from .rules import Majority, PollStatus


class Body(models.TextChoices):
    ASSEMBLY = "assembly", _("Generalversammlung")
    BOARD = "board", _("Vorstand")
    SUPERVISORY = "supervisory", _("Aufsichtsrat")


class BodyFunction(models.TextChoices):
    CHAIR = "chair", _("Vorsitz")
    DEPUTY = "deputy", _("stellvertretender Vorsitz")
    MEMBER = "member", _("Mitglied")


class BodyMember(models.Model):
    """A person on the board or the supervisory board for a term."""

    body = models.CharField(_("Organ"), max_length=20, choices=[c for c in Body.choices if c[0] != Body.ASSEMBLY])
    full_name = models.CharField(_("Name"), max_length=150)
    function = models.CharField(_("Funktion"), max_length=20, choices=BodyFunction.choices)
    affiliation = models.CharField(_("Mitglied / Herkunft"), max_length=200, blank=True)
    term_start = models.DateField(_("Amtszeit ab"))
    term_end = models.DateField(_("Amtszeit bis"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["body", "function", "full_name"]
        verbose_name = _("Organmitglied")
        verbose_name_plural = _("Organmitglieder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="governance_term_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_function_display()}, {self.get_body_display()})"


class Representative(models.Model):
    """A user who acts and votes for a member in the general assembly, named by the member admin with a
    document of authority (Vollmacht)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations")
    authority = models.FileField(_("Vollmacht"), upload_to="governance/authority/%Y/")
    authority_name = models.CharField(_("Dateiname"), max_length=200)
    named_at = models.DateTimeField(_("benannt am"), auto_now_add=True)

    class Meta:
        ordering = ["member__organisation__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["member", "user"], name="governance_representative_unique")]
        verbose_name = _("Vertretung")
        verbose_name_plural = _("Vertretungen")

    def __str__(self) -> str:
        return f"{self.user} für {self.member}"


class AssemblyMode(models.TextChoices):
    IN_PERSON = "in_person", _("Präsenzversammlung")
    VIRTUAL = "virtual", _("virtuelle Versammlung")
    HYBRID = "hybrid", _("hybride Versammlung")


class Assembly(models.Model):
    title = models.CharField(_("Bezeichnung"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    mode = models.CharField(_("Form"), max_length=20, choices=AssemblyMode.choices, default=AssemblyMode.IN_PERSON)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    online_url = models.URLField(_("Zugang (online)"), blank=True)
    chair = models.CharField(_("Versammlungsleitung"), max_length=150, blank=True)
    invited_at = models.DateTimeField(_("eingeladen am"), null=True, blank=True)
    invited_late = models.BooleanField(_("Einladungsfrist unterschritten"), default=False)
    minutes = models.FileField(_("Protokoll (unterschrieben)"), upload_to="governance/minutes/%Y/", blank=True)
    minutes_signed_by = models.CharField(_("unterschrieben von"), max_length=150, blank=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    cancel_reason = models.CharField(_("Grund der Absage"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        # the API list, newest first (ties by id)
        indexes = [models.Index(fields=["-starts_at", "-id"], name="governance_assembly_newest_idx")]
        verbose_name = _("Generalversammlung")
        verbose_name_plural = _("Generalversammlungen")

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("TOP"))
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Erläuterung"), blank=True)
    # set when the item or its documents change after the invitation went out: the statutory period restarts
    changed_at = models.DateTimeField(_("nach der Einladung geändert am"), null=True, blank=True)

    class Meta:
        ordering = ["assembly", "position"]
        constraints = [models.UniqueConstraint(fields=["assembly", "position"], name="governance_agenda_position")]
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")

    def __str__(self) -> str:
        return f"TOP {self.position}: {self.title}"


class DocumentKind(models.TextChoices):
    ANNUAL_ACCOUNTS = "annual_accounts", _("Jahresabschluss")
    MANAGEMENT_REPORT = "management_report", _("Lagebericht")
    AUDIT_REPORT = "audit_report", _("Prüfungsbericht")
    OTHER = "other", _("sonstige Unterlage")


class AgendaDocument(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("Art"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("Datei"), upload_to="governance/documents/%Y/")
    name = models.CharField(_("Dateiname"), max_length=200)

    class Meta:
        ordering = ["item", "kind", "name"]
        verbose_name = _("Unterlage")
        verbose_name_plural = _("Unterlagen")

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """One invitation mail to one representative (the background job writes them; sent twice never)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("E-Mail"))
    sent_at = models.DateTimeField(_("versandt am"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assembly", "email"], name="governance_invitation_once")]

    def __str__(self) -> str:
        return f"{self.email} ({self.assembly_id})"


class AttendanceKind(models.TextChoices):
    PRESENT = "present", _("anwesend")
    REPRESENTED = "represented", _("vertreten (Vollmacht)")


class Attendance(models.Model):
    """A member's registration for an assembly and, once checked in, its presence — in person by its own
    representative or by proxy through another member's representative."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("Teilnahme"), max_length=20, choices=AttendanceKind.choices)
    checked_in = models.BooleanField(_("anwesend festgestellt"), default=False)
    registered_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)

    class Meta:
        ordering = ["assembly", "member__organisation__name"]
        constraints = [models.UniqueConstraint(fields=["assembly", "member"], name="governance_attendance_once")]
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")

    def __str__(self) -> str:
        return f"{self.member} – {self.get_kind_display()}"


class Procedure(models.TextChoices):
    AT_ASSEMBLY = "at_assembly", _("in der Versammlung")
    WRITTEN = "written", _("schriftlich/elektronisch vor der Versammlung")


class Resolution(models.Model):
    """A motion of a body and, for the assembly, its poll (draft → open → closed → counted)."""

    body = models.CharField(_("Organ"), max_length=20, choices=Body.choices, default=Body.ASSEMBLY)
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="resolutions", null=True, blank=True)
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(_("Beschlussgegenstand"), max_length=300)
    text = models.TextField(_("Beschlussvorschlag"), blank=True)
    rule = models.CharField(
        _("Mehrheit"),
        max_length=20,
        choices=[
            (Majority.SIMPLE.value, _("einfache Mehrheit")),
            (Majority.THREE_QUARTERS.value, _("Dreiviertelmehrheit der abgegebenen Stimmen")),
        ],
        default=Majority.SIMPLE.value,
    )
    secret = models.BooleanField(_("geheime Abstimmung"), default=False)
    procedure = models.CharField(
        _("Verfahren"), max_length=20, choices=Procedure.choices, default=Procedure.AT_ASSEMBLY
    )
    status = models.CharField(
        _("Stand"),
        max_length=20,
        choices=[
            (PollStatus.DRAFT.value, _("in Vorbereitung")),
            (PollStatus.OPEN.value, _("Abstimmung läuft")),
            (PollStatus.CLOSED.value, _("Abstimmung geschlossen")),
            (PollStatus.COUNTED.value, _("ausgezählt")),
        ],
        default=PollStatus.DRAFT.value,
    )
    yes = models.PositiveIntegerField(_("Ja"), default=0)
    no = models.PositiveIntegerField(_("Nein"), default=0)
    abstain = models.PositiveIntegerField(_("Enthaltung"), default=0)
    adopted = models.BooleanField(_("angenommen"), null=True, blank=True)
    decided_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    document = models.FileField(_("unterschriebener Beschluss"), upload_to="governance/resolutions/%Y/", blank=True)
    document_name = models.CharField(_("Dateiname"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["-decided_on", "assembly", "agenda_item__position", "pk"]
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")

    def __str__(self) -> str:
        return self.title


class Choice(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nein")
    ABSTAIN = "abstain", _("Enthaltung")


class Participation(models.Model):
    """That a member voted on a poll (one row per member: one member, one vote). ``choice`` only for open
    polls; for a secret poll it stays empty and the choice lives in unlinkable :class:`Ballot` rows."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveSmallIntegerField(_("Stimmen"), default=1)
    choice = models.CharField(_("Stimme"), max_length=10, choices=Choice.choices, blank=True)
    by_proxy = models.BooleanField(_("durch Vollmacht"), default=False)
    receipt = models.CharField(_("Quittung"), max_length=40, blank=True)  # open polls only
    voted_at = models.DateTimeField(_("abgestimmt am"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resolution", "member"], name="governance_one_vote")]
        verbose_name = _("Stimmabgabe")
        verbose_name_plural = _("Stimmabgaben")

    def __str__(self) -> str:  # never the choice: the audit trail shows this text for every vote
        return f"Stimmabgabe {self.member} zu Beschluss {self.resolution_id}"


class Ballot(models.Model):
    """One vote of a secret poll: the choice and the hash of the receipt, nothing else (no member, no user, no
    time; a random id so that the order of rows says nothing). A member with several votes has as many rows,
    each keyed by its own hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    key_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("Stimmzettel")
        verbose_name_plural = _("Stimmzettel")

    def __str__(self) -> str:  # never the choice
        return "Stimmzettel"


class ExtraVotes(models.Model):
    """Multiple votes the statutes grant a member (used only when KITU_GOVERNANCE MULTIPLE_VOTES is on)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveSmallIntegerField(_("Stimmen"))

    def __str__(self) -> str:
        return f"{self.member}: {self.votes}"
