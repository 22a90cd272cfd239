"""Charts drawn on the server as SVG: they work without JavaScript, print, and carry a title
and description for screen readers. The data table beside each chart holds every figure."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

from outcomes.figures import measured_text

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


def line_chart(points, *, chart_id, title, description, unit="", dates=None):
    """An SVG line chart of `points`, a list of (label, Decimal) in time order. With `dates`
    (one per point) the points are spaced by time, so a gap in the figures shows as a gap."""
    if not points:
        return ""
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

    # Coordinates are formatted here: format_html escapes (and so stringifies) its arguments.
    def x(index):
        return f"{LEFT + plot_w * positions[index]:.1f}"

    def y(value):
        return f"{TOP + plot_h * float((top - value) / (top - bottom)):.1f}"

    ticks = []
    tick = bottom
    while tick <= top:
        ticks.append(tick)
        tick += step
    gridlines = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="app-chart__grid"/>'
        '<text x="{}" y="{}" dy="4" class="app-chart__axis" text-anchor="end">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, y(t), y(t), LEFT - 8, y(t), format_value(t, unit, scale=True))
            for t in ticks
        ),
    )
    every = max(1, len(points) // 8)  # at most about eight period labels fit under the axis
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" class="app-chart__axis" text-anchor="middle">{}</text>',
        (
            (x(i), HEIGHT - BOTTOM + 20, label)
            for i, (label, _) in enumerate(points)
            if i % every == 0 or i == len(points) - 1
        ),
    )
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(i)},{y(value)}" for i, (_, value) in enumerate(points)
    )
    markers = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="app-chart__point"><title>{}: {}</title></circle>',
        (
            (x(i), y(value), label, format_value(value, unit))
            for i, (label, value) in enumerate(points)
        ),
    )
    return format_html(
        '<svg class="app-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}{}"
        '<path d="{}" class="app-chart__line"/>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        gridlines,
        labels,
        path,
        markers,
    )
