"""Reading an uploaded paper: its text page by page as headings and paragraphs
(safer_norfolk.pdf_text) and the facts that say whether it is accessible
(safer_norfolk.pdf_accessibility), on real PDFs made as partners make them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safer_norfolk import pdf_accessibility, pdf_text
from safer_norfolk.validators import inspect_pdf
from tests.pdfs import make_paper, make_scanned_pdf

WRAPPING = (
    "The partnership received 412 referrals in the quarter, a fifth more than a year earlier, "
    "and most of the increase came from the three districts where the new scheme started."
)

REPORT = f"""
<h1>Safer Norfolk Plan: delivery update</h1>
<p>Report by the Head of Community Safety. {WRAPPING}</p>
<h2>1. Proposal</h2>
<p>1.1 The panel is asked to note the progress made against each of the plan's priorities.</p>
<p>1.2 The panel is asked to agree the actions proposed for the coming year.</p>
<p>2. Background</p>
<ul><li>Burglary: down by 12%</li><li>Scams: {WRAPPING}</li></ul>
<p style="break-before: page">Second page. {WRAPPING}</p>
"""

READ = [
    [
        ["heading", "Safer Norfolk Plan: delivery update"],
        ["paragraph", f"Report by the Head of Community Safety. {WRAPPING}"],
        ["heading", "1. Proposal"],
        [
            "paragraph",
            "1.1 The panel is asked to note the progress made against each of the plan's "
            "priorities.",
        ],
        ["paragraph", "1.2 The panel is asked to agree the actions proposed for the coming year."],
        ["heading", "2. Background"],
        ["paragraph", "Burglary: down by 12%"],
        ["paragraph", f"Scams: {WRAPPING}"],
    ],
    [["paragraph", f"Second page. {WRAPPING}"]],
]


def read(data, max_characters=1_000_000):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages, texts = pdf_text.read(reader, max_characters=max_characters)
    return reader, pages, texts


def upload(data):
    return inspect_pdf(SimpleUploadedFile("paper.pdf", data, "application/pdf"))


@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "untagged"])
def test_a_papers_pages_are_read_as_headings_and_paragraphs(tagged):
    _, pages, _ = read(make_paper(REPORT, tagged=tagged))

    assert pages == READ


def test_a_heading_set_over_two_lines_is_one_heading_and_a_page_without_text_has_no_blocks():
    long_title = (
        "Domestic abuse safe accommodation strategy: the needs assessment and what it found"
    )
    body = (
        f"<h1>{long_title}</h1><p>{WRAPPING}</p>"
        "<div style='break-before: page; height: 5cm; border: 1px solid'></div>"
    )

    _, pages, _ = read(make_paper(body))

    assert pages == [[["heading", long_title], ["paragraph", WRAPPING]], []]


def test_a_line_broken_after_a_slash_or_hyphen_runs_on_without_a_space():
    sentence = (
        "Read the plan at https://www.norfolk.gov.uk/safer-norfolk/delivery-plan-2021-24 and "
        "send comments by the end of the month, in writing."
    )

    _, pages, texts = read(make_paper(f'<p style="width: 5cm">{sentence}</p>'))

    assert "https://\nwww.norfolk.gov.uk/\nsafer-norfolk/delivery-\nplan" in texts[0]
    assert pages == [[["paragraph", sentence]]]


def test_numbered_lines_that_read_as_sentences_are_paragraphs():
    body = (
        f"<p>{WRAPPING}</p>"
        "<p>3. Members noted the report.</p>"
        "<p>4. Members asked about funding in rural districts</p>"
        "<p>5 Apologies</p>"
    )

    _, pages, _ = read(make_paper(body))

    assert pages == [
        [
            ["paragraph", WRAPPING],
            ["paragraph", "3. Members noted the report."],
            ["paragraph", "4. Members asked about funding in rural districts"],
            ["heading", "5 Apologies"],
        ]
    ]


def test_search_keeps_the_text_pypdf_extracts_page_by_page():
    from pypdf import PdfReader

    data = make_paper(REPORT)

    facts = upload(data)

    expected = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert facts.text == expected
    assert facts.pages == READ
    assert facts.page_count == 2


def test_pages_past_the_limit_of_text_are_left_out():
    data = make_paper(REPORT)

    _, pages, texts = read(data, max_characters=10)

    assert pages == READ[:1]
    assert len(texts) == 1


def test_text_is_shown_without_control_characters_or_broken_surrogates():
    assert pdf_text.clean("Safer\x00 Norfolk\x07\t\n plan \ud800 2021") == "Safer Norfolk plan 2021"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, []),
        ({"tagged": False}, ["untagged"]),
        ({"title": None}, ["no_title"]),
        ({"lang": None}, ["no_language"]),
        ({"tagged": False, "title": None, "lang": None}, ["untagged", "no_title", "no_language"]),
    ],
    ids=["accessible", "untagged", "no-title", "no-language", "none-of-them"],
)
def test_the_check_finds_each_missing_fact(options, expected):
    facts = upload(make_paper(REPORT, **options))

    assert facts.has_text_layer is True
    assert facts.accessibility_problems == expected


def test_a_scanned_paper_has_no_text_layer():
    facts = upload(make_scanned_pdf(pages=2))

    assert facts.page_count == 2
    assert facts.pages == [[], []]
    assert facts.has_text_layer is False
    assert facts.accessibility_problems == ["no_text_layer", "untagged"]


def test_a_title_given_only_in_the_xmp_metadata_counts():
    from pypdf import PdfReader, PdfWriter
    from pypdf.xmp import XmpInformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_paper(REPORT, title=None))))
    xmp = XmpInformation.create()
    xmp.dc_title = {"x-default": "Safer Norfolk Plan: delivery update"}
    writer.xmp_metadata = xmp
    buffer = io.BytesIO()
    writer.write(buffer)

    reader, _, _ = read(buffer.getvalue())

    assert reader.metadata.get("/Title") is None
    assert pdf_accessibility.has_title(reader) is True


def rewritten(data, change):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer.root_object)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_paper_marked_as_not_tagged_is_untagged_whatever_structure_it_carries():
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject

    def unmark(root):
        root[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(False)}
        )

    data = rewritten(make_paper(REPORT), unmark)

    reader, _, _ = read(data)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert upload(data).accessibility_problems == ["untagged"]


def test_a_fact_a_malformed_file_cannot_give_is_unknown_and_the_paper_is_accepted():
    from pypdf.generic import NameObject, NumberObject

    def break_mark_info(root):
        root[NameObject("/MarkInfo")] = NumberObject(7)

    facts = upload(rewritten(make_paper(REPORT), break_mark_info))

    assert (facts.is_tagged, facts.has_title, facts.has_language) == (None, True, True)
    assert facts.accessibility_problems == []


def test_facts_never_read_are_no_problem():
    found = pdf_accessibility.problems(
        has_text_layer=None, is_tagged=None, has_title=None, has_language=None
    )

    assert found == []


def test_the_officer_is_told_each_problem_and_what_to_do():
    message = pdf_accessibility.officer_warning(
        "Delivery plan update", ["no_text_layer", "untagged", "no_title", "no_language"]
    )

    assert message.startswith("“Delivery plan update” was saved, but it may not be accessible")
    assert "It has no text layer (it looks scanned)" in message
    assert "export it from the original document rather than scanning it" in message
    assert "It is not tagged" in message
    assert "“Document structure tags for accessibility” ticked" in message
    assert "It has no title: set one in the document's properties" in message
    assert "It does not say what language it is in" in message
    assert "set the language in the document's properties" in message
    assert message.endswith("Then upload the new copy in its place.")
