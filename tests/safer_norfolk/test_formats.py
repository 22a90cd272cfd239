"""The site's one date formatter and its word truncation (safer_norfolk.formats), against
what Django's own `date`, `time` and `truncatewords` filters write."""

import datetime
import zoneinfo
from types import SimpleNamespace

from django.template import engines
from django.template.defaultfilters import truncatewords
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import example, given, settings
from hypothesis import strategies as st

from safer_norfolk import formats

SITE_FORMATS = ["j F Y", "l j F Y", "j M Y", "F Y", "g.i a", "g.i a, l j F Y"]
ZONES = [
    datetime.UTC,
    zoneinfo.ZoneInfo("Europe/London"),
    zoneinfo.ZoneInfo("America/New_York"),
    zoneinfo.ZoneInfo("Asia/Kolkata"),
]


def render(source, value):
    """What a Django template gives, or the error it raises."""
    try:
        return engines["django"].from_string(source).render({"v": value})
    except Exception as error:  # the error itself is what is compared
        return type(error)


def written(value, format_string):
    """What the site's pages write: the `date` filter of their Jinja2 environment."""
    try:
        return (
            engines["jinja2"]
            .from_string("{{ v|date(f) }}")
            .render({"v": value, "f": format_string})
        )
    except Exception as error:
        return type(error)


def aware(moment, zone):
    return moment.replace(tzinfo=zone)


values = st.one_of(
    st.builds(aware, st.datetimes(), st.sampled_from(ZONES)),
    st.datetimes(),
    st.dates(),
    st.sampled_from([None, "", "2024-03-01", 7]),
)
format_strings = st.one_of(
    st.sampled_from(SITE_FORMATS),
    # Characters it writes itself, characters it leaves to Django, escapes and literals.
    st.text(alphabet="jFMYlgia" + "dDNHsUe\\" + " ,.:-/()x", max_size=12),
)


@settings(max_examples=3000, deadline=None)
@given(value=values, format_string=format_strings)
@example(value=datetime.datetime(2024, 3, 31, 0, 30, tzinfo=datetime.UTC), format_string="l j F Y")
@example(value=datetime.datetime(2024, 10, 27, 1, 30), format_string="g.i a")
@example(value=datetime.date(2024, 5, 1), format_string="g.i a")
@example(value=datetime.datetime(2024, 1, 1, 12, 0), format_string="g.i a")
@example(value=datetime.datetime(2024, 1, 1, 0, 5), format_string="g.i a")
@example(value=datetime.datetime(999, 1, 1, 0, 5), format_string="j M Y")
@example(value=datetime.date(2024, 5, 1), format_string="j \\F Y")
def test_pages_write_dates_as_djangos_date_filter_does(value, format_string):
    expected = render(f"{{{{ v|date:{format_string!r} }}}}", value)
    assert written(value, format_string) == expected


@settings(max_examples=500, deadline=None)
@given(value=st.builds(aware, st.datetimes(), st.sampled_from(ZONES)))
def test_pages_write_a_meetings_time_as_djangos_time_filter_does(value):
    expected = render('{{ v|time:"g.i a" }}', value)
    assert written(value, "g.i a") == expected


def test_site_formats_are_written_without_djangos_filter(monkeypatch):
    def refuse(*arguments):
        raise AssertionError("handed to Django's filter")

    monkeypatch.setattr(formats, "django_date", refuse)
    moment = datetime.datetime(2026, 3, 5, 18, 0, tzinfo=datetime.UTC)
    assert [written(moment, format_string) for format_string in SITE_FORMATS] == [
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
        in_french = written(moment, "l j F Y, g.i a")
        assert in_french == render('{{ v|date:"l j F Y, g.i a" }}', moment)
    assert in_french.startswith("jeudi 5 mars 2026")
    assert written(moment, "l j F Y") == "Thursday 5 March 2026"


def test_a_corrected_record_says_so_on_its_local_date_and_an_uncorrected_one_says_nothing():
    template = engines["jinja2"].from_string(
        '{% from "macros.html" import corrected %}{{ corrected(record) }}'
    )
    late_summer_evening = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)

    html = template.render({"record": SimpleNamespace(corrected_at=late_summer_evening)})

    assert html == '<p class="govuk-body-s app-meta app-corrected">Corrected on 2 July 2026</p>'
    for never in (None, ""):
        assert template.render({"record": SimpleNamespace(corrected_at=never)}) == ""


@settings(max_examples=2000, deadline=None)
@given(
    value=st.one_of(
        st.text(),
        st.lists(st.sampled_from(["word", "a", " ", "\n", "\t", "\u00a0", "…", "x y"])).map(
            "".join
        ),
        st.integers(),
        st.none(),
    ),
    count=st.one_of(st.integers(min_value=-2, max_value=40), st.sampled_from(["3", "x", ""])),
)
@example(value="one two three …", count=3)
@example(value="one two three four", count=3)
@example(value="  spaced   out\nwords  ", count=2)
def test_words_reads_as_truncatewords_does(value, count):
    assert formats.words(value, count) == truncatewords(value, count)


def test_shortened_text_is_escaped_in_a_page():
    template = engines["jinja2"].from_string("{{ raw|words(2) }}|{{ safe|words(2) }}")
    html = template.render(
        {"raw": "<b>bold</b> and more", "safe": mark_safe("<b>bold</b> and more")}
    )
    # Shortening may cut markup in two, so even text marked safe comes out as text.
    assert html == "&lt;b&gt;bold&lt;/b&gt; and …|&lt;b&gt;bold&lt;/b&gt; and …"
