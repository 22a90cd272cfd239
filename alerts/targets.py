"""What can be followed, found by kind and key from published material only.

A committee, a plan and an organisation are found by slug, a plan action by its plan's slug
and its number ("safer-norfolk-plan/1.14"), a search and a filter of the outstanding page by
their query string, read by the page's own form and written back in one canonical order so
that the same search followed twice is one subscription (names the page does not read are
left out, as the page leaves them). Anything unpublished, or a query
the page would not accept, is not found: following it is refused as if it did not exist.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from alerts.models import Subscription
from delivery_plans.models import Action, Plan
from meetings.filters import OutstandingFilter
from meetings.forms import SearchForm
from meetings.models import ActionPoint, Committee
from safer_norfolk import formats
from safer_norfolk.models import Organisation

Kind = Subscription.Kind
# The kinds whose key is a query string (their own pages' filters).
QUERIES = (Kind.SEARCH, Kind.OUTSTANDING)
# The parameters of the outstanding page that choose rows (its order and page do not).
NOT_A_FILTER = ("page", "sort")


@dataclass(frozen=True)
class Target:
    kind: str
    key: str
    title: str  # what the reader follows, as the pages and messages name it
    url: str  # its page

    @property
    def follow_url(self):
        """The form to follow it."""
        if self.kind in QUERIES:
            name = f"alerts:follow_{self.kind}"
            return reverse(name) + (f"?{self.key}" if self.key else "")
        return reverse("alerts:follow", kwargs={"kind": self.kind, "key": self.key})


def find(kind, key):
    """The Target of `kind` with `key` (as given, or any spelling of the same query), or
    None when nothing published answers to it."""
    finder = FINDERS.get(kind)
    if finder is None or not isinstance(key, str) or len(key) > 500:
        return None
    return finder(key)


def _committee(key):
    committee = Committee.objects.filter(slug=key).only("name", "slug").first()
    if committee is None:
        return None
    return Target(Kind.COMMITTEE, committee.slug, committee.name, committee.get_absolute_url())


def _plan(key):
    plan = Plan.objects.public().filter(slug=key).only("title", "slug").first()
    if plan is None:
        return None
    return Target(Kind.PLAN, plan.slug, plan.title, plan.get_absolute_url())


def _action(key):
    slug, _, number = key.partition("/")
    action = (
        Action.objects.public()
        .filter(plan__slug=slug, number=number)
        .select_related("plan")
        .only("number", "title", "plan__slug", "plan__title")
        .first()
    )
    if action is None:
        return None
    return Target(
        Kind.ACTION,
        f"{action.plan.slug}/{action.number}",
        f"{action.plan.title}: action {action.number}, {action.title}",
        action.get_absolute_url(),
    )


def _organisation(key):
    organisation = Organisation.objects.public().filter(slug=key).only("name", "slug").first()
    if organisation is None:
        return None
    return Target(
        Kind.ORGANISATION,
        organisation.slug,
        f"{organisation.name}: its record",
        organisation.get_absolute_url(),
    )


def _canonical(pairs):
    return urlencode(sorted((name, value) for name, value in pairs if value not in ("", None)))


def _search(key):
    query = QueryDict(key)
    form = SearchForm(query)
    if not form.is_valid() or not form.cleaned_data.get("q"):
        return None
    canonical = _canonical((name, value) for name in form.fields for value in query.getlist(name))
    described = [f"“{form.cleaned_data['q']}”", *_described(form, exclude=("q",))]
    return Target(
        Kind.SEARCH,
        canonical,
        "Search results for " + ", ".join(described),
        f"{reverse('meetings:search')}?{canonical}",
    )


def _outstanding(key):
    query = QueryDict(key).copy()
    for name in NOT_A_FILTER:
        query.pop(name, None)
    # Names the page does not read are left out, as the page leaves them.
    for name in [name for name in query if name not in OutstandingFilter.base_filters]:
        query.pop(name)
    filters = OutstandingFilter(query, queryset=ActionPoint.objects.none())
    if filters.problems():
        return None
    filters.values()  # cleans the form
    canonical = _canonical(
        (name, value) for name in filters.base_filters for value in query.getlist(name)
    )
    described = _described(filters.form)
    title = "Outstanding items" + (f": {', '.join(described)}" if described else "")
    url = reverse("meetings:outstanding") + (f"?{canonical}" if canonical else "")
    return Target(Kind.OUTSTANDING, canonical, title, url)


def _described(form, exclude=()):
    """["committee Scrutiny Panel", "kind Action point, Question", …]: each value chosen in
    the cleaned `form`, by its field's label."""
    described = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in exclude or value in (None, "", [], ()):
            continue
        if isinstance(value, list | tuple):
            labels = dict(getattr(field, "choices", ()))
            value = ", ".join(str(labels.get(item, item)) for item in value)
        elif hasattr(value, "isoformat"):
            value = formats.date(value, "j F Y")
        described.append(f"{field.label.lower()} {value}")
    return described


FINDERS = {
    Kind.COMMITTEE: _committee,
    Kind.PLAN: _plan,
    Kind.ACTION: _action,
    Kind.ORGANISATION: _organisation,
    Kind.SEARCH: _search,
    Kind.OUTSTANDING: _outstanding,
}
