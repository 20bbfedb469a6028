"""Charts of scores and goal ratings over time: the geometry in Python, drawn by a template as inline SVG.

Why not a charting library: pygal, the well-kept pure-Python one, writes a ``<style>`` element and a
``<script>`` into every chart. Inline in the page the strict content security policy (``style-src 'self'``,
``script-src 'self'``) blocks both, and the chart loses its colours and lines. As an
``<img src="data:image/svg+xml;base64,…">`` its own style does apply (an image document is outside the
page's policy, and its script never runs), but then the chart is a picture: its text cannot be read by a
screen reader beyond the ``alt``, it does not follow the page's colours in print or high contrast, and
WeasyPrint would have to render a second styling system for the plan's PDF. A chart here is a line, a few
points, two axes and a shaded band; computing them is a page of arithmetic that can be tested, and the
template draws them with classes from ``static/css/app.css`` — and presentation attributes (``stroke``,
``fill``), which the policy does not touch and WeasyPrint reads, so the chart is legible without the
stylesheet too.

The x axis is time: a point sits where its date falls between the first and the last. The y axis runs over
the score's own range where it has one (a Barthel Index 0–100, a goal rating −2 to +2), else from zero (or
the lowest value, if below) to the highest, on round steps. Where the instrument has a minimal important
change the band around the first score marks changes smaller than it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import formats

__all__ = ["Chart", "Point", "Tick", "chart", "nice_scale", "number"]

# The drawing's own units (the viewBox): wide and short enough to read on a 360 px phone at its natural size,
# where one unit is about one CSS pixel; the stylesheet lets it grow on a wider screen.
WIDTH = 340.0
HEIGHT = 200.0
LEFT = 44.0
RIGHT = 14.0
TOP = 12.0
BOTTOM = 30.0
# A date label ("12.03.2026", "09/07/2026") is about 66 units wide at the chart's 12-unit font size; labels
# keep this much space between them, and one that would crowd its neighbour gives way.
LABEL_WIDTH = 66.0
LABEL_SPACE = 8.0
TARGET_TICKS = 5


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    # The SVG text-anchor: the first date label starts at its point, the last ends at it.
    anchor: str = "middle"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    on: date
    label: str


@dataclass(frozen=True)
class Band:
    """A horizontal band from `top` to `bottom` (in drawing units)."""

    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    band: Band | None = None
    # A dashed line across the chart: the expected outcome (0) of a goal's attainment scale.
    reference: float | None = None
    width: float = WIDTH
    height: float = HEIGHT
    left: float = LEFT
    right: float = WIDTH - RIGHT
    top: float = TOP
    bottom: float = HEIGHT - BOTTOM
    low: float = 0.0
    high: float = 1.0

    @property
    def line(self) -> str:
        """The SVG polyline's points: the values in date order."""
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def label_x(self) -> float:
        """Where the y axis's labels end, just left of the axis."""
        return self.left - 6

    @property
    def date_y(self) -> float:
        """The baseline of the date labels, under the x axis."""
        return self.bottom + 18

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def _nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about TARGET_TICKS steps over `span`."""
    rough = span / (TARGET_TICKS - 1)
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * power >= rough - 1e-12:
            return multiple * power
    return 10 * power  # pragma: no cover - the loop always returns


def nice_scale(
    values: Sequence[float], bounds: tuple[float, float] | None = None
) -> tuple[float, float, float]:
    """The low end, high end and step of a y axis holding every value.

    With `bounds` (the score's own range) the axis is that range, widened if a value lies outside it; without,
    it starts at zero (or the lowest value if that is below) and ends at a round step above the highest.
    All values equal and no bounds: the axis still has a height, with the value inside it.
    """
    if bounds is not None:
        low, high = min(bounds[0], *values), max(bounds[1], *values)
    else:
        low, high = min(0.0, *values), max(values)
    if high - low < 1e-9:
        high = low + 1.0
    step = _nice_step(high - low)
    if bounds is None or low < bounds[0] or high > bounds[1]:
        low = math.floor(low / step + 1e-9) * step
        high = math.ceil(high / step - 1e-9) * step
    return low, high, step


def number(value: float, decimals: int) -> str:
    places = abs(decimals)
    if decimals < 0 and abs(value - round(value)) < 1e-9:
        places = 0
    text = formats.number_format(round(value, places), decimal_pos=places, use_l10n=True)
    # A typographic minus: a hyphen reads as a dash, and a screen reader may not say it.
    return text.replace("-", "\u2212")


def _y_ticks(low: float, high: float, step: float, decimals: int, signed: bool) -> list[tuple[float, str]]:
    ticks = []
    count = round((high - low) / step)
    for index in range(count + 1):
        value = low + index * step
        label = number(value, decimals)
        if signed and value > 1e-9:
            label = f"+{label}"
        ticks.append((value, label))
    return ticks


def label_span(x: float, anchor: str) -> tuple[float, float]:
    """Where a date label at `x` reaches, left and right, by how it is anchored there."""
    if anchor == "start":
        return x, x + LABEL_WIDTH
    if anchor == "end":
        return x - LABEL_WIDTH, x
    return x - LABEL_WIDTH / 2, x + LABEL_WIDTH / 2


def _x_ticks(points: list[Point], left: float, right: float) -> list[Tick]:
    """A date under the first and the last point, and under those between with room for their label: the
    first label starts at its point and the last ends at its point, so that both stay inside the chart."""
    if not points:
        return []
    if len(points) == 1 or right - left < 1:
        return [Tick(points[0].x, _date(points[0].on))]
    last = points[-1]
    last_left = label_span(last.x, "end")[0]
    chosen: list[tuple[Point, str]] = [(points[0], "start")]
    for point in points[1:-1]:
        start, end = label_span(point.x, "middle")
        if (
            start - label_span(chosen[-1][0].x, chosen[-1][1])[1] >= LABEL_SPACE
            and last_left - end >= LABEL_SPACE
        ):
            chosen.append((point, "middle"))
    if last.on != chosen[-1][0].on:
        chosen.append((last, "end"))
    return [Tick(point.x, _date(point.on), anchor) for point, anchor in chosen]


def _date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def chart(
    values: Sequence[tuple[date, float]],
    *,
    bounds: tuple[float, float] | None = None,
    decimals: int = -2,
    band_around_first: float | None = None,
    reference: float | None = None,
    signed: bool = False,
) -> Chart | None:
    """The chart of `values` (date, value) in date order; None when there is nothing to draw.

    `band_around_first` is the minimal important change: the band reaches that far above and below the first
    value. `reference` draws a dashed line at that value; `signed` labels positive ticks with a plus (a goal
    rating of +1).
    """
    if not values:
        return None
    ordered = sorted(values, key=lambda item: item[0])
    numbers = [value for _day, value in ordered]
    low, high, step = nice_scale(numbers, bounds)
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    first_day, last_day = ordered[0][0], ordered[-1][0]
    days = (last_day - first_day).days

    def x_of(day: date) -> float:
        if days == 0:
            return (left + right) / 2
        return left + (day - first_day).days / days * (right - left)

    points = [
        Point(x=round(x_of(day), 1), y=round(y_of(value), 1), on=day, label=number(value, decimals))
        for day, value in ordered
    ]
    band = None
    if band_around_first is not None and band_around_first > 0:
        first = numbers[0]
        upper = min(high, first + band_around_first)
        lower = max(low, first - band_around_first)
        band = Band(top=round(y_of(upper), 1), bottom=round(y_of(lower), 1))
    return Chart(
        points=points,
        y_ticks=[
            Tick(round(y_of(value), 1), label) for value, label in _y_ticks(low, high, step, decimals, signed)
        ],
        x_ticks=_x_ticks(points, left, right),
        band=band,
        reference=round(y_of(reference), 1) if reference is not None and low <= reference <= high else None,
        low=low,
        high=high,
    )
