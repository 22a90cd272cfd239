"""The published record as OParl 1.1 (https://oparl.org): the read-only JSON interface of
linked objects that council information systems offer and re-users' tools (validators,
Politik bei uns, Meine Stadt Transparent) read by following links from `/oparl/v1/system`.

A Body is a partnership whose committees meet (`Committee.partnership`); its lists are its
committees and the partner organisations its members represent (Organization), the people
in its committees or recorded at its meetings (Person), the committees' memberships, its
meetings (each carrying its agenda items, agenda, pack and minutes as Files), its agenda
items, and its papers: uploaded papers and committee reports written here (Paper, each
with its PDF as `mainFile`). Every object is at its own address, its `id`; every row comes
from its model's public(), as on every other channel. docs/standards.md gives the mapping
and what is left out.

Lists are read a page at a time in id order, each page found by the id it starts after
(`after`), never by counting rows; a list of two kinds (papers, organisations) gives one
kind, then the other. With `modified_since` a list also names, as deleted objects, the
records of its kinds that left the public record since (safer_norfolk.removals), as OParl
asks so that a copy can be kept in step.
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from meetings import queries
from meetings.models import (
    AgendaItem,
    Attendance,
    Committee,
    Document,
    Meeting,
    Membership,
    Minute,
    Report,
    Resolution,
)
from safer_norfolk.api import parse_since
from safer_norfolk.models import Organisation, Person, Removal
from safer_norfolk.open_data import LICENCE
from safer_norfolk.pagination import NestedListPagination, PublicPagination
from safer_norfolk.routes import Route

VERSION = "https://schema.oparl.org/1.1/"
PDF = "application/pdf"
# Objects to a page unless `limit` asks, and at most: as the read API's lists.
DEFAULT_LIMIT, MAX_LIMIT = PublicPagination.page_size, PublicPagination.max_page_size
MEETINGS_PAGE_SIZE = NestedListPagination.page_size
# An id after which a page starts: a key of a database row (a bigint).
LARGEST_KEY = 2**63 - 1
# OParl's own names for what an organisation is (its organizationType vocabulary).
COMMITTEE_TYPE, INSTITUTION_TYPE = "Gremium", "Institution"


def oparl_type(name):
    return f"{VERSION}{name}"


def moment(value):
    """A date-time as OParl writes one, yyyy-mm-ddThh:mm:ss±hh:mm, in UK time."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def day(value):
    return timezone.localdate(value).isoformat() if value else None


