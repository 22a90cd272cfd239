"""Real PDFs for upload tests, made the way partners make them."""

import io


def make_pdf(text="Community safety report", pages=1):
    """A genuine text PDF rendered by WeasyPrint."""
    from weasyprint import HTML

    body = "".join(
        f'<p style="page-break-after: always">{text} page {n}</p>' for n in range(1, pages + 1)
    )
    return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def make_encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
