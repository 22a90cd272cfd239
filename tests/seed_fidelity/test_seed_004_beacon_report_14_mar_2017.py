"""Seed 004: Norfolk Children's Services Committee report of 14 March 2017, "Working with
SafeLives": its recommendation, its financial implications by year, and the claims its
summaries must not harden. Every expected fact below is read from the paper."""

import pytest

from tests.seed_fidelity.conftest import meeting_api, missing, present

pytestmark = pytest.mark.django_db

MEETING = "/committees/childrens-services-committee/2017-03-14/"
# The paper asks the committee to endorse two things: its involvement in the partnership,
# and in the Beacon Project.
RECOMMENDATION = (
    "To note and endorse Children's Services' involvement in the partnership and in the "
    "Beacon Project."
)
# Year: (total cost to the partners, Children's Services' share).
COSTS = {
    "2017-2018": ("£55,930", "£11,186"),
    "2018-2019": ("£242,760", "£48,552"),
    "2019-2020": ("£282,030", "£56,406"),
    "2020-2021": ("£222,530", "£44,506"),
    "2021-2022": ("£29,750", "£5,950"),
}


def canon(text):
    return text.replace("’", "'").replace("‘", "'")


@pytest.fixture(scope="module")
def report_url(demo):
    from meetings.models import Report

    return Report.objects.public().get().get_absolute_url()


def test_the_recommendation_is_whole_wherever_the_item_is_shown(demo, report_url):
    for text in (
        demo.page(MEETING),
        demo.pdf(MEETING + "agenda.pdf"),
        demo.page(report_url),
    ):
        assert not missing(canon(text), RECOMMENDATION)
    (item,) = meeting_api(demo, "childrens-services-committee", "2017-03-14")["agenda_items"]
    assert canon(item["description"]) == RECOMMENDATION


def test_the_financial_implications_by_year(demo, report_url):
    page = demo.page(report_url)
    for year, (total, share) in COSTS.items():
        assert not missing(page, f"{year} {total} {share}"), year
    assert not missing(page, "£833,000", "£2m")


def test_the_summaries_keep_proposals_and_intentions_as_such(demo, report_url):
    """The paper proposes how the £833,000 is split and intends an external evaluation; it
    says DA causes "a range of adverse" effects. The summaries say no more than that."""
    page = canon(demo.page(report_url))
    assert not missing(
        page,
        "It is proposed that the partners' £833,000 be divided equally between the five partners",
        "the intention being that an external partner carries it out",
        "a range of adverse physical and mental health, social, wellbeing and behavioural effects",
    )
    assert not present(page, "lasting harm", "is part of the scheme")


def test_the_report_is_found_by_the_words_of_its_sections(demo, report_url):
    """The demo's report is loaded as a fixture, past the model's save(): the text search
    reads is kept all the same, so the paper's own words find it."""
    for words in ("Penta", "Westmacott", "Troubled Families"):
        page = demo.page(f"/search/?q={words.replace(' ', '+')}")
        assert not missing(page, "Working with SafeLives"), words
        assert report_url in demo.client.get(f"/search/?q={words}").content.decode(), words


def test_the_meeting_is_shown_as_held_not_as_an_agenda_just_published(demo):
    # The 2017 meeting happened; its minutes are not held here.
    page = demo.page(MEETING)
    assert "Status Held" in " ".join(page.split())
    assert "Agenda published" not in page
    # Its notice says the council publishes them: not "not published yet".
    assert "its minutes are published by Norfolk County Council" in page
    assert "The minutes of this meeting have not been published here." in page
    assert "published yet" not in page
