"""Seed 000: minutes of the NCCSP Scrutiny Sub-Panel, 24 February 2022, and their appendix of
written responses. Every expected fact below is read from the paper."""

import pytest

from tests.seed_fidelity.conftest import meeting_api, missing, present

pytestmark = pytest.mark.django_db

PAGE = "/committees/nccsp-scrutiny-sub-panel/2022-02-24/"
MINUTES_PDF = PAGE + "minutes.pdf"

PRESENT = [
    ("Cllr Penny Carpenter", "Great Yarmouth Borough Council"),
    ("Cllr Alexandra Kemp", "King's Lynn and West Norfolk Borough Council"),
    ("Cllr Graham Carpenter", "Norfolk County Council"),
    ("Cllr Emma Corlett", "Norfolk County Council"),
    ("Cllr James Easter", "South Norfolk District Council"),
    ("Cllr Adam Giles", "Norwich City Council"),
]
ALSO_IN_ATTENDANCE = [
    ("Mark Stokes", "Chief Executive, OPCCN and Chair of the NCCSP Partnership"),
    ("Amanda Murr", "Head of Community Safety, OPCCN"),
    ("Liam Bannon", "Community Safety Officer, OPCCN"),
    ("Nicola Jepson", "Community Safety Officer, OPCCN"),
    ("Craig Chalmers", "Community Safety Lead"),
    ("Jo Martin", "Democratic Support and Scrutiny Manager, Norfolk County Council"),
    ("Tim Shaw", "Committee Officer"),
]
APOLOGIES_NAMED_MEMBERS = [
    "Cllr Tim Adams",
    "Cllr Mark Kiddle-Morris",
    "Cllr Nigel Shaw",
    "Cllr Alison Webb",
]
APOLOGIES_SUBSTITUTE_MEMBERS = [
    "Cllr Robert Hambidge",
    "Cllr Julian Kirk",
    "Cllr Sarah Butikofer",
    "Cllr Ian Stutely",
]
QUESTIONS = {
    1: "Reference Delivery Plan action 1.14: Is there a strong referral process at district "
    "level around substance misuse prevention and accommodation?",
    2: "Reference Delivery Plan action 1.17: Is there still a prolific offender unit and is "
    "this based within divisions or centrally?",
    3: "Reference Delivery Plan action 1.14: What is the Partnership's own self-assessment of "
    "how far away it is from the success measure that 'strong referral pathways exist' and is "
    "there any geographical variation?",
    4: "Would it be possible to access the evaluation reports of perpetrator schemes, "
    "particularly those on reoffending rates and the",  # the paper: "building better relationships scheme"
    5: "Could an update be provided on where there are gaps in support for victims in Norfolk "
    "and how they will be plugged",
    6: "Could the Partnership provide details of the numbers of people coming forward for help, "
    "the numbers who feel they have been helped and the number of perpetrators who have been "
    "helped?",
}
# Minute number -> the resolutions recorded under it, verb and words, in order.
RESOLUTIONS = {
    "5": [
        ("NOTED", "the final Delivery Plan"),
        ("NOTED", "that written responses to questions raised in the meeting would be provided"),
        ("AGREED", "to delegate to the Chair and Vice-Chair the task of reporting the outcome"),
    ],
    "6": [
        ("NOTED", "the report"),
        ("NOTED", "that written responses to questions raised in the meeting would be provided"),
        ("AGREED", "to delegate to the Chair and Vice-Chair the task of reporting the outcome"),
    ],
    "7": [
        ("NOTED", "the report"),
        (
            "NOTED",
            "that requests for further information would be addressed in reports to the next meeting",
        ),
        ("AGREED", "to delegate to the Chair and Vice-Chair the task of reporting the outcome"),
    ],
    "8": [("AGREED", "the forward work programme as set out in Appendix A")],
}
MINUTE_HEADINGS = [
    ("1", "Apologies for Absence"),
    ("2", "Minutes"),
    ("3", "Declaration of Interests"),
    ("4", "Urgent Business"),
    (
        "5",
        "Norfolk Countywide Community Safety Partnership Strategy 2021-24: the final Delivery Plan",
    ),
    ("6", "Partnership Priority - Serious Violence"),
    ("7", "Partnership Priority – Prevent"),
    ("8", "Forward Work Programme"),
]