def compact(data):
    """The object without properties that hold nothing: OParl asks for no null, "" or [] in
    an optional property (the required ones are always given a value)."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


@cache
def route_of(name):
    """The Route of the OParl address `name`: a body's lists and the body take its key as
    `body`, each object its own as `pk` (the patterns below). A page of 10 meetings writes
    about 500 addresses; reverse() searched the URLconf for each."""
    key = "body" if name == "body" or name.startswith("body_") else "pk"
    return Route(f"oparl:{name}", **{key: "int"}), key


class Out:
    """Full addresses on the host the request came in on: every OParl id is one."""

    def __init__(self, request):
        self.request = request
        # The scheme and host, once: every address here is a path on this site.
        self.origin = request.build_absolute_uri("/")[:-1]

    def url(self, name, *args):
        if not args:
            return self.origin + reverse(f"oparl:{name}")
        route, key = route_of(name)
        (value,) = args
        return self.origin + route(**{key: value})

    def page(self, path):
        return self.origin + path if path.startswith("/") else self.request.build_absolute_uri(path)

    def stamped(self, name, record, data):
        """`data` as the OParl object `name` for `record`: its type, its record's times and
        `deleted` false, with empty optional properties left out."""
        return compact(
            {
                "type": oparl_type(name),
                **data,
                "created": moment(record.created),
                "modified": moment(record.modified),
                "deleted": False,
            }
        )


# --- what each body holds -----------------------------------------------------------------


def bodies():
    """Partnerships whose committees meet: each is an OParl Body."""
    return Organisation.objects.public().filter(
        Exists(Committee.objects.filter(partnership=OuterRef("pk")))
    )


def committees():
    return Committee.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.order_by("pk"), to_attr="member_list")
    )


def partners():
    """Organisations that appear in published material: those a committee's members
    represent are the partner organisations of its body."""
    return Organisation.objects.public()


def people():
    return Person.objects.public().prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.order_by("pk"),
            to_attr="member_list",
        )
    )


def memberships():
    return Membership.objects.all()


def agenda_items():
    """Public agenda items with their position among their meeting's public items, their
    papers, reports and the decisions of their public minutes."""
    earlier = (
        AgendaItem.objects.public()
        .filter(meeting=OuterRef("meeting"), sort_key__lt=OuterRef("sort_key"))
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        AgendaItem.objects.public()
        .select_related("meeting__committee")
        .annotate(position=Coalesce(Subquery(earlier, output_field=IntegerField()), 0) + 1)
        .prefetch_related(
            # Each paper and report names its meeting and item: read with them.
            Prefetch(
                "documents",
                queryset=Document.objects.public()
                .listed()
                .select_related("meeting__committee")
                .order_by("order", "pk"),
                to_attr="papers",
            ),
            queries.public_reports_prefetch(),
            Prefetch(
                "minutes",
                queryset=Minute.objects.public()
                .order_by("sort_key")
                .prefetch_related(
                    Prefetch(
                        "resolutions",
                        queryset=Resolution.objects.public().order_by("order", "pk"),
                        to_attr="decisions",
                    )
                ),
                to_attr="minute_list",
            ),
        )
    )


def meetings():
    return (
        Meeting.objects.public()
        .select_related("committee")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                # Each item's meeting is the one it is read with (the prefetch sets it), not
                # a copy of it and its committee joined to every item.
                queryset=agenda_items().select_related(None).order_by("sort_key"),
                to_attr="agenda",
            ),
            Prefetch(
                "documents",
                queryset=Document.objects.public()
                .listed()
                .filter(agenda_item__isnull=True)
                .select_related("meeting__committee")
                .order_by("order", "pk"),
                to_attr="loose_papers",
            ),
            Prefetch(
                "attendances",
                # Attendance is part of the minutes: none before they are published.
                queryset=Attendance.objects.public()
                .filter(status=Attendance.Status.PRESENT)
                .order_by("order", "pk"),
                to_attr="present",
            ),
        )
    )


def documents():
    return (
        Document.objects.public()
        .listed()
        .select_related("meeting__committee", "agenda_item__meeting__committee")
    )


def reports():
    return Report.objects.public().select_related("agenda_item__meeting__committee")


# --- the objects --------------------------------------------------------------------------


def system(out):
    return compact(
        {
            "id": out.url("system"),
            "type": oparl_type("System"),
            "oparlVersion": VERSION,
            "license": LICENCE["path"],
            "body": out.url("bodies"),
            "name": settings.SITE_NAME,
            "website": out.page(reverse("home")),
            "web": out.page(reverse("home")),
        }
    )


def body(out, organisation):
    key = organisation.pk
    return out.stamped(
        "Body",
        organisation,
        {
            "id": out.url("body", key),
            "system": out.url("system"),
            "name": organisation.name,
            "shortName": organisation.short_name,
            "website": organisation.website,
            "license": LICENCE["path"],
            "organization": out.url("body_organizations", key),
            "person": out.url("body_people", key),
            "meeting": out.url("body_meetings", key),
            "paper": out.url("body_papers", key),
            "agendaItem": out.url("body_agenda_items", key),
            "membership": out.url("body_memberships", key),
            "classification": organisation.get_kind_display(),
            "web": out.page(organisation.get_absolute_url()),
        },
    ) | {"legislativeTerm": []}  # required, so given even empty


def committee(out, record):
    return out.stamped(
        "Organization",
        record,
        {
            "id": out.url("committee", record.pk),
            "body": out.url("body", record.partnership_id) if record.partnership_id else None,
            "name": record.name,
            "shortName": record.short_name,
            "organizationType": COMMITTEE_TYPE,
            "classification": "Committee",
            "subOrganizationOf": out.url("committee", record.parent_id)
            if record.parent_id
            else None,
            "membership": [out.url("membership", member.pk) for member in record.member_list],
            "web": out.page(record.get_absolute_url()),
        },
    )


def partner(out, record):
    return out.stamped(
        "Organization",
        record,
        {
            "id": out.url("partner", record.pk),
            "name": record.name,
            "shortName": record.short_name,
            "organizationType": INSTITUTION_TYPE,
            "classification": record.get_kind_display(),
            "website": record.website,
            "web": out.page(record.get_absolute_url()),
        },
    )


def membership(out, record):
    return out.stamped(
        "Membership",
        record,
        {
            "id": out.url("membership", record.pk),
            "person": out.url("person", record.person_id),
            "organization": out.url("committee", record.committee_id),
            "role": record.get_role_display(),
            "startDate": record.start_date.isoformat() if record.start_date else None,
            "endDate": record.end_date.isoformat() if record.end_date else None,
            "onBehalfOf": out.url("partner", record.representing_id)
            if record.representing_id
            else None,
        },
    )


def person(out, record):
    """Name and honorific, never contact details (as every channel)."""
    return out.stamped(
        "Person",
        record,
        {
            "id": out.url("person", record.pk),
            "name": record.name,
            "formOfAddress": record.honorific,
            "membership": [membership(out, member) for member in record.member_list],
            "web": out.page(record.get_absolute_url()),
        },
    )


def document_file(out, document):
    meeting = document.meeting
    return out.stamped(
        "File",
        document,
        {
            "id": out.url("document_file", document.pk),
            "name": document.title,
            "fileName": document.file.name.rsplit("/", 1)[-1],
            "mimeType": PDF,
            "date": day(document.uploaded_at),
            "size": document.size_bytes or None,
            "accessUrl": out.page(document.get_absolute_url()),
            "downloadUrl": out.page(document.get_absolute_url()),
            "meeting": [out.url("meeting", meeting.pk)],
            "agendaItem": [out.url("agenda_item", document.agenda_item_id)]
            if document.agenda_item_id
            else [],
            "paper": [out.url("document_paper", document.pk)],
        },
    )


def report_file(out, report):
    item = report.agenda_item
    return out.stamped(
        "File",
        report,
        {
            "id": out.url("report_file", report.pk),
            "name": report.title,
            "fileName": "report.pdf",
            "mimeType": PDF,
            "date": day(report.published_at),
            "accessUrl": out.page(report.get_pdf_url()),
            "downloadUrl": out.page(report.get_pdf_url()),
            "meeting": [out.url("meeting", item.meeting_id)],
            "agendaItem": [out.url("agenda_item", item.pk)],
            "paper": [out.url("report_paper", report.pk)],
        },
    )


# The files made here from a meeting: (route, name of the meeting's page's PDF, title).
AGENDA, PACK, MINUTES = "agenda_file", "pack_file", "minutes_file"
MEETING_FILES = {
    AGENDA: ("meetings:agenda_pdf", "Agenda", "agenda.pdf"),
    PACK: ("meetings:pack_pdf", "Agenda pack", "pack.pdf"),
    MINUTES: ("meetings:minutes_pdf", "Minutes", "minutes.pdf"),
}


def meeting_file(out, meeting, kind):
    route, name, filename = MEETING_FILES[kind]
    address = out.page(reverse(route, args=[meeting.committee.slug, meeting.local_date]))
    published = meeting.minutes_published_at if kind == MINUTES else meeting.agenda_published_at
    if kind == MINUTES and meeting.minutes_are_draft:
        name = "Minutes (draft, to be confirmed)"
    return out.stamped(
        "File",
        meeting,
        {
            "id": out.url(kind, meeting.pk),
            "name": name,
            "fileName": filename,
            "mimeType": PDF,
            "date": day(published),
            "accessUrl": address,
            "downloadUrl": address,
            "meeting": [out.url("meeting", meeting.pk)],
        },
    )


def location(out, meeting):
    return out.stamped(
        "Location",
        meeting,
        {
            "id": out.url("location", meeting.pk),
            "description": meeting.venue,
            "meetings": [out.url("meeting", meeting.pk)],
        },
    )


def agenda_item(out, item):
    decisions = [decision for minute in item.minute_list for decision in minute.decisions]
    return out.stamped(
        "AgendaItem",
        item,
        {
            "id": out.url("agenda_item", item.pk),
            "meeting": out.url("meeting", item.meeting_id),
            "number": item.number,
            "order": item.position,
            "name": item.title,
            "public": True,
            "result": "; ".join(dict.fromkeys(d.get_verb_display() for d in decisions)),
            "resolutionText": "\n".join(
                f"{position}) {d.verb.upper()} {d.text}"
                for position, d in enumerate(decisions, start=1)
            ),
            "auxiliaryFile": [
                *(document_file(out, document) for document in item.papers),
                *(report_file(out, report) for report in item.report_list),
            ],
            "web": out.page(item.get_absolute_url()),
        },
    )


def meeting(out, record):
    start = record.starts_at
    if not record.start_time_known:
        # The papers give the day alone: its first moment, UK time.
        start = timezone.make_aware(datetime.datetime.combine(record.local_date, datetime.time()))
    return out.stamped(
        "Meeting",
        record,
        {
            "id": out.url("meeting", record.pk),
            "name": f"{record.committee.name} – {record.day_label}",
            "meetingState": record.get_status_display(),
            "cancelled": record.is_cancelled,
            "start": moment(start),
            "end": moment(record.ends_at),
            "location": location(out, record) if record.venue else None,
            "organization": [out.url("committee", record.committee_id)],
            "participant": [out.url("person", present.person_id) for present in record.present],
            "invitation": meeting_file(out, record, AGENDA),
            "resultsProtocol": meeting_file(out, record, MINUTES)
            if record.minutes_are_public
            else None,
            "auxiliaryFile": [
                meeting_file(out, record, PACK),
                *(document_file(out, document) for document in record.loose_papers),
            ],
            "agendaItem": [agenda_item(out, item) for item in record.agenda],
            "web": out.page(record.get_absolute_url()),
        },
    )


def document_paper(out, document):
    partnership = document.meeting.committee.partnership_id
    return out.stamped(
        "Paper",
        document,
        {
            "id": out.url("document_paper", document.pk),
            "body": out.url("body", partnership) if partnership else None,
            "name": document.title,
            "paperType": document.get_kind_display(),
            "date": document.meeting.local_date.isoformat(),
            "mainFile": document_file(out, document),
            "web": out.page(document.get_text_url()),
        },
    )


def report_paper(out, report):
    partnership = report.agenda_item.meeting.committee.partnership_id
    return out.stamped(
        "Paper",
        report,
        {
            "id": out.url("report_paper", report.pk),
            "body": out.url("body", partnership) if partnership else None,
            "name": report.title,
            "paperType": "Committee report",
            "date": day(report.published_at) or report.agenda_item.meeting.local_date.isoformat(),
            "mainFile": report_file(out, report),
            "web": out.page(report.get_absolute_url()),
        },
    )


# --- lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One kind of OParl object: its `name` (a list's `after` names it), its model, its
    OParl type, the route of its own address, its public rows (`rows`), those of a body
    (`in_body(key)`, for a list), what makes an object of a row (`render`), and the
    relations whose rows' changes count as the object's for `modified_since`, since the
    object carries them."""

    name: str
    model: type
    type: str
    route: str
    rows: object
    render: object
    in_body: object = None
    modified_with: tuple = field(default=())
    # Objects to a page unless `limit` asks for another number: fewer of the objects that
    # carry others (a meeting its agenda), as the read API's meetings.
    page_size: int = DEFAULT_LIMIT


