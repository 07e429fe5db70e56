import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from kitu.accounts.models import Organisation
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.members import services
from kitu.members.models import EventKind, Member

pytestmark = pytest.mark.django_db
D = dt.date


def test_coop_admin_records_application_and_admission_through_forms(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    response = client.post(
        reverse("members:create"),
        {
            "name": "Stadt Halberstadt",
            "member_type": "stadt",
            "street": "Holzmarkt 1",
            "postcode": "38820",
            "city": "Halberstadt",
            "application_date": "2026-03-01",
            "council_resolution_date": "2026-02-12",
        },
    )
    member = Member.objects.get(organisation__name="Stadt Halberstadt")
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[member.pk])
    admission = {"kind": "admission", "effective_date": "2026-04-01", "share_delta": "2"}
    confirm = client.post(reverse("members:event_add", args=[member.pk]), admission)
    assert confirm.status_code == 200 and "Mitgliedsnummer 59 wird vergeben" in confirm.content.decode()
    assert Member.objects.get(pk=member.pk).member_number is None
    response = client.post(
        reverse("members:event_add", args=[member.pk]),
        {**admission, "expected_number": "59", CONFIRM_FIELD: CONFIRM_VALUE},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.member_number, member.joined_on) == (59, D(2026, 4, 1))
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Zulassung" in page and "Mitgliedsnummer 59" in page