def canon(text):
    """Quotes and apostrophes as plain characters, so typography does not decide a test."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


@pytest.fixture(scope="module", params=["page", "pdf"])
def minutes_text(request, demo):
    """The minutes as the public page and as the minutes PDF show them."""
    if request.param == "page":
        return canon(demo.page(PAGE))
    return canon(demo.pdf(MINUTES_PDF))


def test_date_time_and_place(demo):
    page = demo.page(PAGE)
    assert not missing(page, "Thursday 24 February 2022")
    assert not missing(page, "10.00 a.m. to 12.05 p.m.")
    assert not missing(page, "County Hall, Norwich")
    pdf = demo.pdf(MINUTES_PDF)
    assert not missing(pdf, "24 February 2022")
    assert not missing(pdf, "10.00 a.m.")
    assert not missing(pdf, "County Hall, Norwich")


def test_meeting_in_the_api(demo):
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2022-02-24")
    assert meeting["starts_at"].startswith("2022-02-24T10:00:00")
    assert meeting["ends_at"].startswith("2022-02-24T12:05:00")
    assert meeting["venue"] == "County Hall, Norwich"
    assert [item["number"] for item in meeting["agenda_items"]] == [str(n) for n in range(1, 9)]
    assert meeting["agenda_items"][4]["title"] == (
        "Norfolk Countywide Community Safety Partnership Strategy 2021-24: the final Delivery Plan"
    )


def test_present_with_their_councils_and_the_vice_chair_in_the_chair(minutes_text):
    for name, council in PRESENT:
        assert not missing(minutes_text, name)
        assert not missing(minutes_text, council)
    assert not missing(minutes_text, "Vice-Chair in the Chair")


def test_also_in_attendance_with_their_roles(minutes_text):
    for name, role in ALSO_IN_ATTENDANCE:
        assert not missing(minutes_text, name)
        assert not missing(minutes_text, role)


def test_apologies_of_named_and_substitute_members(minutes_text):
    for name in APOLOGIES_NAMED_MEMBERS + APOLOGIES_SUBSTITUTE_MEMBERS:
        assert not missing(minutes_text, name)
    assert not missing(minutes_text, "Gavin Thompson")
    assert not missing(minutes_text, "Director, Policy and Commissioning")
    assert not missing(minutes_text, "replaced Cllr Cate Oliver")


def test_nobody_is_shown_substituting(minutes_text):
    # Every substitute named in the paper sent apologies: none attended in a member's place.
    assert not present(minutes_text, "substituted by")
    assert not present(minutes_text, "substitute for")


def test_declarations_as_recorded(minutes_text):
    assert not missing(
        minutes_text,
        'Cllr Corlett declared an "Other Interest" as Chair of Trustees of Leeway',
        'Cllr Penny Carpenter declared an "Other Interest" as a member of the Safeguarding Adults Board',
    )
    assert not present(minutes_text, "No interests were declared")


def test_minutes_confirmed_and_no_urgent_business(minutes_text):
    assert not missing(minutes_text, "16 September 2021")
    assert not missing(minutes_text, "accurate record")
    assert not missing(minutes_text, "There were no items of urgent business")


def test_numbered_minutes_and_their_resolutions(minutes_text):
    for number, heading in MINUTE_HEADINGS:
        assert not missing(minutes_text, f"{number}. {heading}")
    for resolutions in RESOLUTIONS.values():
        for verb, words in resolutions:
            assert not missing(minutes_text, f"{verb} {words}")


def test_numbered_minutes_and_resolutions_in_the_api(demo):
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2022-02-24")
    minutes = demo.api_results(f"/api/v1/minutes/?meeting={meeting['id']}")
    assert [(minute["number"], minute["heading"]) for minute in minutes] == MINUTE_HEADINGS
    by_number = {minute["number"]: minute for minute in minutes}
    for number, expected in RESOLUTIONS.items():
        recorded = by_number[number]["resolutions"]
        assert len(recorded) == len(expected), number
        for resolution, (verb, words) in zip(recorded, expected, strict=True):
            assert resolution["verb"] == verb.lower()
            assert resolution["text"].startswith(words), (number, resolution["text"])


def test_end_time_written_once_without_a_double_full_stop(minutes_text):
    assert not present(minutes_text, "p.m..")
    assert not present(minutes_text, "a.m..")


def test_minutes_pdf_carries_the_alternative_format_line(demo):
    pdf = demo.pdf(MINUTES_PDF)
    assert not missing(pdf, "0344 800 8020")
    assert not missing(pdf, "18001 0344 800 8020")


def test_forward_work_programme_additions_for_june_2022(minutes_text):
    for words in [
        "St Giles SOS",
        "Project ADDER",
        "Community Trigger Process",
        "Domestic Homicide Review process",
    ]:
        assert not missing(minutes_text, words)
    assert not missing(minutes_text, "June 2022")


def test_written_questions_on_the_page(demo):
    page = canon(demo.page(PAGE))
    for text in QUESTIONS.values():
        assert not missing(page, text)
    # The response figures the paper gives.
    for figure in ["22,072", "26%", "38 additional bedspaces", "35%"]:
        assert not missing(page, figure)


def test_written_questions_in_the_api(demo):
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2022-02-24")
    questions = demo.api_results(f"/api/v1/written-questions/?meeting={meeting['id']}")
    assert [question["number"] for question in questions] == [1, 2, 3, 4, 5, 6]
    for question in questions:
        assert canon(question["question"]).startswith(QUESTIONS[question["number"]])
        assert question["status"] == "answered"
        assert question["response"]
        # The appendix gives no date for its responses.
        assert question["responded_on"] is None


def test_written_questions_are_not_tied_to_actions_the_paper_does_not_name(demo):
    # Questions 1-3 name actions 1.14 and 1.17 of the final delivery plan, which the demo does
    # not hold: it holds the draft of September 2021 (seed 002), numbered differently. No
    # question is tied to a draft action the paper never names; its own words keep the number.
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2022-02-24")
    questions = demo.api_results(f"/api/v1/written-questions/?meeting={meeting['id']}")
    assert [q["plan_actions"] for q in questions] == [[]] * 6
    by_number = {q["number"]: canon(q["question"]) for q in questions}
    assert "action 1.14" in by_number[1]
    assert "action 1.17" in by_number[2]
    assert "action 1.14" in by_number[3]
    assert not present(canon(demo.page(PAGE)), "Cites ")


def test_no_response_date_the_paper_does_not_give(demo):
    for url in [PAGE, "/questions/"]:
        assert not present(demo.page(url), "18 March 2022")
    assert not present(demo.pdf(MINUTES_PDF), "18 March 2022")


def test_no_publication_days_the_papers_do_not_give(demo):
    # Seed 000 gives neither the day the agenda was published nor the minutes: none is shown,
    # and the API says it is not known rather than giving a day made up for it.
    page = demo.page(PAGE)
    assert not present(page, "Agenda published on", "16 February 2022")
    front_sheet = demo.pdf(PAGE + "agenda.pdf")
    assert not present(front_sheet, "Agenda published:", "Agenda not yet published")
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2022-02-24")
    assert meeting["agenda_published_at"] is None
    assert meeting["minutes_published_at"] is None


SEPTEMBER = "/committees/nccsp-scrutiny-sub-panel/2021-09-16/"


def test_the_minutes_of_16_september_2021_are_agreed_here(demo):
    # Minute 2: the minutes of the previous meeting (16 September; "2022" in the paper is a
    # slip: it is the panel's meeting before this one) were agreed. They are not held here.
    assert not missing(
        canon(demo.page(PAGE)),
        "This meeting agreed the minutes of the meeting on 16 September 2021 as an accurate record.",
    )
    september = " ".join(demo.page(SEPTEMBER).split())
    assert "The minutes of this meeting have not been published here." in september
    assert "They were agreed as an accurate record at the meeting on 24 February 2022" in september


def test_summaries_keep_what_was_suggested_intended_and_acknowledged(demo):
    page = " ".join(canon(demo.page(PAGE)).split())
    for words in [
        # 5.3: a suggestion, not an instruction; comments taken back, not a promise to act.
        "it was suggested that future reports give a clear sense",
        "agreed to take back to the Partnership comments",
        "recognised the importance of data quality",
        # 6.3: what part of the strategy aimed at.
        "part of the strategy aimed to use different forms of news media",
        # Question 1: the gap the Partnership acknowledges.
        "acknowledges a strong referral process for women in particular",
        # Question 3: no variation identified (not a finding of one provider's); "generally".
        "No significant variation in the strength of referral pathways",
        "generally with strong local referral routes",
        # Question 5: a specification being worked on with refuge providers.
        "working with key refuge support providers on an improved children's specification",
    ]:
        assert words in page, words
    for hardened in [
        "Future reports should give",
        "to consider how to hear from",
        "The strategy would use",
        "Change, Grow, Live reports no significant",
        "children's specification is being agreed",
    ]:
        assert hardened not in page, hardened


def test_the_items_added_for_june_2022_are_agreed_so_scheduled(demo):
    # 8.2: the panel AGREED the programme with these four additions for its June meeting.
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2022-02-24")
    items = demo.api_results(f"/api/v1/work-programme/?committee={meeting['committee']}")
    added = [item for item in items if item["target_text"] == "June 2022"]
    assert len(added) == 4
    assert {item["status"] for item in added} == {"scheduled"}


def test_robert_hambidge_is_a_substitute_member_by_this_meeting(demo):
    # 1.2 lists him among the substitute members; the 16 September 2021 front sheet (seed 002)
    # does not, and neither paper says whom he stands in for.
    person = " ".join(demo.page("/people/robert-hambidge/").split())
    assert "Not a member of any committee" not in person
    assert "Scrutiny Sub Panel Substitute 24 February 2022 Current" in person
    assert not present(demo.pdf(SEPTEMBER + "agenda.pdf"), "Hambidge")
    # On the committee's page he is a substitute named for no main member, not a member.
    committee = " ".join(demo.page("/committees/nccsp-scrutiny-sub-panel/").split())
    assert "Not recorded Cllr Robert Hambidge" in committee
