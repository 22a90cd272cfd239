import datetime

import pytest

from delivery_plans.dates import is_overdue, parse_due_text

D = datetime.date
PLAN_START = D(2021, 4, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TBC", (None, "tbc")),
        ("tbc.", (None, "tbc")),
        ("", (None, "tbc")),
        ("To be confirmed", (None, "tbc")),
        ("Ongoing", (None, "ongoing")),
        ("On-going", (None, "ongoing")),
        ("Annually", (None, "recurring")),
        ("November annually", (None, "recurring")),
        ("Annually in November", (None, "recurring")),
        ("November each year", (None, "recurring")),
        ("Quarterly", (None, "recurring")),
        ("Monthly", (None, "recurring")),
        ("Six-monthly", (None, "recurring")),
        ("Every November", (None, "recurring")),
        ("Each quarter", (None, "recurring")),
        ("September 2021", (D(2021, 9, 30), "month")),
        ("Sept 2021", (D(2021, 9, 30), "month")),
        ("Sep 2021", (D(2021, 9, 30), "month")),
        ("By March 2022", (D(2022, 3, 31), "month")),
        ("End of December 2021", (D(2021, 12, 31), "month")),
        ("February 2024", (D(2024, 2, 29), "month")),
        ("31 March 2025", (D(2025, 3, 31), "day")),
        ("1st April 2022", (D(2022, 4, 1), "day")),
        ("31/03/2023", (D(2023, 3, 31), "day")),
        ("Year 1", (D(2022, 3, 31), "year")),
        ("Year 2", (D(2023, 3, 31), "year")),
        ("Y2-Y3", (D(2024, 3, 31), "year")),
        ("Years 1-3", (D(2024, 3, 31), "year")),
        ("Year 1 – 3", (D(2024, 3, 31), "year")),
        ("Year 3 (2024-2025)", (D(2025, 3, 31), "year")),
        ("Year 3 (2024/25)", (D(2025, 3, 31), "year")),
        ("Q3 2022/23", (D(2022, 12, 31), "quarter")),
        ("Q1 2022/23", (D(2022, 6, 30), "quarter")),
        ("Q4 2022/23", (D(2023, 3, 31), "quarter")),
        ("2023/24", (D(2024, 3, 31), "year")),
        ("2023-24", (D(2024, 3, 31), "year")),
        ("2022", (D(2022, 12, 31), "year")),
        ("Apr-25", (D(2025, 4, 30), "month")),
        ("Apr 25", (D(2025, 4, 30), "month")),
        ("Spring 2022", (D(2022, 5, 31), "quarter")),
        ("When funding allows", (None, "unknown")),
        ("2023/25", (None, "unknown")),
        ("31 February 2023", (None, "unknown")),
    ],
)
def test_parse_due_text(text, expected):
    assert parse_due_text(text, plan_start=PLAN_START) == expected


def test_plan_years_need_the_plan_start():
    assert parse_due_text("Year 2") == (None, "unknown")
    assert parse_due_text("Year 2", plan_start=D(2022, 1, 1)) == (D(2023, 12, 31), "year")
    # An explicit year in brackets needs no anchor.
    assert parse_due_text("Year 3 (2024-2025)") == (D(2025, 3, 31), "year")


@pytest.mark.parametrize(
    ("text", "today", "overdue"),
    [
        ("September 2021", D(2021, 9, 30), False),  # a month is due until its last day
        ("September 2021", D(2021, 10, 1), True),
        ("31 March 2025", D(2025, 3, 31), False),
        ("31 March 2025", D(2025, 4, 1), True),
        ("Q3 2022/23", D(2022, 12, 31), False),
        ("Q3 2022/23", D(2023, 1, 1), True),
        ("2023/24", D(2024, 3, 31), False),
        ("TBC", D(2099, 1, 1), False),  # a data gap is never overdue
        ("Ongoing", D(2099, 1, 1), False),
        ("November annually", D(2099, 1, 1), False),  # comes round again: never late
        ("Quarterly", D(2099, 1, 1), False),
        ("When funding allows", D(2099, 1, 1), False),
    ],
)
def test_overdue_respects_precision(text, today, overdue):
    due_date, precision = parse_due_text(text, plan_start=PLAN_START)

    assert is_overdue(due_date, precision, today) is overdue


def test_finished_actions_are_never_overdue():
    due_date, precision = parse_due_text("September 2021")

    assert is_overdue(due_date, precision, D(2025, 1, 1), finished=True) is False
