"""Server-rendered SVG charts: they work without JavaScript, print well and carry a text alternative.
Each chart is shown next to a data table with the same figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from kitu.core.numbers import format_number

# Distinguishable colours with at least 3:1 contrast against white (WCAG 1.4.11).
PALETTE = (
    "#004b87",
    "#c0392b",
    "#1e7b34",
    "#8e44ad",
    "#b35900",
    "#0f6e75",
    "#6b4f1d",
    "#4a4a8a",
    "#a0185f",
    "#3d5a1a",
    "#505050",
)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | float]


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def stacked_bars(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    width: int = 860,
    height: int = 360,
    axis_label: str = "",
) -> SafeString:
    """A stacked bar chart, one bar per category, one colour per series; ``axis_label`` names the value
    axis with its unit, above it ("Mitglieder", "Betrag in €")."""
    left, right, bottom = 64, 12, 44
    top = 32 if axis_label else 16
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = max(totals, default=0) or 1
    step = _nice_step(peak)
    y_max = step * -(-peak // step)
    band = plot_w / max(len(categories), 1)
    bar_w = band * 0.7
    parts = [
        f'<svg class="kitu-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc"><title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>'
    ]
    if axis_label:
        parts.append(f'<text x="{left}" y="14" class="kitu-chart__axis">{escape(axis_label)}</text>')
    tick = 0
    while tick <= y_max:
        y = top + plot_h - plot_h * tick / y_max
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccd3dd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_plain(tick)}</text>')
        tick += step
    for i, category in enumerate(categories):
        x = left + band * i + (band - bar_w) / 2
        base: float = top + plot_h
        for j, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            h = plot_h * value / y_max
            base -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour(j)}">'
                f"<title>{escape(category)}: {escape(s.label)} {_plain(value)}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(category)}</text>'
        )
        if totals[i]:
            total = _plain(totals[i])
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{base - 4:.1f}" text-anchor="middle">{total}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#1b1f24"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _nice_step(peak: float) -> int:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most 8 steps up to ``peak``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5, 10) if magnitude == 1 else (1, 2, 2.5, 5):
            step = factor * magnitude
            if step == int(step) and peak / step <= 8:
                return int(step)
        magnitude *= 10


def _plain(value: float) -> str:
    return format_number(round(value))


def horizontal_bars(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    width: int = 860,
    label_width: int = 240,
    row: int = 22,
    unit: str = "",
    axis_label: str = "",
) -> SafeString:
    """A stacked horizontal bar chart, one row per category (long names, many rows), one colour per
    series; its height grows with the number of rows. Numbers in German notation; ``unit`` follows every
    tick and total ("5.000 €"), ``axis_label`` names the axis below the ticks ("Kosten in € (netto)")."""
    top, right = 8, 72
    bottom = 48 if axis_label else 28
    plot_w = width - label_width - right
    height = top + bottom + row * max(len(categories), 1)
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = max(totals, default=0) or 1
    step = _nice_step(peak)
    x_max = step * -(-peak // step)
    suffix = f"\u00a0{unit}" if unit else ""
    parts = [  # width and height give the aspect ratio when CSS sets the width (kitu-chart-scroll on phones)
        f'<svg class="kitu-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="hchart-title hchart-desc"><title id="hchart-title">{escape(title)}</title>'
        f'<desc id="hchart-desc">{escape(description)}</desc>'
    ]
    tick = 0
    while tick <= x_max:
        x = label_width + plot_w * tick / x_max
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="#ccd3dd"/>')
        anchor = "start" if tick == 0 else "end" if tick + step > x_max else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="{anchor}">{_plain(tick)}{suffix}</text>'
        )
        tick += step
    if axis_label:
        parts.append(
            f'<text x="{label_width + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" '
            f'class="kitu-chart__axis">{escape(axis_label)}</text>'
        )
    longest = max(4, int((label_width - 8) / 6.6))  # characters that fit at 12 px
    for i, category in enumerate(categories):
        y = top + row * i + row * 0.15
        shown = category if len(category) <= longest else category[: longest - 1] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row * 0.5:.1f}" text-anchor="end">'
            f"<title>{escape(category)}</title>{escape(shown)}</text>"
        )
        left: float = label_width
        for j, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            w = plot_w * value / x_max
            parts.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{w:.1f}" height="{row * 0.7:.1f}" fill="{colour(j)}">'
                f"<title>{escape(category)}: {escape(s.label)} {_plain(value)}{suffix}</title></rect>"
            )
            left += w
        if totals[i]:
            parts.append(f'<text x="{left + 4:.1f}" y="{y + row * 0.5:.1f}">{_plain(totals[i])}{suffix}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