class ListParameters(BaseFilterBackend):
    """The parameters of every OParl list: `created_since`, `created_until`,
    `modified_since`, `modified_until` (OParl's filters), `limit` (objects to a page) and
    `after` (where a page starts, from a page's `next` link). The views read them (`read`);
    declared here so that the page cache keeps them (safer_norfolk.page_cache)."""

    def filter_queryset(self, request, queryset, view):
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {"name": name, "required": False, "in": "query", "schema": {"type": "string"}}
            for name in (*WINDOW, "limit", "after")
        ]


# Each filter: its column and comparison.
WINDOW = {
    "created_since": ("created", "gte"),
    "created_until": ("created", "lte"),
    "modified_since": ("modified", "gte"),
    "modified_until": ("modified", "lte"),
}


@dataclass
class Request:
    """A list request's parameters, read and checked."""

    window: dict
    limit: int
    after: tuple | None

    @classmethod
    def read(cls, request, parts):
        given = {
            "created_since": request.query_params.get("created_since"),
            "created_until": request.query_params.get("created_until"),
            "modified_since": request.query_params.get("modified_since"),
            "modified_until": request.query_params.get("modified_until"),
        }
        window = {name: parse_since(name, value) for name, value in given.items() if value}
        return cls(
            window,
            read_limit(request.query_params.get("limit")),
            read_after(request.query_params.get("after"), [part.name for part in parts]),
        )


