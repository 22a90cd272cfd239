import datetime
import zoneinfo

from django.template import engines
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from safer_norfolk.templatetags import dates

SITE_FORMATS = ["j F Y", "l j F Y", "j M Y", "F Y", "g.i a", "g.i a, l j F Y"]
ZONES = [
    datetime.UTC,
    zoneinfo.ZoneInfo("Europe/London"),
    zoneinfo.ZoneInfo("America/New_York"),
    zoneinfo.ZoneInfo("Asia/Kolkata"),
]


def render(source, value):
    """What a template gives, or the error it raises."""
    try:
        return engines["django"].from_string("{% load dates %}" + source).render({"v": value})
    except Exception as error:  # the error itself is what is compared
        return type(error)


def aware(moment, zone):
    return moment.replace(tzinfo=zone)


values = st.one_of(
    st.builds(aware, st.datetimes(), st.sampled_from(ZONES)),
    st.datetimes(),
    st.dates(),
    st.sampled_from([None, "", "2024-03-01", 7]),
)
formats = st.one_of(
    st.sampled_from(SITE_FORMATS),
    # Characters it writes itself, characters it leaves to Django, escapes and literals.
    st.text(alphabet="jFMYlgia" + "dDNHsUe\\" + " ,.:-/()x", max_size=12),
)


@settings(max_examples=3000, deadline=None)
@given(value=values, format_string=formats)
@example(value=datetime.datetime(2024, 3, 31, 0, 30, tzinfo=datetime.UTC), format_string="l j F Y")
@example(value=datetime.datetime(2024, 10, 27, 1, 30), format_string="g.i a")
@example(value=datetime.date(2024, 5, 1), format_string="g.i a")
@example(value=datetime.datetime(2024, 1, 1, 12, 0), format_string="g.i a")
@example(value=datetime.datetime(2024, 1, 1, 0, 5), format_string="g.i a")
@example(value=datetime.datetime(999, 1, 1, 0, 5), format_string="j M Y")
@example(value=datetime.date(2024, 5, 1), format_string="j \\F Y")
def test_when_writes_what_the_date_filter_writes(value, format_string):
    expected = render(f"{{{{ v|date:{format_string!r} }}}}", value)
    assert render(f"{{{{ v|when:{format_string!r} }}}}", value) == expected


@settings(max_examples=500, deadline=None)
@given(value=st.builds(aware, st.datetimes(), st.sampled_from(ZONES)))
def test_when_writes_a_meetings_time_as_the_time_filter_does(value):
    expected = render('{{ v|time:"g.i a" }}', value)
    assert render('{{ v|when:"g.i a" }}', value) == expected


def test_site_formats_are_written_without_djangos_filter(monkeypatch):
    def refuse(*arguments):
        raise AssertionError("handed to Django's filter")

    monkeypatch.setattr(dates, "django_date", refuse)
    moment = datetime.datetime(2026, 3, 5, 18, 0, tzinfo=datetime.UTC)
    written = [
        render(f"{{{{ v|when:{format_string!r} }}}}", moment) for format_string in SITE_FORMATS
    ]
    assert written == [
        "5 March 2026",
        "Thursday 5 March 2026",
        "5 Mar 2026",
        "March 2026",
        "6.00 p.m.",
        "6.00 p.m., Thursday 5 March 2026",
    ]


def test_names_follow_the_active_language():
    moment = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC)
    with translation.override("fr"):
        written = render('{{ v|when:"l j F Y, g.i a" }}', moment)
        assert written == render('{{ v|date:"l j F Y, g.i a" }}', moment)
    assert written.startswith("jeudi 5 mars 2026")
    assert render('{{ v|when:"l j F Y" }}', moment) == "Thursday 5 March 2026"


def test_a_corrected_record_says_so_on_its_local_date_and_an_uncorrected_one_says_nothing():
    from types import SimpleNamespace

    source = "{% load dates %}{{ record|corrected }}"
    late_summer_evening = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    record = SimpleNamespace(corrected_at=late_summer_evening)

    html = engines["django"].from_string(source).render({"record": record})

    assert html == ('<p class="govuk-body-s app-meta app-corrected">Corrected on 2 July 2026</p>')
    for never in (None, ""):
        record = SimpleNamespace(corrected_at=never)
        assert engines["django"].from_string(source).render({"record": record}) == ""
