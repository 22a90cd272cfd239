"""Helpers for files people open in spreadsheets."""

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as text, with a leading apostrophe where a spreadsheet would otherwise run it
    as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def safe_row(values):
    return [safe_cell(value) for value in values]