def read_limit(value):
    """`limit` as asked, at most MAX_LIMIT; None (the list's own page size) for none, or
    for anything but a whole number (OParl lets a server choose its page size)."""
    if not value or not (value.isascii() and value.isdecimal()):
        return None
    return max(1, min(int(value), MAX_LIMIT))


def read_after(value, names):
    """(part, id) from `after` ("meeting:120"), else None; 400 for one no page made."""
    if value is None:
        return None
    name, _, key = value.partition(":")
    if name not in names or not (key.isascii() and key.isdecimal()) or int(key) > LARGEST_KEY:
        raise exceptions.ValidationError({"after": ["Take it from a page's next link."]})
    return name, int(key)


def filtered(rows, part, window):
    """`rows` narrowed by OParl's filters. A change to what an object carries (a meeting's
    agenda items, papers and decisions) counts as a change to it."""
    for name, since in window.items():
        column, comparison = WINDOW[name]
        condition = Q(**{f"{column}__{comparison}": since})
        if column == "modified":
            for relation in part.modified_with:
                carried = part.model._default_manager.filter(
                    **{f"{relation}__modified__{comparison}": since}
                )
                condition |= Q(pk__in=carried.values("pk"))
        rows = rows.filter(condition)
    return rows


def removed(part, window, after, limit):
    """{key: when} of the part's records (after `after`, at most `limit`) that left the
    public record within the modified window, and are not public again since."""
    if "modified_since" not in window:
        return {}
    gone = Removal.objects.filter(
        model=part.model._meta.label_lower, record_id__gt=after, at__gte=window["modified_since"]
    )
    if "modified_until" in window:
        gone = gone.filter(at__lte=window["modified_until"])
    public = part.rows().order_by().values("pk")
    return dict(
        gone.exclude(record_id__in=public)
        .values("record_id")
        .annotate(last=Max("at"))
        .order_by("record_id")
        .values_list("record_id", "last")[:limit]
    )


