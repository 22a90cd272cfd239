"""Crawling the site as an anonymous visitor, in tests.

Every URL comes from the URL configuration itself: each pattern is walked, and its keyword
arguments are filled from the objects in the database, so a new URL is crawled without
anyone editing a list. Only the admin is left out (see SKIPPED_PREFIXES).
"""

import datetime
import importlib
import inspect
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import django_filters
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from tests.http import read_body

PROJECT_APPS = ("safer_norfolk", "meetings", "delivery_plans", "outcomes", "alerts")

# The admin is the officers' back office: it needs a staff sign-in, so it is no public channel
# (and its hundreds of change pages would swamp the crawl). Its own tests cover its permissions.
SKIPPED_PREFIXES = ("admin/",)

# Keyword arguments whose values no object attribute of the same name holds. Every other name
# is filled generically (see `values_of`); a pattern whose arguments cannot be filled at all
# makes the crawl test fail, so a new argument name is added here deliberately.
EXPLICIT_VALUES = {
    # A meeting is addressed by its day in Europe/London, which no field stores as such.
    "date": lambda obj: [obj.local_date] if hasattr(obj, "local_date") else [],
    # A measure is addressed by its number within its outcome.
    "measure": lambda obj: [obj.number] if obj._meta.model_name == "measure" else [],
    # Django REST framework's format suffixes: JSON and the browsable API's HTML.
    "format": lambda obj: ["json", "api"],
}

# Patterns whose arguments all come from one object of a model (its own attributes), not
# from any object that has an attribute of the same name: a subscription's kind and key, and
# the signed links of its messages.
ROUTE_MODELS = {
    "alerts:follow": "alerts.Subscription",
    "alerts:confirm": "alerts.Subscription",
    "alerts:manage": "alerts.Subscription",
    "alerts:leave": "alerts.Subscription",
    "alerts:reminders_off": "alerts.Subscription",
}


def _signed_links(obj):
    from alerts import links

    if obj._meta.label != "alerts.Subscription":
        return []
    # Each purpose's link, and the link that stops reminders to the same address.
    return [
        *(links.signed(obj, purpose) for purpose in (links.CONFIRM, links.MANAGE, links.LEAVE)),
        links.reminders_off_url(obj.email).rstrip("/").rsplit("/", 1)[-1],
    ]


EXPLICIT_VALUES["signed"] = _signed_links


def _open_data_kinds(obj):
    """The bulk downloads are named by the kinds of record the read API lists, and the zip of all."""
    from safer_norfolk.open_data import ALL, kinds_of
    from safer_norfolk.tasks import api_registry

    return [kind.name for kind in kinds_of(api_registry())] + [ALL]


EXPLICIT_VALUES["dataset"] = _open_data_kinds


def _popolo_uuids(obj):
    """The UUID of the Popolo id of a person, an organisation, a committee or a membership
    (/api/ocd/persons/<uuid>/ …): a hash of the record's key, held by no attribute."""
    from safer_norfolk import popolo

    if obj._meta.label not in POPOLO_MODELS:
        return []
    return [popolo.record_uuid(type(obj), obj.pk)]


POPOLO_MODELS = {
    "safer_norfolk.Person",
    "safer_norfolk.Organisation",
    "meetings.Committee",
    "meetings.Membership",
}
EXPLICIT_VALUES["uuid"] = _popolo_uuids

# A pattern whose arguments combine into more URLs than this gets a covering sample instead:
# every candidate value of every argument appears at least once.
PRODUCT_LIMIT = 60


@dataclass(frozen=True)
class Route:
    """One URL pattern, with its namespaced name and its full route as resolve() reports it."""

    name: str | None
    route: str
    kwargs: tuple
    callback: object = field(compare=False, hash=False)

    @property
    def model(self):
        """The model a Django REST framework view serves, when it says, or the model of
        ROUTE_MODELS (else None)."""
        serializer = getattr(view_of(self), "serializer_class", None)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is None and self.name in ROUTE_MODELS:
            model = apps.get_model(ROUTE_MODELS[self.name])
        return model


def view_of(route):
    """What handles the route: a view function, a class-based view or a callable object."""
    callback = route.callback
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback


