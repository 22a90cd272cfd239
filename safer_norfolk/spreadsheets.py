"""Reading spreadsheets that officers upload (CSV or XLSX), and reporting their problems by
row and column. Used by every import: outcome figures, plan actions."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, damaged)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, column “{self.column}”: {self.message}"


def read_rows(name, content):
    """(header, rows) of a CSV or XLSX file given as bytes; rows are lists of cell values.
    Raises ImportFileError, never anything else, for a file that cannot be read."""
    _, header, numbered = read_numbered_rows(name, content)
    return header, [row for _, row in numbered]


def read_numbered_rows(name, content):
    """(header's row number, header, [(row number, row)]): rows numbered as the spreadsheet
    numbers them, blank rows left out but counted, so that a problem names the row the
    officer sees. The header is the first row that is not blank."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(content)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(content)
    else:
        raise ImportFileError("Upload a .csv or .xlsx file.")
    _refuse_binary(rows)
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(cell not in (None, "") for cell in row)
    ]
    if not numbered:
        raise ImportFileError("The file is empty.")
    (header_row, header), rows = numbered[0], numbered[1:]
    return header_row, header, rows


def _refuse_binary(rows):
    if any(isinstance(cell, str) and "\x00" in cell for row in rows for cell in row):
        # NUL is never text a person typed, and PostgreSQL cannot store it.
        raise ImportFileError(
            "The file holds binary data (NUL characters), not text. Save it again from the "
            "spreadsheet as “CSV UTF-8” or .xlsx and try again."
        )


def _csv_rows(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
        ) from None
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as error:  # e.g. a cell longer than the csv module allows
        raise ImportFileError(
            f"The CSV file could not be read ({error}); it may not be a CSV file. Save it "
            "again as “CSV UTF-8” and try again."
        ) from error


def _xlsx_rows(content):
    from openpyxl import load_workbook  # imported here: only imports need it

    # In read-only mode openpyxl reads the sheet while iterating it, so a damaged sheet
    # fails there, not when the workbook opens: both are inside the same guard.
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise ImportFileError("The XLSX file could not be read; it may be damaged.") from error