def deleted(out, part, key, when):
    """What OParl keeps of a deleted object: its id and type, `deleted`, and when (its
    `modified`). Records that left the public record are given so, as deleted ones are."""
    return {
        "id": out.url(part.route, key),
        "type": oparl_type(part.type),
        "modified": moment(when),
        "deleted": True,
    }


def first(pair):
    return pair[0]


def list_page(request, parts, rows_of):
    """A page of the list made of `parts` (in order), `rows_of(part)` giving each part's
    rows: OParl's {"data", "pagination", "links"}, `links.next` present unless this is the
    last page. `limit` objects at most, all of one part: after a part's last page comes
    the next part's first."""
    asked = Request.read(request, parts)
    out = Out(request)
    names = [part.name for part in parts]
    start, after = (names.index(asked.after[0]), asked.after[1]) if asked.after else (0, 0)
    # A page holds one part's objects, so that it costs the same queries wherever it falls.
    part = parts[start]
    limit = asked.limit or part.page_size
    live = list(
        filtered(rows_of(part), part, asked.window).filter(pk__gt=after).order_by("pk")[: limit + 1]
    )
    gone = removed(part, asked.window, after, limit + 1)
    merged = sorted([(row.pk, row) for row in live] + list(gone.items()), key=first)
    data = [
        part.render(out, row) if isinstance(row, part.model) else deleted(out, part, key, row)
        for key, row in merged[:limit]
    ]
    next_after = None
    if len(merged) > limit:
        next_after = f"{part.name}:{merged[limit - 1][0]}"
    elif start + 1 < len(parts):
        next_after = f"{parts[start + 1].name}:0"
    address = request.build_absolute_uri()
    links = {
        "first": remove_query_param(address, "after"),
        "self": address,
        "next": replace_query_param(address, "after", next_after) if next_after else None,
    }
    return {
        "data": data,
        # No count: counting every row costs more than reading a page. Nor a page size:
        # the last page of one part of a list may be short.
        "pagination": {},
        "links": compact(links),
    }


