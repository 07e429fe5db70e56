"""Pages of in-house entities and awards (§ 108 GWB): the office (coop admin) enters and decides, the
contract management reads. Members see an awarded in-house contract like any other contract."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kitu.core import storage
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.money import format_eur

from . import inhouse, inhouse_pdf
from . import inhouse_rules as rules
from .inhouse_forms import AwardForm, DecideForm, EntityForm, InHouseDocumentForm, TurnoverForm, capital_initial
from .models import InHouseAward, InHouseAwardStatus, InHouseEntity
from .policies import can_manage_inhouse, can_read_inhouse

RESULT_WORDS = {
    rules.Result.OK: gettext_lazy("erfüllt (mindestens 85 %)"),
    rules.Result.WARNING: gettext_lazy("erfüllt, mit Warnung (über 80 %, unter 85 %)"),
    rules.Result.BLOCKED: gettext_lazy("nicht erfüllt (höchstens 80 %)"),
    rules.Result.MISSING: gettext_lazy("nicht prüfbar: Zahlen fehlen"),
}
RESULT_TONE = {
    rules.Result.OK: "success",
    rules.Result.WARNING: "warning",
    rules.Result.BLOCKED: "danger",
    rules.Result.MISSING: "danger",
}


def _reader(request: HttpRequest) -> None:
    if not can_read_inhouse(request.user):
        raise DjangoPermissionDenied


def _admin(request: HttpRequest) -> None:
    if not can_manage_inhouse(request.user):
        raise DjangoPermissionDenied


def _entity(request: HttpRequest, entity_id: int) -> InHouseEntity:
    _reader(request)
    try:
        return inhouse.entity_for(request.user, entity_id)
    except NotFound as exc:
        raise Http404 from exc


def _award(request: HttpRequest, award_id: int) -> InHouseAward:
    _reader(request)
    try:
        return inhouse.award_for(request.user, award_id)
    except NotFound as exc:
        raise Http404 from exc


def _test_context(assessment: rules.Assessment) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "rows": [{"f": f, "share": inhouse.show_percent(f.share)} for f in assessment.years],
        "share": inhouse.show_percent(assessment.share),
        "result_words": RESULT_WORDS[assessment.result],
        "result_tone": RESULT_TONE[assessment.result],
    }


@login_required
def inhouse_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return render(
        request,
        "contracts/inhouse/list.html",
        {
            "entities": inhouse.entities(request.user),
            "awards": inhouse.awards(request.user).prefetch_related("members"),
            "can_manage": can_manage_inhouse(request.user),
        },
    )


def _entity_page(
    request: HttpRequest, entity: InHouseEntity, turnover_form: TurnoverForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    manager = can_manage_inhouse(request.user)
    year = request.GET.get("jahr", "")
    initial: dict[str, Any] = {}
    existing = entity.turnovers.filter(year=int(year)).first() if year.isdigit() and len(year) == 4 else None
    if existing is not None:
        initial = {
            "year": existing.year,
            "controlling_turnover": existing.controlling_turnover,
            "total_turnover": existing.total_turnover,
            "is_projection": existing.is_projection,
            "note": existing.note,
        }
    turnovers = [
        {"t": t, "share": inhouse.show_percent(rules.percent(t.controlling_turnover, t.total_turnover))}
        for t in entity.turnovers.order_by("-year")
    ]
    context = {
        "entity": entity,
        "turnovers": turnovers,
        "award_year": today.year,
        "actual_years": rules.actual_years(today.year),
        "projection_years": rules.projection_years(today.year),
        "controllers": entity.controlling_members.with_name().order_by("organisation__name"),
        "awards": entity.awards.select_related("contract"),
        "can_manage": manager,
        "turnover_form": (turnover_form or TurnoverForm(initial=initial)) if manager else None,
        **_test_context(rules.assess(inhouse.figures(entity), today.year)),
    }
    return render(request, "contracts/inhouse/entity.html", context, status=status)


@login_required
def entity_detail(request: HttpRequest, entity_id: int) -> HttpResponse:
    return _entity_page(request, _entity(request, entity_id))


def _entity_form(request: HttpRequest, entity: InHouseEntity | None) -> HttpResponse:
    _admin(request)
    initial: dict[str, Any] = {}
    if entity is not None:
        initial = {
            "control_kind": entity.control_kind,
            "controlling_members": list(entity.controlling_members.all()),
            "control_confirmed": entity.control_confirmed,
            "control_note": entity.control_note,
            "private_capital_free": capital_initial(entity.private_capital_free),
            "capital_note": entity.capital_note,
        }
    form = EntityForm(request.POST or None, initial=initial, entity=entity, suppliers=inhouse.free_suppliers())
    if request.method == "POST" and form.is_valid():
        try:
            saved = inhouse.entity_save(actor=request.user, entity=entity, **form.service_data())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Die Einrichtung ist gespeichert."))
            return redirect("contracts:inhouse_entity", entity_id=saved.pk)
    title = _("Inhouse-Einrichtung bearbeiten") if entity else _("Neue Inhouse-Einrichtung")
    back = reverse("contracts:inhouse_entity", args=[entity.pk]) if entity else reverse("contracts:inhouse_list")
    return render(
        request,
        "contracts/inhouse/form.html",
        {"form": form, "title": title, "back": back},
        status=400 if form.is_bound else 200,
    )


@login_required
def entity_create(request: HttpRequest) -> HttpResponse:
    return _entity_form(request, None)


@login_required
def entity_edit(request: HttpRequest, entity_id: int) -> HttpResponse:
    return _entity_form(request, _entity(request, entity_id))


@login_required
@require_POST
def turnover_save(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = _entity(request, entity_id)
    _admin(request)
    form = TurnoverForm(request.POST)
    if form.is_valid():
        try:
            inhouse.turnover_save(actor=request.user, entity=entity, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Die Zahlen für %(year)s sind gespeichert.") % {"year": form.cleaned_data["year"]}
            )
            return redirect(reverse("contracts:inhouse_entity", args=[entity.pk]) + "#h-turnover")
    return _entity_page(request, entity, form, status=400)


@login_required
@require_POST
def turnover_remove(request: HttpRequest, entity_id: int, year: int) -> HttpResponse:
    entity = _entity(request, entity_id)
    _admin(request)
    turnover = entity.turnovers.filter(year=year).first()
    if turnover is None:
        raise Http404
    back = reverse("contracts:inhouse_entity", args=[entity.pk])
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Zahlen für %(year)s löschen?") % {"year": year},
                consequence=_(
                    "Die Umsatzzahlen des Geschäftsjahres %(year)s von %(name)s werden gelöscht. Bereits "
                    "vergebene Inhouse-Vergaben behalten die Zahlen in ihrem Vergabevermerk."
                )
                % {"year": year, "name": entity},
                button=_("Zahlen löschen"),
                action=request.path,
                back=back,
            ),
        )
    inhouse.turnover_remove(actor=request.user, turnover=turnover)
    messages.success(request, _("Die Zahlen für %(year)s sind gelöscht.") % {"year": year})
    return redirect(back + "#h-turnover")


# --- awards -----------------------------------------------------------------------------------------------


def _award_form(request: HttpRequest, award: InHouseAward | None) -> HttpResponse:
    _admin(request)
    if award is not None and award.status != InHouseAwardStatus.DRAFT:
        messages.error(request, _("Eine vergebene Inhouse-Vergabe wird nicht mehr geändert."))
        return redirect("contracts:inhouse_award", award_id=award.pk)
    initial: dict[str, Any] = {}
    if award is not None:
        initial = {
            "number": award.contract.number,
            **{f: getattr(award, f) for f in inhouse.AWARD_FIELDS},
            "members": list(award.members.all()),
        }
    elif request.GET.get("einrichtung", "").isdigit():
        initial = {"entity": request.GET["einrichtung"]}
    form = AwardForm(request.POST or None, initial=initial, editing=award is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = inhouse.award_save(
                actor=request.user,
                award=award,
                entity=data.pop("entity", None),
                number=data.pop("number"),
                members=list(data.pop("members")),
                **data,
            )
        except DomainError as exc:
            field = {"title": "subject"}.get(exc.field or "", exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Die Inhouse-Vergabe ist als Entwurf gespeichert."))
            return redirect("contracts:inhouse_award", award_id=saved.pk)
    title = _("Inhouse-Vergabe bearbeiten") if award else _("Neue Inhouse-Vergabe")
    back = reverse("contracts:inhouse_award", args=[award.pk]) if award else reverse("contracts:inhouse_list")
    return render(
        request,
        "contracts/inhouse/form.html",
        {"form": form, "title": title, "back": back, "select_all": True},
        status=400 if form.is_bound else 200,
    )


@login_required
def award_create(request: HttpRequest) -> HttpResponse:
    return _award_form(request, None)


@login_required
def award_edit(request: HttpRequest, award_id: int) -> HttpResponse:
    return _award_form(request, _award(request, award_id))


def _award_page(
    request: HttpRequest,
    award: InHouseAward,
    *,
    document_form: InHouseDocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manager = can_manage_inhouse(request.user)
    record = inhouse.award_record(award)
    _facts, errors = inhouse.award_check(award) if award.status == InHouseAwardStatus.DRAFT else (None, [])
    activity = record["activity"]
    context = {
        "award": award,
        "record": record,
        "members": award.members.with_name().order_by("organisation__name"),
        "documents": award.documents.all(),
        "errors": errors,
        "assessment": activity,
        "share": inhouse.show_percent(activity["share"]),
        "rows": [{"f": y, "share": inhouse.show_percent(y["share"])} for y in activity["years"]],
        "result_words": RESULT_WORDS[rules.Result(activity["result"])],
        "result_tone": RESULT_TONE[rules.Result(activity["result"])],
        "can_manage": manager,
        "document_form": (document_form or InHouseDocumentForm()) if manager else None,
    }
    return render(request, "contracts/inhouse/award.html", context, status=status)


@login_required
def award_detail(request: HttpRequest, award_id: int) -> HttpResponse:
    return _award_page(request, _award(request, award_id))


@login_required
def award_decide(request: HttpRequest, award_id: int) -> HttpResponse:
    """GET: the test as it stands; POST: refusals (400), else the confirmation page, then the award."""
    award = _award(request, award_id)
    _admin(request)
    if award.status != InHouseAwardStatus.DRAFT:
        messages.error(request, _("Die Inhouse-Vergabe ist bereits vergeben."))
        return redirect("contracts:inhouse_award", award_id=award.pk)
    form = DecideForm(request.POST if request.method == "POST" else None)
    acknowledged = bool(form.is_valid() and form.cleaned_data["warning_acknowledged"])
    facts, errors = inhouse.award_check(award, acknowledged=acknowledged)
    status = 200
    if request.method == "POST":
        if not errors and not confirmed(request):
            return confirmation_page(request, _confirmation(request, award, facts))
        if not errors:
            try:
                inhouse.award_decide(actor=request.user, award=award, acknowledge_warning=acknowledged)
            except DomainError as exc:
                errors = [exc]
            else:
                messages.success(
                    request,
                    _("Die Inhouse-Vergabe %(number)s ist vergeben; die Mitglieder können abrufen.")
                    % {"number": award.contract.number},
                )
                return redirect("contracts:inhouse_award", award_id=award.pk)
        for error in errors:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        status = 400
    context = {
        "award": award,
        "form": form,
        "errors": errors,
        "warning": facts.assessment.result == rules.Result.WARNING,
        "controllers": sorted(m.name for m in award.entity.controlling_members.with_name()),
        **_test_context(facts.assessment),
    }
    return render(request, "contracts/inhouse/decide.html", context, status=status)


def _confirmation(request: HttpRequest, award: InHouseAward, facts: Any) -> Confirmation:
    count = len(facts.served_members)
    return Confirmation(
        title=_("Inhouse-Vergabe %(number)s vergeben?") % {"number": award.contract.number},
        consequence=_(
            "%(entity)s erhält den Auftrag „%(subject)s“ ohne Ausschreibung (§ 108 GWB). Der Rahmenvertrag "
            "wird freigegeben: %(count)s Mitglied(er) können abrufen. Der Vergabevermerk hält die Prüfung mit "
            "heutigem Datum fest. Das lässt sich nicht rückgängig machen."
        )
        % {"entity": award.entity, "subject": award.subject, "count": count},
        button=_("Verbindlich vergeben"),
        action=request.path,
        back=reverse("contracts:inhouse_award", args=[award.pk]),
        facts=[
            (_("Auftragswert"), format_eur(award.value)),
            (_("Laufzeit"), f"{award.starts_on:%d.%m.%Y} – {award.ends_on:%d.%m.%Y}"),
            (_("Tätigkeitsquote"), inhouse.show_percent(facts.assessment.share)),
            (_("Ergebnis"), RESULT_WORDS[facts.assessment.result]),
        ],
        hidden=carried(request.POST),
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, award_id: int) -> HttpResponse:
    award = _award(request, award_id)
    _admin(request)
    form = InHouseDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            inhouse.document_add(actor=request.user, award=award, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Das Dokument ist hochgeladen."))
            return redirect(reverse("contracts:inhouse_award", args=[award.pk]) + "#h-documents")
    return _award_page(request, award, document_form=form, status=400)


@login_required
def document_download(request: HttpRequest, award_id: int, document_id: int) -> HttpResponseBase:
    award = _award(request, award_id)
    document = award.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return storage.hand_over(document.file, filename=document.filename)  # nosniff when streamed


@login_required
def note_pdf(request: HttpRequest, award_id: int) -> HttpResponse:
    award = _award(request, award_id)
    record = inhouse.award_record(award, user=request.user)
    response = HttpResponse(inhouse_pdf.render(record), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{inhouse_pdf.filename(record)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
