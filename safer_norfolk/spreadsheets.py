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
    """(header, rows) of a CSV or XLSX file given as bytes; rows are lists of cell values."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(
                "The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
            ) from None
        rows = list(csv.reader(io.StringIO(text)))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook  # imported here: only imports need it

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds of error on a damaged file
            raise ImportFileError("The XLSX file could not be read; it may be damaged.") from error
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        raise ImportFileError("Upload a .csv or .xlsx file.")
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise ImportFileError("The file is empty.")
    return rows[0], rows[1:]
