"""Hostile input, case by case, one module per channel.

1. Cross-site scripting: a corpus of script, event-handler, javascript:/data: URL, SVG, iframe,
   style and Markdown tricks, put through every Markdown field and every plain text field the
   public sees, then checked inert in the HTML pages (test_pages.py), the feeds, calendars,
   CSV and open data (test_exports.py), the PDFs (test_pdfs.py) and the API (test_api.py).
2. Uploads: files that are not PDFs, encrypted, damaged, empty or too large are refused with a
   clear message and nothing is stored (test_uploads.py; the API takes no file: test_api.py).
3. Spreadsheet imports: unreadable files and files with any bad row are refused whole
   (test_imports.py).
4. Very long and non-Latin text renders on every page that shows it (test_pages.py) and in
   the PDFs (test_pdfs.py).
5. Unknown slugs, dates and ids are 404s, never 500s (test_pages.py, test_api.py).

world.py holds the corpora and the records they fill; audit.py reads a page as a browser
would; conftest.py the client they share.
"""
