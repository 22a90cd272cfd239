"""Charts drawn on the server as SVG: they work without JavaScript, print, and carry a title
and description for screen readers. The data table beside each chart holds every figure.
Here the chart's coordinates and labels are worked out; its markup is the `line_chart` macro
in jinja2/outcomes/_macros.html."""

from dataclasses import dataclass
from decimal import Decimal

from safer_norfolk.figures import measured_text

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 40, 16, 48


def _nice_step(span):
    """A round step (1, 2 or 5 × a power of ten) giving about five gridlines over `span`."""
    raw = span / 5 if span > 0 else 1
    magnitude = Decimal(10) ** Decimal(raw).adjusted()
    for factor in (1, 2, 5, 10):
        step = magnitude * factor
        if step >= raw:
            return step
    return magnitude * 10


def format_value(value, unit="", *, scale=False):
    """A figure with its unit's sign; a scale mark (`scale=True`) drops pounds' pence."""
    return measured_text(value, unit, pence=not scale)


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class Label:
    x: str
    text: str


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    label: str
    value: str


@dataclass(frozen=True)
class Chart:
    """What the line chart macro (jinja2/outcomes/_macros.html) draws: the SVG's size, its
    title and description, and the gridlines, period labels and points, with coordinates
    already written to one decimal place."""

    id: str
    title: str
    description: str
    ticks: list
    labels: list
    points: list
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    label_y: int = HEIGHT - BOTTOM + 20


def line_chart(points, *, chart_id, title, description, unit="", dates=None):
    """A line chart of `points`, a list of (label, Decimal) in time order, as coordinates and
    labels for the template to draw; None without points. With `dates` (one per point) the
    points are spaced by time, so a gap in the figures shows as a gap."""
    if not points:
        return None
    if dates and len(dates) == len(points) and dates[-1] > dates[0]:
        span = (dates[-1] - dates[0]).days
        positions = [(day - dates[0]).days / span for day in dates]
    else:
        positions = (
            [0.5] if len(points) == 1 else [i / (len(points) - 1) for i in range(len(points))]
        )
    values = [value for _, value in points]
    low = min(Decimal(0), min(values))
    high = max(values) if max(values) > low else low + 1
    step = _nice_step(high - low)
    top = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index):
        return f"{LEFT + plot_w * positions[index]:.1f}"

    def y(value):
        return f"{TOP + plot_h * float((top - value) / (top - bottom)):.1f}"

    ticks = []
    tick = bottom
    while tick <= top:
        ticks.append(Tick(y(tick), format_value(tick, unit, scale=True)))
        tick += step
    every = max(1, len(points) // 8)  # at most about eight period labels fit under the axis
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        ticks=ticks,
        labels=[
            Label(x(i), label)
            for i, (label, _) in enumerate(points)
            if i % every == 0 or i == len(points) - 1
        ],
        points=[
            Point(x(i), y(value), label, format_value(value, unit))
            for i, (label, value) in enumerate(points)
        ],
    )
