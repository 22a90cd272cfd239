"""The publication rule is written once per model, in its queryset's `public()` (DESIGN §5):
no public channel (page, API, search, feed, PDF, CSV, outstanding statements) filters by the
fields that decide publication itself. A channel that did would keep its own copy of the rule,
and the copy is where an exempt item's question or action point got out before.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("safer_norfolk", "meetings", "delivery_plans", "outcomes", "alerts")
# Where the rule lives (models), where its answer is stored (publication: action points and
# questions), and the officers' side, which changes publication state.
NOT_CHANNELS = {"models.py", "publication.py", "services.py"}
NOT_CHANNEL_PARTS = {"migrations", "management"}
# The columns that decide whether a record is public.
PUBLICATION_FIELDS = {"agenda_status", "minutes_status", "is_exempt", "is_public"}
SQL_WORDS = ("select ", "where ", " join ")


def _publication_lookup(name, value):
    parts = name.split("__")
    if PUBLICATION_FIELDS & set(parts):
        return True
    if "status" not in parts:
        return False
    # plan__status=…, framework__status=…, or any status compared with "published".
    position = parts.index("status")
    if position and parts[position - 1] in {"plan", "framework"}:
        return True
    if isinstance(value, ast.Constant) and value.value == "published":
        return True
    return isinstance(value, ast.Attribute) and value.attr == "PUBLISHED"


def publication_filters(source, filename="<source>"):
    """(line, text) of each place in `source` that filters by a publication field: a keyword
    lookup (filter, exclude, Q, Count(filter=…), Exists…) or SQL naming the column."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and _publication_lookup(keyword.arg, keyword.value):
                    found.append((node.lineno, f"{keyword.arg}=…"))
            for argument in node.args:  # Q(("minutes_status__in", …)) and F("is_public")
                if isinstance(argument, ast.Tuple) and argument.elts:
                    first = argument.elts[0]
                    if (
                        isinstance(first, ast.Constant)
                        and isinstance(first.value, str)
                        and _publication_lookup(first.value, argument.elts[-1])
                    ):
                        found.append((node.lineno, first.value))
        elif isinstance(node, ast.Dict):  # filter(**{"meeting__minutes_status__in": …})
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and "__" in key.value
                    and _publication_lookup(key.value, value)
                ):
                    found.append((node.lineno, key.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            if any(word in text for word in SQL_WORDS) and any(
                field in text for field in PUBLICATION_FIELDS
            ):
                found.append((node.lineno, node.value[:60]))
    return found


def channel_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if path.name in NOT_CHANNELS or path.name.startswith("admin"):
                continue
            if NOT_CHANNEL_PARTS & set(relative.parts):
                continue
            yield relative


def test_no_public_channel_writes_the_publication_rule_itself():
    modules = list(channel_modules())
    assert {
        Path("meetings/api.py"),
        Path("meetings/search.py"),
        Path("meetings/outstanding.py"),
        Path("meetings/queries.py"),
        Path("meetings/feeds.py"),
        Path("meetings/pdf.py"),
        Path("meetings/views.py"),
        Path("delivery_plans/queries.py"),
        Path("outcomes/queries.py"),
    } <= set(modules)
    offences = [
        f"{module}:{line}: {text}"
        for module in modules
        for line, text in publication_filters((ROOT / module).read_text(), str(module))
    ]
    assert not offences, (
        "These channels filter by publication fields themselves; start from the model's "
        "public() instead:\n" + "\n".join(offences)
    )


@pytest.mark.parametrize(
    "source",
    [
        'Minute.objects.filter(meeting__minutes_status__in=["published", "confirmed"])',
        "Minute.objects.exclude(agenda_item__is_exempt=True)",
        "Q(meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED)",
        'Count("action_points", filter=Q(action_points__meeting__minutes_status="published"))',
        'Action.objects.filter(plan__status="published")',
        "ActionUpdate.objects.filter(status=ActionUpdate.Status.PUBLISHED)",
        'rows.filter(**{"meeting__minutes_status__in": MINUTES_PUBLIC})',
        'cursor.execute("SELECT id FROM meetings_meeting WHERE agenda_status = %s")',
        "Document.objects.filter(is_public=True, meeting=meeting)",
    ],
)
def test_the_check_finds_a_channel_s_own_copy_of_the_rule(source):
    assert publication_filters(source)


@pytest.mark.parametrize(
    "source",
    [
        "Minute.objects.public().filter(meeting=meeting)",
        'ActionPoint.objects.public().filter(status="open")',
        'fields = ["minutes_status", "is_exempt"]',
        "if meeting.minutes_status != Meeting.MinutesStatus.CONFIRMED: pass",
    ],
)
def test_the_check_lets_channels_use_public_and_read_fields(source):
    assert not publication_filters(source)
