"""The "since the last meeting" line filters give what the committee page's template gave."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines

from delivery_plans.models import Action, ActionUpdate, Plan
from meetings.models import ActionPoint, Committee, Meeting, WrittenQuestion
from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework

# The loops the template held, each with what it wrote for an empty list.
IN_TEMPLATE = {
    "raised": '{% load text %}{% for point in items %}<a class="govuk-link" href="{{ point.get_absolute_url }}">{{ point.reference }}</a> {{ point.description|words:15 }}{% if not forloop.last %}<br>{% endif %}{% empty %}None{% endfor %}',
    "closed": '{% load text %}{% for point in items %}<a class="govuk-link" href="{{ point.get_absolute_url }}">{{ point.reference }}</a> {{ point.response|words:12 }}{% if not forloop.last %}<br>{% endif %}{% empty %}None{% endfor %}',
    "answered": '{% load dates %}{% for question in items %}<a class="govuk-link" href="{{ question.get_absolute_url }}">Question {{ question.number }} of {{ question.meeting.starts_at|when:"j M Y" }}</a>, answered {{ question.responded_on|when:"j M Y" }}{% if not forloop.last %}<br>{% endif %}{% empty %}None{% endfor %}',
    "updates": '{% load dates %}{% for update in items %}<a class="govuk-link" href="{{ update.get_absolute_url }}">Action {{ update.action.number }}</a> ({{ update.action.plan.title }}), {{ update.reported_on|when:"j M Y" }}: {{ update.get_rag_display }}{% if not forloop.last %}<br>{% endif %}{% empty %}None{% endfor %}',
    "observations": '{% load figures %}{% for observation in items %}<a class="govuk-link" href="{{ observation.measure.get_absolute_url }}">{{ observation.measure.title }}</a>, {{ observation.area.name }}, {{ observation.period_label }}: {{ observation.value|figure }}{% if not forloop.last %}<br>{% endif %}{% empty %}None{% endfor %}',
}  # fmt: skip
FILTER = {
    "raised": "raised_lines",
    "closed": "closed_lines",
    "answered": "answered_lines",
    "updates": "update_lines",
    "observations": "observation_lines",
}
HOSTILE = "<script>alert('x')</script> & \"quoted\" text"
LONG = " ".join(f"word{n}" for n in range(30))


def render(source, items):
    return engines["django"].from_string(source).render({"items": items})


def filtered(name, items):
    source = f"{{% load since %}}{{% if items %}}{{{{ items|{FILTER[name]} }}}}{{% else %}}None{{% endif %}}"
    return render(source, items)


def meeting(starts_at=datetime.datetime(2024, 6, 4, 9, 30, tzinfo=datetime.UTC), slug="panel"):
    return Meeting(starts_at=starts_at, committee=Committee(slug=slug, name="Panel"))


def points():
    return [
        ActionPoint(reference="PCP/1", description="Write to the PCC.", response="Done.", meeting=meeting()),
        ActionPoint(reference=HOSTILE, description=HOSTILE, response=HOSTILE, meeting=meeting()),
        ActionPoint(reference="PCP/3", description=LONG, response=LONG, meeting=meeting(slug="a-b")),
        ActionPoint(reference="PCP/4", description="", response="", meeting=meeting()),
    ]  # fmt: skip


def questions():
    return [
        WrittenQuestion(number=3, meeting=meeting(), responded_on=datetime.date(2024, 7, 1)),
        # Half past midnight in London, summer time: the day before in UTC.
        WrittenQuestion(
            number=12,
            meeting=meeting(datetime.datetime(2024, 6, 30, 23, 30, tzinfo=datetime.UTC)),
            responded_on=datetime.date(2024, 12, 25),
        ),
    ]


def updates():
    plan = Plan(slug="safer-plan", title=HOSTILE)
    return [
        ActionUpdate(pk=9, action=Action(number="1.2", plan=plan), reported_on=datetime.date(2024, 3, 5), rag=rag)
        for rag in ("red", "amber", "green", "complete", "not_assessed")
    ] + [
        ActionUpdate(pk=10, action=Action(number="<b>2</b>", plan=Plan(slug="p", title="Plan")), reported_on=datetime.date(2023, 1, 1), rag="green")
    ]  # fmt: skip


def observations():
    framework = OutcomeFramework(slug="outcomes-2025", title="Outcomes")
    measure = Measure(number="2", title=HOSTILE, outcome=Outcome(number="1", framework=framework))
    periods = [
        (datetime.date(2021, 4, 1), datetime.date(2022, 3, 31)),
        (datetime.date(2022, 7, 1), datetime.date(2022, 9, 30)),
        (datetime.date(2023, 3, 1), datetime.date(2023, 3, 31)),
    ]
    values = [Decimal("115.800"), Decimal("0.5"), Decimal("-3"), Decimal("1234567.125"), None]
    return [
        Observation(measure=measure, area=Area(name=name), period_start=start, period_end=end, value=value)
        for name in ("Norfolk", "King's Lynn & West <Norfolk>")
        for start, end in periods
        for value in values
    ]  # fmt: skip


LISTS = {
    "raised": points,
    "closed": points,
    "answered": questions,
    "updates": updates,
    "observations": observations,
}


@pytest.mark.parametrize("name", list(LISTS))
def test_each_list_is_written_as_the_template_wrote_it(name):
    items = LISTS[name]()
    assert len(items) > 1
    expected = render(IN_TEMPLATE[name], items)

    assert filtered(name, items) == expected
    assert filtered(name, items[:1]) == render(IN_TEMPLATE[name], items[:1])
    assert "<script>" not in expected


@pytest.mark.parametrize("name", list(LISTS))
def test_an_empty_list_says_none(name):
    assert filtered(name, []) == render(IN_TEMPLATE[name], []) == "None"


def test_a_question_is_named_by_its_meetings_local_day():
    html = filtered("answered", questions())

    assert "Question 12 of 1 Jul 2024</a>, answered 25 Dec 2024" in html
