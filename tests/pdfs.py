"""Real PDFs for upload and pack tests, made the way partners make them."""

import io


def make_pdf(text="Community safety report", pages=1):
    """A genuine text PDF rendered by WeasyPrint, with `pages` pages."""
    from weasyprint import HTML

    body = "".join(
        f'<p style="break-after: {"page" if n < pages else "auto"}">{text} page {n}</p>'
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def make_encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_pages_text(data):
    """The text of each page."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def outline_titles(data):
    """The outline as nested lists of titles."""
    from pypdf import PdfReader

    def walk(items):
        return [walk(item) if isinstance(item, list) else item.title for item in items]

    return walk(PdfReader(io.BytesIO(data)).outline)


def is_tagged_pdf_ua(data):
    """(structure tree, marked, language, title) of a PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    return (
        "/StructTreeRoot" in root,
        bool(mark_info and mark_info.get_object().get("/Marked")),
        str(root.get("/Lang", "")),
        (reader.metadata or {}).get("/Title", ""),
    )
