import datetime
from decimal import Decimal

import pytest

from outcomes.periods import PeriodError, parse_period, period_label
from outcomes.trends import Travel, compare

D = datetime.date


@pytest.mark.parametrize(
    ("label", "start", "end", "canonical"),
    [
        ("2022/23", D(2022, 4, 1), D(2023, 3, 31), "2022/23"),
        ("2022-23", D(2022, 4, 1), D(2023, 3, 31), "2022/23"),
        ("2019/2020", D(2019, 4, 1), D(2020, 3, 31), "2019/20"),
        ("1999/00", D(1999, 4, 1), D(2000, 3, 31), "1999/00"),
        ("Q1 2022/23", D(2022, 4, 1), D(2022, 6, 30), "Q1 2022/23"),
        ("q3 2022/23", D(2022, 10, 1), D(2022, 12, 31), "Q3 2022/23"),
        ("Q4 2022/23", D(2023, 1, 1), D(2023, 3, 31), "Q4 2022/23"),
        ("March 2023", D(2023, 3, 1), D(2023, 3, 31), "March 2023"),
        ("Sept 2021", D(2021, 9, 1), D(2021, 9, 30), "September 2021"),
        ("Feb 2024", D(2024, 2, 1), D(2024, 2, 29), "February 2024"),
        ("2021", D(2021, 1, 1), D(2021, 12, 31), "2021"),
        ("Q2 2021", D(2021, 4, 1), D(2021, 6, 30), "Q1 2021/22"),
    ],
)
def test_period_labels_parse_and_read_back(label, start, end, canonical):
    assert parse_period(label) == (start, end)
    assert period_label(start, end) == canonical


@pytest.mark.parametrize(
    "label", ["", "2022/24", "Q5 2022/23", "Smarch 2023", "sometime", "Q1 twenty"]
)
def test_unreadable_periods_are_refused_with_a_message(label):
    with pytest.raises(PeriodError):
        parse_period(label)


def test_an_odd_period_is_labelled_by_its_dates():
    assert period_label(D(2022, 4, 15), D(2022, 5, 14)) == "15 April 2022 to 14 May 2022"


@pytest.mark.parametrize(
    ("direction", "earlier", "latest", "travel", "movement"),
    [
        # Lower is better: burglaries falling 10% is improving, rising 10% worsening.
        ("down", 100, 90, Travel.IMPROVING, "down"),
        ("down", 100, 110, Travel.WORSENING, "up"),
        # Within the 5% threshold either way: no clear change.
        ("down", 100, 104, Travel.NO_CLEAR_CHANGE, "flat"),
        ("down", 100, Decimal("95.1"), Travel.NO_CLEAR_CHANGE, "flat"),
        # Exactly at the threshold counts.
        ("down", 100, 95, Travel.IMPROVING, "down"),
        # Higher is better: satisfaction.
        ("up", 60, 66, Travel.IMPROVING, "up"),
        ("up", 60, 54, Travel.WORSENING, "down"),
        ("up", 60, 61, Travel.NO_CLEAR_CHANGE, "flat"),
        # Neutral measures are never judged, whichever way and however far they move.
        ("neutral", 11498, 13764, Travel.NOT_JUDGED, "up"),
        ("neutral", 100, 50, Travel.NOT_JUDGED, "down"),
        ("neutral", 100, 101, Travel.NOT_JUDGED, "flat"),
        # From zero any rise is a clear change.
        ("down", 0, 3, Travel.WORSENING, "up"),
    ],
)
def test_direction_of_travel(direction, earlier, latest, travel, movement):
    change = compare(
        direction=direction,
        latest=Decimal(latest),
        earlier=Decimal(earlier),
        threshold_percent=Decimal(5),
    )

    assert change.travel == travel
    assert change.movement == movement


def test_threshold_is_per_measure():
    loose = compare(
        direction="down", latest=Decimal(90), earlier=Decimal(100), threshold_percent=Decimal(15)
    )
    strict = compare(
        direction="down", latest=Decimal(99), earlier=Decimal(100), threshold_percent=Decimal("0.5")
    )

    assert loose.travel == Travel.NO_CLEAR_CHANGE
    assert strict.travel == Travel.IMPROVING


def test_change_reports_difference_and_percentage():
    change = compare(
        direction="neutral",
        latest=Decimal(13764),
        earlier=Decimal(11498),
        threshold_percent=Decimal(5),
    )

    assert change.difference == Decimal(2266)
    assert change.percent == Decimal("19.7")


def test_missing_figures_are_not_enough_data():
    assert (
        compare(
            direction="up", latest=Decimal(1), earlier=None, threshold_percent=Decimal(5)
        ).travel
        == Travel.NO_DATA
    )
