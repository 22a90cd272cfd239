from django.template import engines
from django.template.defaultfilters import truncatewords
from django.utils.safestring import SafeString, mark_safe
from hypothesis import example, given, settings
from hypothesis import strategies as st

from safer_norfolk.templatetags.text import words


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
    assert words(value, count) == truncatewords(value, count)


def test_words_keeps_safe_text_safe_and_escapes_the_rest():
    template = engines["django"].from_string("{% load text %}{{ raw|words:2 }}|{{ safe|words:2 }}")
    html = template.render(
        {"raw": "<b>bold</b> and more", "safe": mark_safe("<b>bold</b> and more")}
    )
    assert html == "&lt;b&gt;bold&lt;/b&gt; and …|<b>bold</b> and …"
    assert isinstance(words(SafeString("a b c"), 2), str)