def test_form_errors_name_the_field_and_change_nothing(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    count = Member.objects.count()
    response = client.post(
        reverse("members:create"),
        {
            "name": "Stadt X",
            "member_type": "stadt",
            "street": "A 1",
            "postcode": "1234",
            "city": "X",
            "application_date": "2026-03-01",
            "council_resolution_date": "2026-02-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"postcode": ["Die Postleitzahl hat 5 Ziffern."]}
    assert Member.objects.count() == count
    member = world["zeitz"]
    events = member.events.count()
    response = client.post(
        reverse("members:event_add", args=[member.pk]),
        {"kind": "settlement_paid", "effective_date": "2026-01-01", "amount": "10"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "effective_date": ["Die Auszahlung ist erst nach dem Ausscheiden möglich."]
    }
    assert member.events.count() == events


def test_notice_through_form_shows_computed_exit(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    member = world["zeitz"]
    client.post(reverse("members:event_add", args=[member.pk]), {"kind": "notice", "effective_date": "2026-09-30"})
    member.refresh_from_db()
    assert member.left_on == D(2026, 12, 31)
    assert member.events.get(kind=EventKind.NOTICE).exit_date == D(2026, 12, 31)


def test_member_admin_edits_invoice_email_but_sees_no_name_field(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("member_admin")
    member = world["wernigerode"]
    page = client.get(reverse("members:edit", args=[member.pk]))
    assert list(page.context["form"].fields) == ["invoice_email", "phone", "website"]
    response = client.post(
        reverse("members:edit", args=[member.pk]), {"invoice_email": "rechnung@wernigerode.example", "name": "Hack"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.invoice_email, member.name) == ("rechnung@wernigerode.example", "Stadt Wernigerode")


def _history(world: dict[str, Any]) -> None:
    admin = world["admin"]
    services.shares_change(actor=admin, member=world["wernigerode"], effective_date=D(2020, 1, 1), delta=2)
    services.notice_record(actor=admin, member=world["zeitz"], received_on=D(2022, 6, 1))
    services.exit_record(actor=admin, member=world["zeitz"], effective_date=D(2022, 12, 31))


def test_register_as_of_past_dates(world: dict[str, Any], client_for: Any) -> None:
    _history(world)
    client = client_for("coop_admin")
    rows = client.get(reverse("members:register"), {"as_of": "2012-12-31"}).context["rows"]
    assert rows == []
    rows = client.get(reverse("members:register"), {"as_of": "2019-06-30"}).context["rows"]
    assert [(r.member_number, r.name, r.shares, r.exit_date) for r in rows] == [
        (25, "Stadt Wernigerode", 1, None),
        (58, "Stadt Zeitz", 1, None),
    ]
    rows = client.get(reverse("members:register"), {"as_of": "2022-07-01"}).context["rows"]
    assert [(r.member_number, r.shares, r.exit_date) for r in rows] == [(25, 3, None), (58, 1, D(2022, 12, 31))]
    rows = client.get(reverse("members:register"), {"as_of": "2023-01-01"}).context["rows"]
    assert [r.member_number for r in rows] == [25]
    rows = client.get(reverse("members:register"), {"as_of": "2023-01-01", "include_former": "on"}).context["rows"]
    assert [(r.member_number, r.left_on) for r in rows] == [(25, None), (58, D(2022, 12, 31))]


def test_register_exports(world: dict[str, Any], client_for: Any) -> None:
    _history(world)
    client = client_for("contract_manager")
    csv = client.get(reverse("members:register"), {"as_of": "2022-07-01", "format": "csv"})
    assert csv["Content-Disposition"] == 'attachment; filename="mitgliederliste-2022-07-01.csv"'
    lines = b"".join(csv.streaming_content).decode().splitlines()  # streamed (issue 23.4)
    assert lines[1] == "25;Stadt Wernigerode;Markt 1, 38855 Wernigerode;Stadt;01.09.2013;3;5000.00;;"
    assert lines[2] == "58;Stadt Zeitz;Markt 1, 38855 Zeitz;Stadt;01.10.2018;1;5000.00;31.12.2022;"
    xlsx = client.get(reverse("members:register"), {"as_of": "2022-07-01", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A3"].value == 25 and sheet["F3"].value == 3 and sheet["B4"].value == "Stadt Zeitz"
    pdf = client.get(reverse("members:register"), {"as_of": "2022-07-01", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("members:register"), {"format": "doc"}).status_code == 404


def test_member_list_command(world: dict[str, Any]) -> None:
    _history(world)
    out = io.StringIO()
    call_command("member_list", "--as-of", "2023-01-01", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("25;Stadt Wernigerode;")


HOSTILE_NAME = '=HYPERLINK("http://x","y")'


def _hostile(world: dict[str, Any]) -> None:
    Organisation.objects.filter(pk=world["wernigerode"].organisation_id).update(name=HOSTILE_NAME)
    Member.objects.filter(pk=world["zeitz"].pk).update(street="-2+3")


def test_register_exports_neutralise_formulas(world: dict[str, Any], client_for: Any) -> None:
    _hostile(world)
    client = client_for("coop_admin")
    streamed = client.get(reverse("members:register"), {"as_of": "2022-07-01", "format": "csv"})
    text = b"".join(streamed.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][:3] == ["25", "'" + HOSTILE_NAME, "Markt 1, 38855 Wernigerode"]
    assert rows[1][5:7] == ["1", "5000.00"]
    assert rows[2][2] == "'-2+3, 38855 Zeitz"
    xlsx = client.get(reverse("members:register"), {"as_of": "2022-07-01", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert (sheet["B3"].value, sheet["B3"].data_type) == ("'" + HOSTILE_NAME, "s")
    assert (sheet["C4"].value, sheet["C4"].data_type) == ("'-2+3, 38855 Zeitz", "s")
    assert (sheet["A3"].value, sheet["F3"].value, sheet["G3"].value) == (25, 1, 5000)
    assert sheet["G3"].data_type == "n" and sheet["E3"].is_date


def test_member_list_command_neutralises_formulas(world: dict[str, Any]) -> None:
    _hostile(world)
    out = io.StringIO()
    call_command("member_list", "--as-of", "2023-01-01", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[1] == [
        "25",
        "'" + HOSTILE_NAME,
        "Markt 1, 38855 Wernigerode",
        "Stadt",
        "01.09.2013",
        "1",
        "5000.00",
        "",
        "",
    ]


def test_statistics_chart_and_table(world: dict[str, Any], client_for: Any) -> None:
    _history(world)
    response = client_for("coop_admin").get(reverse("members:statistics"))
    page = response.content.decode()
    assert '<svg class="kitu-chart"' in page and 'role="img"' in page
    labels = response.context["labels"]
    assert labels[0] == "2013" and labels[-2] == "2025"
    table = dict(response.context["table"])
    assert table["Stadt"][labels.index("2013")] == 1
    assert table["Stadt"][labels.index("2019")] == 2
    assert table["Stadt"][labels.index("2023")] == 1


def test_member_list_search_and_htmx_fragment(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    page = client.get(reverse("members:list"), {"q": "Zeitz"})
    assert [m.name for m in page.context["page"]] == ["Stadt Zeitz"]
    fragment = client.get(reverse("members:list"), {"q": "58"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "Stadt Zeitz" in fragment.content.decode()
