import io
import time

import pytest

from safer_norfolk.pdf import SITE_URL, PdfError, StampFont, render_pdf, site_file, time_limit
from tests.pdfs import is_tagged_pdf_ua, outline_titles, pdf_pages_text


def test_site_files_are_served_from_static_and_nothing_else():
    css, mime = site_file(f"{SITE_URL}static/safer_norfolk/print.css")
    assert b"@page" in css
    assert mime == "text/css"

    for address in [
        "http://example.org/logo.png",
        "https://example.org/style.css",
        "file:///etc/passwd",
        f"{SITE_URL}etc/passwd",
        f"{SITE_URL}static/../../etc/passwd",
        "ftp://example.org/x",
    ]:
        with pytest.raises(ValueError, match=r"site's|No static|No such file"):
            site_file(address)


@pytest.mark.django_db
def test_media_paths_cannot_climb_out_of_the_media_folder(settings, tmp_path):
    (tmp_path / "secret.txt").write_text("secret")
    settings.MEDIA_ROOT = tmp_path / "media"

    with pytest.raises(ValueError, match=r"No media file|No such file"):
        site_file(f"{SITE_URL}media/../secret.txt")


def test_render_pdf_is_tagged_titled_and_has_an_outline_from_headings(caplog):
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Minutes of the panel</title>'
        f'<link rel="stylesheet" href="{SITE_URL}static/safer_norfolk/print.css"></head><body>'
        "<h1>Minutes</h1><p>Text</p><h2>1. Apologies</h2><p>None.</p>"
        '<img src="http://example.org/tracker.png" alt=""><img src="file:///etc/hostname" alt="">'
        "</body></html>"
    )

    data = render_pdf(html)

    assert is_tagged_pdf_ua(data) == (True, True, "en-GB", "Minutes of the panel")
    assert outline_titles(data) == ["Minutes", ["1. Apologies"]]
    assert "Page 1 of 1" in pdf_pages_text(data)[0]


def busy_for(seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


def test_time_limit_stops_a_slow_rendering():
    with pytest.raises(PdfError, match="longer than"), time_limit(0.05):
        busy_for(5)


def test_a_stamp_font_is_embedded_once_cut_down_to_its_characters_and_measures_its_text():
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    font = StampFont(writer, "Page 0123456789()")
    buffer = io.BytesIO()
    writer.write(buffer)

    dictionary = PdfReader(io.BytesIO(buffer.getvalue())).get_object(font.reference.idnum)
    descriptor = dictionary["/FontDescriptor"]
    assert dictionary["/Subtype"] == "/TrueType"
    assert "/FontFile2" in descriptor
    assert (dictionary["/FirstChar"], dictionary["/LastChar"]) == (ord(" "), ord("g"))
    assert font.width("Page 10", 10) > font.width("Page 1", 10) > 0
    assert font.literal("Page (1)") == "(Page \\(1\\))"
    with pytest.raises(ValueError, match="not made for"):
        font.literal("Page x")
    with pytest.raises(ValueError, match="printable ASCII only"):
        StampFont(writer, "Page — 1")


def test_a_stamp_font_that_cannot_be_read_names_the_setting(settings, tmp_path):
    from pypdf import PdfWriter

    settings.PDF_STAMP_FONT = str(tmp_path / "missing.ttf")

    with pytest.raises(PdfError, match="PDF_STAMP_FONT"):
        StampFont(PdfWriter(), "Page 1")


def test_the_tag_check_reads_a_marked_false_as_untagged():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject

    from tests.pdfs import is_tagged_pdf_ua

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(False)}
    )
    out = io.BytesIO()
    writer.write(out)

    assert (
        PdfReader(io.BytesIO(out.getvalue())).trailer["/Root"]["/MarkInfo"]["/Marked"] is not None
    )
    assert is_tagged_pdf_ua(out.getvalue())[1] is False
