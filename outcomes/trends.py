"""Direction of travel: the one place that judges whether a measure is improving.

The figures come from `outcomes.queries` (annotated in the database); this only compares
them, so pages, PDFs and the API judge alike.
"""

from dataclasses import dataclass
from decimal import Decimal


class Travel:
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CLEAR_CHANGE = "no_clear_change"
    NOT_JUDGED = "not_judged"
    NO_DATA = "no_data"

    LABELS = {
        IMPROVING: "Improving",
        WORSENING: "Worsening",
        NO_CLEAR_CHANGE: "No clear change",
        NOT_JUDGED: "Not judged",
        NO_DATA: "Not enough data",
    }


@dataclass(frozen=True)
class Change:
    latest: Decimal | None
    earlier: Decimal | None
    travel: str
    # "up" / "down" / "flat" for the arrow; neutral measures still show which way figures moved.
    movement: str | None = None
    difference: Decimal | None = None
    percent: Decimal | None = None

    @property
    def label(self):
        return Travel.LABELS[self.travel]


def compare(*, direction, latest, earlier, threshold_percent):
    """Judge the move from `earlier` to `latest` for a measure whose intended direction is
    "up", "down" or "neutral". A move smaller than `threshold_percent` of the earlier figure
    is no clear change; neutral measures are never judged good or bad."""
    if latest is None or earlier is None:
        return Change(latest=latest, earlier=earlier, travel=Travel.NO_DATA)
    difference = latest - earlier
    percent = None if earlier == 0 else (difference / abs(earlier) * 100).quantize(Decimal("0.1"))
    if earlier == 0:
        significant = difference != 0
    else:
        significant = abs(difference) / abs(earlier) * 100 >= threshold_percent
    movement = "flat" if not significant else ("up" if difference > 0 else "down")
    if direction == "neutral":
        travel = Travel.NOT_JUDGED
    elif not significant:
        travel = Travel.NO_CLEAR_CHANGE
    elif movement == direction:
        travel = Travel.IMPROVING
    else:
        travel = Travel.WORSENING
    return Change(
        latest=latest,
        earlier=earlier,
        travel=travel,
        movement=movement,
        difference=difference,
        percent=percent,
    )
