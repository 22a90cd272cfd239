"""The API's request body parser (DEFAULT_PARSER_CLASSES).

Apart from safer_norfolk.api because DRF imports the parsers while defining its views, which
that module imports.
"""

from rest_framework import exceptions, parsers

# The deepest body any endpoint takes has three levels (figures in bulk).
MAX_JSON_NESTING = 20
TOO_DEEP = (
    f"The body is nested more than {MAX_JSON_NESTING} levels deep; no request needs more than "
    "a few."
)


def nesting(data):
    """How many arrays and objects deep `data` goes, counted level by level (no recursion)."""
    depth, level = 0, [data]
    while depth <= MAX_JSON_NESTING:
        containers = [value for value in level if isinstance(value, dict | list)]
        if not containers:
            break
        depth += 1
        level = [
            child
            for container in containers
            for child in (container.values() if isinstance(container, dict) else container)
        ]
    return depth


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than any request needs. Python's
    parser recurses once per level: some hundreds of brackets run it out of stack, which
    would otherwise be a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(TOO_DEEP) from error
        if nesting(data) > MAX_JSON_NESTING:
            raise exceptions.ParseError(TOO_DEEP)
        return data
