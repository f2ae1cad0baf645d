"""Bar charts as SVG geometry, drawn by the template ``desk/_chart.html`` (no script, no CDN).

Stacked bars (one bar per category, a segment per series) or grouped ones (a bar per series side
by side). Colours are fill attributes, not styles (the CSP allows no inline style); every bar has
a <title> with its figure, and the table under the chart holds every number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape as _e

from django.utils.safestring import SafeString, mark_safe

from reporting.report import Figure

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 10, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 12
# Distinguishable with the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9")


# Coordinates are text already: the template prints them as they are, with no number formatting.
@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    fill: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class XLabel:
    x: str
    label: str


def _at(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Legend:
    name: str
    fill: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    x_labels: list[XLabel]
    legend: list[Legend]
    width: str = str(WIDTH)
    height: str = str(HEIGHT)
    left: str = str(LEFT)
    tick_x: str = str(LEFT - 6)
    bottom: str = str(TOP + PLOT_H)
    label_y: str = str(TOP + PLOT_H + 16)
    right: str = str(LEFT + PLOT_W)


def nice_ceiling(value: float) -> float:
    """The next of 1, 2, 2.5, 5 x 10^n at or above ``value`` (an axis' top)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value))


def _number(value: float) -> str:
    return f"{value:g}" if value < 10 or value == int(value) else f"{value:.1f}"


def chart_for(figure: Figure) -> Chart | None:
    if not figure.chart or not figure.labels or not figure.series:
        return None
    count = len(figure.labels)
    stacked = figure.chart == "stacked"
    if stacked:
        peak = max(sum(series.values[i] for series in figure.series) for i in range(count))
    else:
        peak = max(max(series.values) for series in figure.series)
    top = nice_ceiling(peak)
    if top < 4 and all(value == int(value) for series in figure.series for value in series.values):
        top = 4  # counts: whole-number ticks
    scale = PLOT_H / top
    slot = PLOT_W / count
    bars: list[Bar] = []
    for index, label in enumerate(figure.labels):
        base: float = TOP + PLOT_H
        for number, series in enumerate(figure.series):
            value = series.values[index]
            fill = PALETTE[number % len(PALETTE)]
            title = f"{label}, {series.name}: {_number(value)} {figure.unit}".rstrip()
            height = value * scale
            if stacked:
                width = slot * 0.7
                x = LEFT + index * slot + (slot - width) / 2
                base -= height
                bars.append(Bar(_at(x), _at(base), _at(width), _at(height), fill, title))
            else:
                width = slot * 0.8 / len(figure.series)
                x = LEFT + index * slot + slot * 0.1 + number * width
                y = TOP + PLOT_H - height
                bars.append(Bar(_at(x), _at(y), _at(width), _at(height), fill, title))
    ticks = [Tick(_at(TOP + PLOT_H - step * PLOT_H / 4), _number(top * step / 4)) for step in range(5)]
    every = math.ceil(count / MAX_X_LABELS)
    x_labels = [
        XLabel(_at(LEFT + index * slot + slot / 2), label if len(label) <= 14 else f"{label[:13]}…")
        for index, label in enumerate(figure.labels)
        if index % every == 0
    ]
    legend = [Legend(series.name, PALETTE[n % len(PALETTE)]) for n, series in enumerate(figure.series)]
    return Chart(bars=bars, ticks=ticks, x_labels=x_labels, legend=legend)


# A 90-day chart has hundreds of bars and its table hundreds of cells: written in one pass here,
# each text escaped (html.escape, as Django's own escape does), rather than a template loop per
# value, which would cost most of the page's time. Coordinates and colours are ours (numbers, the
# palette), and escaped all the same.
def bars_html(chart: Chart) -> SafeString:
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            f'<rect x="{_e(b.x)}" y="{_e(b.y)}" width="{_e(b.width)}" height="{_e(b.height)}" fill="{_e(b.fill)}">'
            f"<title>{_e(b.title)}</title></rect>"
            for b in chart.bars
        )
    )


def _row(cells: list[str]) -> str:
    head, *rest = cells
    return f'<th scope="row">{_e(head)}</th>' + "".join(f'<td class="text-end">{_e(cell)}</td>' for cell in rest)


def row_html(cells: list[str]) -> SafeString:
    """One table row's cells: the first is the row's header, the others right-aligned figures."""
    return mark_safe(_row(cells))  # noqa: S308 - escaped in _row


def rows_html(rows: list[list[str]]) -> SafeString:
    return mark_safe("".join(f"<tr>{_row(row)}</tr>" for row in rows))  # noqa: S308 - escaped in _row
