from decimal import Decimal

from django.template import Context, Template


def render(source: str, **context: object) -> str:
    return Template("{% load kitu %}" + source).render(Context(context))


def test_unit_filter() -> None:
    assert render("{{ q|unit:code }}", q=3, code="C62") == "3 Stück"
    assert render("{{ q|unit:'MON' }}", q=1) == "1 Monat"
    assert render("{{ q|unit:'IE' }}", q=Decimal("33130.0000")) == "33.130 Einwohner"
    assert render("{{ q|unit:'ZZZ' }}", q=2) == "2 ZZZ"
    assert render("{{ q|unit:'C62' }}", q=None) == ""
    assert render("{{ 'DAY'|unit_name:5 }} {{ 'DAY'|unit_name }}") == "Tage Tag"


def test_number_filters() -> None:
    assert render("{{ v|num }}", v=33130) == "33.130"
    assert render("{{ v|num:2 }}", v=Decimal("1234.5")) == "1.234,50"
    assert render("{{ v|num }}", v=None) == ""
    assert render("{{ v|eur }}", v=Decimal("1234.5")) == "1.234,50\u00a0€"
    assert render("{{ v|seconds }}", v=0.147098) == "0,1 s"
    assert render("{{ v|counted:'Arbeitsplatz' }}", v=140) == "140 Arbeitsplätze"


def test_eclass_filter_escapes_and_names() -> None:
    assert render("{{ c|eclass }}", c="19030104") == 'Notebook <span class="kitu-code">(ECLASS 19-03-01-04)</span>'
    assert render("{{ c|eclass }}", c="<b>") == '<span class="kitu-code">ECLASS &lt;b&gt;</span>'
    assert render("{{ c|eclass_label }}", c="24300701") == (
        "Multifunktionsgerät (Drucken, Kopieren, Scannen) (ECLASS 24-30-07-01)"
    )


def test_status_badge() -> None:
    assert render('{% status_badge "order" s %}', s="pending") == (
        '<span class="kern-badge kern-badge--warning" data-status="pending">'
        '<span class="kern-label">wartet auf Freigabe</span></span>'
    )
    assert render('{% status_badge "contract" "expired" %}') == (
        '<span class="kern-badge" data-status="expired"><span class="kern-label">abgelaufen</span></span>'
    )
    assert render('{% status_badge "invoice" "paid" label="bezahlt am 3.1." small=True %}') == (
        '<span class="kern-badge kern-badge--success kern-badge--small" data-status="paid">'
        '<span class="kern-label">bezahlt am 3.1.</span></span>'
    )
    assert render('{% status_badge "order" s %}', s="<x>") == (
        '<span class="kern-badge" data-status="&lt;x&gt;"><span class="kern-label">&lt;x&gt;</span></span>'
    )
