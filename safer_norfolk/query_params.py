"""Reading values from the query string: a visitor can send anything there, and a value
that reaches the database unchecked must never turn into a server error.

A NUL byte cannot be stored in or compared with a PostgreSQL text value (psycopg2 refuses
it with ValueError), a number beyond 64 bits overflows an integer column, and str.isdigit()
is true of digits such as "²" that int() refuses.
"""

import re

# The largest value a (Big)AutoField primary key or a foreign key to one can hold.
MAX_ID = 2**63 - 1
SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


def record_id(value):
    """`value` as a record id when it is one (ASCII digits, in range), else None."""
    if value and value.isascii() and value.isdigit():
        number = int(value)
        if 0 < number <= MAX_ID:
            return number
    return None


def is_slug(value):
    """Whether `value` could be a slug: anything else matches no record."""
    return bool(value) and SLUG.match(value) is not None


def without_nul(value):
    """Free text with any NUL bytes removed."""
    return value.replace("\x00", "")