def routes():
    """Every URL pattern outside SKIPPED_PREFIXES, walking includes and namespaces."""
    found = []

    def walk(patterns, prefix, namespaces):
        for pattern in patterns:
            route = URLResolver._join_route(prefix, str(pattern.pattern))
            if route.lstrip("^").startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    route,
                    [*namespaces, pattern.namespace] if pattern.namespace else namespaces,
                )
            else:
                kwargs = tuple(pattern.pattern.regex.groupindex)
                name = ":".join([*namespaces, pattern.name]) if pattern.name else None
                found.append(Route(name, route, kwargs, pattern.callback))

    walk(get_resolver().url_patterns, "", [])
    return found


def project_objects():
    """Every stored object of the project's own models (audit-history copies left out)."""
    objects = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            objects.extend(model._default_manager.order_by("pk"))
    return objects


def first_objects():
    """The first stored object (by primary key) of each of the project's models: a small,
    stable sample to fill URL patterns from when every object would make too many URLs."""
    objects = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                objects.append(first)
    return objects


def _as_url_value(value):
    if isinstance(value, models.Model):
        return getattr(value, "slug", None) or value.pk
    if isinstance(value, datetime.datetime):  # its day in the site's time zone
        return timezone.localdate(value)
    if isinstance(value, bool) or value in (None, ""):
        return None
    return value


def values_of(obj, name):
    """Candidate values for a URL argument `name` drawn from `obj`: its attribute of that name
    (a related object gives its slug, else its primary key; a datetime its local day) and
    the EXPLICIT_VALUES for the names no attribute holds."""
    values = []
    attribute = getattr(obj, name, None)
    if not callable(attribute) and not isinstance(attribute, models.Manager):
        values.append(_as_url_value(attribute))
    values.extend(EXPLICIT_VALUES.get(name, lambda obj: [])(obj))
    return [value for value in values if value is not None]


def _sort_key(value):
    return (type(value).__name__, str(value))


def observed_kwargs(objects):
    """The arguments of every object's own address (get_absolute_url), as resolve() reads
    them: combinations that belong together, such as a meeting's committee and day."""
    observed = []
    for obj in objects:
        if not hasattr(obj, "get_absolute_url"):
            continue
        try:
            observed.append(resolve(obj.get_absolute_url().split("#")[0]).kwargs)
        except Resolver404:
            continue
    return observed


def urls_for(route, objects, observed, *, observed_only=False):
    """The URLs that request `route`, with its arguments filled from `objects`: first those
    built from the `observed` arguments of objects' own addresses, then (unless
    `observed_only`) the rest."""
    if not route.kwargs:
        candidates = [{}]
    else:
        source = [obj for obj in objects if route.model is None or isinstance(obj, route.model)]
        pools = []
        for name in route.kwargs:
            pool = {value for obj in source for value in values_of(obj, name)}
            pools.append(sorted(pool, key=_sort_key))
        size = 1
        for pool in pools:
            size *= len(pool)
        if size <= PRODUCT_LIMIT:
            combinations = itertools.product(*pools)
        else:  # each value of each argument at least once, the others cycling beside it
            longest = max(len(pool) for pool in pools)
            combinations = (tuple(pool[i % len(pool)] for pool in pools) for i in range(longest))
        # Arguments taken together from real objects' addresses come first.
        candidates = [
            {name: kwargs[name] for name in route.kwargs}
            for kwargs in observed
            if set(route.kwargs) <= set(kwargs)
        ]
        candidates += [
            {name: value for name, value in zip(route.kwargs, combo, strict=True)}
            for combo in ([] if observed_only else combinations)
        ]
    if route.name is None:  # an unnamed pattern cannot be reversed: the crawl test says so
        return []
    urls = {}  # in candidate order, once each
    for kwargs in candidates:
        try:
            url = reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        if route_of(url) == route.route:
            urls.setdefault(url)
    return list(urls)


def route_of(url):
    try:
        return resolve(url.split("?")[0]).route
    except Resolver404:
        return None


# --- responses ------------------------------------------------------------------------------


@dataclass
class Fetched:
    url: str
    status: int | None
    content_type: str = ""
    text: str = ""  # what a reader gets: the body, or a PDF's extracted text
    error: str = ""

    @property
    def kind(self):
        """The family of the response for reporting: pdf, json, csv, calendar, atom, html…"""
        for family in ("pdf", "zip", "json", "csv", "calendar", "atom", "html", "yaml"):
            if family in self.content_type:
                return family
        return self.content_type or "none"


