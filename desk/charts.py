"""Bar charts as SVG geometry, drawn by the template ``desk/_chart.html`` (no script, no CDN).

Stacked bars (one bar per category, a segment per series) or grouped ones (a bar per series side
by side). Colours are fill attributes, not styles (the CSP allows no inline style); every bar has
a <title> with its figure, and the table under the chart holds every number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reporting.report import Figure

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 10, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 12
# Distinguishable with the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str


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
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: float = TOP + PLOT_H
    right: float = LEFT + PLOT_W


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
                bars.append(Bar(round(x, 1), round(base, 1), round(width, 1), round(height, 1), fill, title))
            else:
                width = slot * 0.8 / len(figure.series)
                x = LEFT + index * slot + slot * 0.1 + number * width
                y = TOP + PLOT_H - height
                bars.append(Bar(round(x, 1), round(y, 1), round(width, 1), round(height, 1), fill, title))
    ticks = [Tick(round(TOP + PLOT_H - step * PLOT_H / 4, 1), _number(top * step / 4)) for step in range(5)]
    every = math.ceil(count / MAX_X_LABELS)
    x_labels = [
        XLabel(round(LEFT + index * slot + slot / 2, 1), label if len(label) <= 14 else f"{label[:13]}…")
        for index, label in enumerate(figure.labels)
        if index % every == 0
    ]
    legend = [Legend(series.name, PALETTE[n % len(PALETTE)]) for n, series in enumerate(figure.series)]
    return Chart(bars=bars, ticks=ticks, x_labels=x_labels, legend=legend)