# --- views --------------------------------------------------------------------------------


class Record(serializers.BaseSerializer):
    """The view's objects are made by its parts' render functions; a serializer is declared
    only to name the model a view serves, as tools reading REST framework views expect."""

    def to_representation(self, instance):
        raise NotImplementedError


def serializer_for(model):
    return type(f"{model.__name__}Record", (Record,), {"Meta": type("Meta", (), {"model": model})})


@extend_schema(exclude=True)  # OParl documents itself; its objects are not OpenAPI's
class OParlView(viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    pagination_class = None
    filter_backends = [ListParameters]
    parts = ()

    def finalize_response(self, request, response, *args, **kwargs):
        # OParl asks that any web page may read it (its section on CORS).
        response["Access-Control-Allow-Origin"] = "*"
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        return self.parts[0].model._default_manager.none()

    def retrieve(self, request, pk):
        part = self.parts[0]
        try:
            record = part.rows().get(pk=pk)
        except part.model.DoesNotExist:
            # A record that left the public record stays at its address as deleted.
            gone = Removal.objects.filter(model=part.model._meta.label_lower, record_id=pk)
            when = gone.exclude(record_id__in=part.rows().order_by().values("pk")).aggregate(
                last=Max("at")
            )["last"]
            if when is None:
                raise Http404("No published record has this id.") from None
            return Response(deleted(Out(request), part, pk, when))
        return Response(part.render(Out(request), record))

    def list(self, request, body):
        if not bodies().filter(pk=body).exists():
            raise Http404("No body has this id.")
        return Response(list_page(request, self.parts, lambda part: part.in_body(body)))


class SystemView(OParlView):
    def retrieve(self, request):
        return Response(system(Out(request)))


class BodyView(OParlView):
    def list(self, request):
        return Response(list_page(request, self.parts, lambda part: part.rows()))

    def retrieve(self, request, body):
        return super().retrieve(request, body)


def meeting_rows():
    return Meeting.objects.public().select_related("committee")


def with_members(key):
    """Organisations represented by members of the body `key`'s committees."""
    return Exists(
        Membership.objects.filter(representing=OuterRef("pk"), committee__partnership=key)
    )


def in_committees_or_meetings(key):
    """People in the body `key`'s committees, or recorded at its meetings (public attendance
    only: none before the minutes are published)."""
    return Exists(
        Membership.objects.filter(person=OuterRef("pk"), committee__partnership=key)
    ) | Exists(
        Attendance.objects.public().filter(
            person=OuterRef("pk"), meeting__committee__partnership=key
        )
    )


BODY = Part("body", Organisation, "Body", "body", bodies, body)
COMMITTEE = Part(
    "committee",
    Committee,
    "Organization",
    "committee",
    committees,
    committee,
    in_body=lambda key: committees().filter(partnership=key),
    modified_with=("memberships",),
)
PARTNER = Part(
    "partner",
    Organisation,
    "Organization",
    "partner",
    partners,
    partner,
    in_body=lambda key: partners().filter(with_members(key)),
)
PERSON = Part(
    "person",
    Person,
    "Person",
    "person",
    people,
    person,
    in_body=lambda key: people().filter(in_committees_or_meetings(key)),
    modified_with=("memberships",),
)
MEMBERSHIP = Part(
    "membership",
    Membership,
    "Membership",
    "membership",
    memberships,
    membership,
    in_body=lambda key: memberships().filter(committee__partnership=key),
)
MEETING = Part(
    "meeting",
    Meeting,
    "Meeting",
    "meeting",
    meetings,
    meeting,
    in_body=lambda key: meetings().filter(committee__partnership=key),
    modified_with=("agenda_items", "documents", "agenda_items__reports", "minutes__resolutions"),
    page_size=MEETINGS_PAGE_SIZE,
)
AGENDA_ITEM = Part(
    "agendaItem",
    AgendaItem,
    "AgendaItem",
    "agenda_item",
    agenda_items,
    agenda_item,
    in_body=lambda key: agenda_items().filter(meeting__committee__partnership=key),
    modified_with=("documents", "reports", "minutes__resolutions"),
)
DOCUMENT_PAPER = Part(
    "document",
    Document,
    "Paper",
    "document_paper",
    documents,
    document_paper,
    in_body=lambda key: documents().filter(meeting__committee__partnership=key),
)
REPORT_PAPER = Part(
    "report",
    Report,
    "Paper",
    "report_paper",
    reports,
    report_paper,
    in_body=lambda key: reports().filter(agenda_item__meeting__committee__partnership=key),
)
DOCUMENT_FILE = Part("documentFile", Document, "File", "document_file", documents, document_file)
REPORT_FILE = Part("reportFile", Report, "File", "report_file", reports, report_file)
AGENDA_FILE = Part(
    AGENDA, Meeting, "File", AGENDA, meeting_rows, lambda out, m: meeting_file(out, m, AGENDA)
)
PACK_FILE = Part(
    PACK, Meeting, "File", PACK, meeting_rows, lambda out, m: meeting_file(out, m, PACK)
)
MINUTES_FILE = Part(
    MINUTES,
    Meeting,
    "File",
    MINUTES,
    lambda: Meeting.objects.with_public_minutes().select_related("committee"),
    lambda out, m: meeting_file(out, m, MINUTES),
)
LOCATION = Part(
    "location",
    Meeting,
    "Location",
    "location",
    lambda: meeting_rows().exclude(venue=""),
    location,
)


def view(base, *parts):
    """A view of `parts`: a body's list of them, in order, and the first's objects, each at
    its own address."""
    model = parts[0].model
    return type(
        f"{parts[0].name[0].upper()}{parts[0].name[1:]}View",
        (base,),
        {"parts": parts, "serializer_class": serializer_for(model)},
    )


SYSTEM_VIEW = SystemView
BODY_VIEW = view(BodyView, BODY)
ORGANIZATION_VIEW = view(OParlView, COMMITTEE, PARTNER)
PAPER_VIEW = view(OParlView, DOCUMENT_PAPER, REPORT_PAPER)
LIST, ONE = {"get": "list"}, {"get": "retrieve"}
BODY_LISTS = [
    ("organization", "body_organizations", ORGANIZATION_VIEW),
    ("person", "body_people", view(OParlView, PERSON)),
    ("meeting", "body_meetings", view(OParlView, MEETING)),
    ("paper", "body_papers", PAPER_VIEW),
    ("agendaItem", "body_agenda_items", view(OParlView, AGENDA_ITEM)),
    ("membership", "body_memberships", view(OParlView, MEMBERSHIP)),
]
OBJECTS = [
    ("organization/<int:pk>", ORGANIZATION_VIEW),
    ("organization/partner/<int:pk>", view(OParlView, PARTNER)),
    ("person/<int:pk>", view(OParlView, PERSON)),
    ("membership/<int:pk>", view(OParlView, MEMBERSHIP)),
    ("meeting/<int:pk>", view(OParlView, MEETING)),
    ("agendaItem/<int:pk>", view(OParlView, AGENDA_ITEM)),
    ("paper/<int:pk>", PAPER_VIEW),
    ("paper/report/<int:pk>", view(OParlView, REPORT_PAPER)),
    ("file/<int:pk>", view(OParlView, DOCUMENT_FILE)),
    ("file/report/<int:pk>", view(OParlView, REPORT_FILE)),
    ("file/agenda/<int:pk>", view(OParlView, AGENDA_FILE)),
    ("file/pack/<int:pk>", view(OParlView, PACK_FILE)),
    ("file/minutes/<int:pk>", view(OParlView, MINUTES_FILE)),
    ("location/<int:pk>", view(OParlView, LOCATION)),
]

# Included by the composition root under /oparl/v1/, in the namespace "oparl".
urlpatterns = [
    path("system", SYSTEM_VIEW.as_view(ONE), name="system"),
    path("body", BODY_VIEW.as_view(LIST), name="bodies"),
    path("body/<int:body>", BODY_VIEW.as_view(ONE), name="body"),
    *(
        path(f"body/<int:body>/{name}", list_view.as_view(LIST), name=route)
        for name, route, list_view in BODY_LISTS
    ),
    *(
        path(address, object_view.as_view(ONE), name=object_view.parts[0].route)
        for address, object_view in OBJECTS
    ),
]
app_name = "oparl"
