from hypothesis import given, settings
from hypothesis import strategies as st

from safer_norfolk.text import (
    paragraphs,
    render_markdown,
    render_numbered_paragraphs,
    render_resolution,
)


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown(
        "**NOTED** the report.\n\n- one\n- two\n\n[Plan](https://example.org/plan)"
    )

    assert "<strong>NOTED</strong>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.org/plan" rel="noopener noreferrer">Plan</a>' in html


def test_script_tags_come_out_inert():
    html = render_markdown("Before <script>alert('x')</script> after")

    assert "<script" not in html
    assert "Before" in html


def test_javascript_links_lose_their_target():
    html = render_markdown('[click](javascript:alert(1)) and <a href="JaVaScRiPt:alert(2)">raw</a>')

    assert "javascript:" not in html.lower()
    assert "click" in html


def test_event_handler_attributes_are_removed():
    html = render_markdown('<img src="x" onerror="alert(1)"> <p onclick="steal()">text</p>')

    assert "onerror" not in html
    assert "onclick" not in html
    assert "<img" not in html
    assert "text" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""


def test_top_level_paragraphs_are_numbered_with_the_minute_number():
    body = "The panel received the report.\n\nKey points:\n\n- referrals rose\n- funding agreed\n\nMembers thanked officers."

    assert len(paragraphs(body)) == 3
    html = render_numbered_paragraphs(body, "5")
    assert html.count("app-numbered-paragraph__number") == 3
    assert ">5.1</span>" in html
    assert ">5.2</span>" in html
    assert ">5.3</span>" in html
    assert "<li>referrals rose</li>" in html


def test_numbered_paragraphs_are_sanitised_too():
    html = render_numbered_paragraphs(
        'Text <script>x()</script>\n\n<a href="javascript:x()">y</a>', "2"
    )

    assert "<script" not in html
    assert "javascript:" not in html


def test_resolution_puts_the_verb_in_bold_and_escapes_the_text():
    assert render_resolution(1, "noted", "the report.") == "1) <strong>NOTED</strong> the report."
    assert "&lt;b&gt;" in render_resolution(2, "agreed", "<b>to</b> delegate")


# Text built mostly from what minutes are written in, with now and then a character or line
# shape that means something to Markdown, so both sides of the shortcut are exercised.
_PROSE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:'\"()-+/%£?€é"
_SPECIAL = "\\`*_[]<>&|!#~=\t\n\r\x00\x02\x03\u00a0\u2028 "


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=_PROSE, min_size=1, max_size=80),
        st.text(alphabet=_PROSE + _SPECIAL, min_size=1, max_size=40),
        st.builds(
            lambda start, rest: start + rest,
            st.sampled_from(["1. ", "2) ", "- ", "+ ", "* ", "# ", "> ", "    ", "---", "==="]),
            st.text(alphabet=_PROSE, max_size=30),
        ),
    )
)
def test_the_plain_paragraph_shortcut_gives_what_markdown_and_sanitising_give(text):
    from safer_norfolk import text as rich_text

    shortcut = rich_text._plain_paragraph(text)
    if shortcut is not None:
        assert shortcut == rich_text._markdown().convert(text)
        assert shortcut == rich_text._sanitise(shortcut)


def test_plain_sentences_take_the_shortcut_and_markup_does_not():
    from safer_norfolk import text as rich_text

    assert rich_text._plain_paragraph("The Panel noted the report (page 12).") is not None
    for marked_up in ("1. First", "- one", "A & B", "**NOTED**", "Two\nlines", " indented"):
        assert rich_text._plain_paragraph(marked_up) is None