def pdf_text(data):
    """Everything a reader of the PDF sees: each page's text, the outline and the metadata."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                parts.append(str(item.title))

    walk(reader.outline)
    parts.extend(str(value) for value in (reader.metadata or {}).values())
    return "\n".join(parts)


def zip_text(data):
    """Every file in the zip, each under its name, decoded as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            f"{name}\n{archive.read(name).decode('utf-8', errors='replace')}"
            for name in archive.namelist()
        )


def fetch(client, url):
    """GET `url`, recording an exception as an error instead of raising it."""
    try:
        response = client.get(url)
        body = read_body(response)
    except Exception as error:  # the crawl reports every failure together
        return Fetched(url, None, error=f"{type(error).__name__}: {error}")
    content_type = response.get("Content-Type", "")
    if "application/zip" in content_type and body.startswith(b"PK"):
        try:
            text = zip_text(body)
        except Exception as error:
            return Fetched(
                url, response.status_code, content_type, error=f"unreadable zip: {error}"
            )
    elif "application/pdf" in content_type and body.startswith(b"%PDF"):
        try:
            text = pdf_text(body)
        except Exception as error:
            return Fetched(
                url, response.status_code, content_type, error=f"unreadable PDF: {error}"
            )
    else:
        text = body.decode("utf-8", errors="replace")
    return Fetched(url, response.status_code, content_type, text)


def squashed(text):
    """The text without any whitespace: iCalendar folds long lines and PDF text extraction
    may break a line anywhere, so markers are looked for in this form too."""
    return re.sub(r"\s+", "", text)


# --- parameter names for the hostile crawl ----------------------------------------------------


def filterset_names(route):
    """The query parameters a Django REST framework view filters, orders and pages by."""
    view_class = getattr(route.callback, "cls", None)
    if view_class is None or route.model is None:
        return set()
    view = view_class()
    view.request, view.action, view.format_kwarg, view.kwargs = None, "list", None, {}
    names = set()
    backends = getattr(view_class, "filter_backends", [])
    if DjangoFilterBackend in backends:
        filterset = DjangoFilterBackend().get_filterset_class(
            view, route.model._default_manager.none()
        )
        if filterset is not None:
            names |= set(filterset.base_filters)
    if any(issubclass(backend, OrderingFilter) for backend in backends):
        names.add(OrderingFilter.ordering_param)
    paginator = getattr(view_class, "pagination_class", None)
    if paginator is not None:
        # Cursor pages (the API's) or numbered pages.
        for attribute in ("cursor_query_param", "page_query_param", "page_size_query_param"):
            if getattr(paginator, attribute, None):
                names.add(getattr(paginator, attribute))
    return names


READS_QUERY = re.compile(r"""(?:GET|query_params)(?:\.get|\.getlist)?[\(\[]\s*["'](\w+)["']""")


def _filterset_names_in(module):
    names = set()
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, django_filters.FilterSet):
            names |= set(value.base_filters)
    return names


def module_filterset_names():
    """The parameters of every FilterSet the project's filters modules define."""
    names = set()
    for label in PROJECT_APPS:
        try:
            names |= _filterset_names_in(importlib.import_module(f"{label}.filters"))
        except ModuleNotFoundError:
            continue
    return names


def names_read_by_code():
    """Parameter names the project's code reads from the query string directly."""
    names = set()
    for label in PROJECT_APPS:
        for path in Path(settings.BASE_DIR, label).glob("*.py"):
            names |= set(READS_QUERY.findall(path.read_text()))
    return names


def parameters_read_by_view(route):
    """The query parameters the route's own view reads from the query string directly."""
    try:
        source = inspect.getsource(view_of(route))
    except (OSError, TypeError):  # a callable object, or code without a source file
        return set()
    return set(READS_QUERY.findall(source))


def parameters_read_by(route):
    """The query parameters the route's view may read: those its module reads directly, those
    of the FilterSets its module uses, and its REST framework filters, ordering and paging."""
    view = view_of(route)
    module = importlib.import_module(view.__module__)
    names = set(READS_QUERY.findall(Path(module.__file__).read_text()))
    names |= _filterset_names_in(module) | filterset_names(route)
    return names


def _oparl_bodies(obj):
    """The bodies whose OParl lists are at /oparl/v1/body/<body>/…: the partnerships whose
    committees meet, none of whose attributes is named `body`. Every object offers them all
    (there are few)."""
    from meetings import oparl

    return list(oparl.bodies().order_by("pk").values_list("pk", flat=True))


EXPLICIT_VALUES["body"] = _oparl_bodies
