"""A published meeting as an Open Civic Data event (the `event` object of the OCD data
specification, as python-opencivicdata and pupa write it), one at a time (`…/ocd.json`) or
as a list (`/api/ocd/events/`).

Made from public() rows only (`read_ahead`): the public agenda items, each with its public
papers and the public plan, plan actions, outcomes and reports it concerns (its
`related_entities`), the meeting's papers of no item, and the people recorded present (its
`participants`, beside the committee) once the minutes are published. The id is an OCD id,
"ocd-event/" and a UUID made from the meeting's calendar UID, so it stays the same for the
meeting however often it is exported; the live stream is a media object; `documents` lists
every public paper with the agenda front sheet, the agenda pack and, once published, the
minutes. People and the committee carry the ids of safer_norfolk/popolo.py.
"""

import uuid

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from delivery_plans.models import Action, Plan
from meetings import feeds, queries
from meetings.models import AgendaItem, Attendance, Document, Meeting
from outcomes.models import Outcome
from safer_norfolk.api import StableOrderingFilter
from safer_norfolk.pagination import NestedListPagination
from safer_norfolk.popolo import committee_id, ocd_id, person_id
from safer_norfolk.queries import public_key

# Fixed for the site: the same meeting always has the same event id. Only the meeting's
# calendar UID (its key and CALENDAR_UID_DOMAIN) is hashed with it.
EVENT_NAMESPACE = uuid.UUID("c0adfc6a-15f6-42d7-a034-d5eea9b89eab")
PDF = "application/pdf"
# Open Civic Data's event statuses: a meeting recorded as held has "passed"; one scheduled
# (whether or not its day has come), "confirmed".
STATUS = {"cancelled": "cancelled", "postponed": "tentative", "held": "passed"}
# What an agenda item concerns, as its related entities: (entity type, the item's attribute
# read ahead by `read_ahead`, what the entity's name is).
RELATED = (
    ("plan", "public_plans", "title"),
    ("plan_action", "public_plan_actions", "title"),
    ("outcome", "public_outcomes", "title"),
    ("report", "report_list", "title"),
)


def event_id(meeting):
    """ocd-event/<UUID>: a UUID 5 of the meeting's calendar UID in the site's namespace."""
    return f"ocd-event/{uuid.uuid5(EVENT_NAMESPACE, feeds.meeting_uid(meeting))}"


def read_ahead(meetings):
    """Read the public parts of each of `meetings` (public meetings, with their committee)
    that an event shows, in a fixed number of queries however many there are."""
    items = (
        AgendaItem.objects.public()
        # The plan is joined, and named only when public() has it (its key annotated).
        .annotate(public_plan=public_key(Plan, "plan"))
        .select_related("plan")
        .order_by("sort_key")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.public().listed().order_by("order", "pk"),
                to_attr="papers",
            ),
            Prefetch(
                "plan_actions",
                queryset=Action.objects.public()
                .select_related("plan")
                .order_by("plan", "sort_key"),
                to_attr="public_plan_actions",
            ),
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.public()
                .select_related("framework")
                .order_by("framework", "sort_key"),
                to_attr="public_outcomes",
            ),
            queries.public_reports_prefetch(),
        )
    )
    prefetch_related_objects(
        meetings,
        Prefetch("agenda_items", queryset=items, to_attr="public_agenda"),
        Prefetch(
            "documents",
            queryset=Document.objects.public()
            .listed()
            .filter(agenda_item__isnull=True)
            .order_by("order", "pk"),
            to_attr="loose_papers",
        ),
        Prefetch(
            "attendances",
            # Attendance is public with the minutes: none before they are published.
            queryset=Attendance.objects.public()
            .filter(status=Attendance.Status.PRESENT)
            .select_related("person")
            .order_by("order", "pk"),
            to_attr="present",
        ),
    )
    for meeting in meetings:
        for item in meeting.public_agenda:
            item.public_plans = [item.plan] if item.public_plan is not None else []
    return meetings


def events():
    """The public meetings, with their committees, for the events list."""
    return Meeting.objects.public().select_related("committee")


def event(meeting, request):
    """The event of the public meeting `meeting`, its parts read ahead (`read_ahead`); its
    addresses full ones on the host `request` came in on."""
    slug, date = meeting.committee.slug, meeting.local_date
    agenda = meeting.public_agenda

    def address(path):
        return request.build_absolute_uri(path)

    def link(url, media_type=PDF):
        return {"media_type": media_type, "url": url, "text": ""}

    def paper(document):
        return {
            "note": document.title,
            "date": "",
            "links": [link(address(document.get_absolute_url()))],
        }

    def made_here(note, route, published_at):
        return {
            "note": note,
            "date": _day(published_at),
            "links": [link(address(reverse(f"meetings:{route}", args=[slug, date])))],
        }

    def related(item):
        return [
            {
                "entity_type": entity_type,
                "id": ocd_id(entity_type.replace("_", "-"), type(record), record.pk),
                "name": getattr(record, name),
                "note": "consideration",
                "url": address(record.get_absolute_url()),
            }
            for entity_type, attribute, name in RELATED
            for record in getattr(item, attribute)
        ]

    documents = [
        made_here("Agenda front sheet", "agenda_pdf", meeting.agenda_published_at),
        made_here("Agenda pack", "pack_pdf", meeting.agenda_published_at),
        *(paper(document) for item in agenda for document in item.papers),
        *(paper(document) for document in meeting.loose_papers),
    ]
    if meeting.minutes_are_public:
        note = "Minutes (draft, to be confirmed)" if meeting.minutes_are_draft else "Minutes"
        documents.append(made_here(note, "minutes_pdf", meeting.minutes_published_at))
    return {
        "_type": "event",
        "id": event_id(meeting),
        "name": f"{meeting.committee.name} meeting",
        "description": meeting.public_notice,
        "classification": "committee-meeting",
        "start_time": timezone.localtime(meeting.starts_at).isoformat()
        if meeting.start_time_known
        else meeting.local_date.isoformat(),
        "end_time": timezone.localtime(meeting.ends_at).isoformat() if meeting.ends_at else None,
        "timezone": "Europe/London",
        "all_day": not meeting.start_time_known,
        "status": STATUS.get(meeting.status, "confirmed"),
        "location": {"name": meeting.venue, "note": "", "url": "", "coordinates": None},
        "media": (
            [
                {
                    "note": "Live stream and recording",
                    "date": date.isoformat(),
                    "offset": None,
                    "links": [link(meeting.livestream_url, media_type="text/html")],
                }
            ]
            if meeting.livestream_url
            else []
        ),
        "participants": [
            {
                "entity_type": "organization",
                "id": committee_id(meeting.committee_id),
                "name": meeting.committee.name,
                "note": "host",
            },
            *(
                {
                    "entity_type": "person",
                    "id": person_id(attendance.person_id),
                    "name": attendance.person.name,
                    "note": "chair" if attendance.in_chair else attendance.capacity,
                }
                for attendance in meeting.present
            ),
        ],
        "agenda": [
            {
                "order": str(position),
                "description": f"{item.number}. {item.title}",
                "classification": [item.kind],
                "subjects": [],
                "notes": [item.description] if item.description else [],
                "related_entities": related(item),
                "media": [
                    {
                        "note": document.title,
                        "date": "",
                        "offset": None,
                        "links": [link(address(document.get_absolute_url()))],
                    }
                    for document in item.papers
                ],
            }
            for position, item in enumerate(agenda, start=1)
        ],
        "documents": documents,
        "links": [
            {"note": "Committee page", "url": address(meeting.committee.get_absolute_url())},
            {
                "note": "This event on its own",
                "url": address(reverse("meetings:meeting_ocd", args=[slug, date])),
            },
        ],
        "sources": [{"url": address(meeting.get_absolute_url()), "note": "Meeting page"}],
    }


def _day(moment):
    """YYYY-MM-DD of `moment` in Europe/London, or "" when it was not recorded."""
    return timezone.localdate(moment).isoformat() if moment else ""


# --- the events list ----------------------------------------------------------------------


class EventSerializer(serializers.Serializer):
    """An OCD event (see the module's description); the parts listed here are those every
    event has, with their types."""

    _type = serializers.CharField()
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    classification = serializers.CharField()
    start_time = serializers.CharField()
    end_time = serializers.CharField(allow_null=True)
    timezone = serializers.CharField()
    all_day = serializers.BooleanField()
    status = serializers.CharField()
    location = serializers.JSONField()
    media = serializers.ListField(child=serializers.JSONField())
    participants = serializers.ListField(child=serializers.JSONField())
    agenda = serializers.ListField(child=serializers.JSONField())
    documents = serializers.ListField(child=serializers.JSONField())
    links = serializers.ListField(child=serializers.JSONField())
    sources = serializers.ListField(child=serializers.JSONField())

    def to_representation(self, meeting):
        return event(meeting, self.context["request"])


class EventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published meetings as Open Civic Data events, newest first, 10 to a page (each
    carries its agenda) unless `page_size` asks for another number, up to 100. (A meeting's
    own event is at its `…/ocd.json`.)"""

    serializer_class = EventSerializer
    permission_classes = [AllowAny]
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["starts_at", "id"]
    ordering = ["-starts_at"]
    pagination_class = NestedListPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return events()

    def paginate_queryset(self, queryset):
        return read_ahead(super().paginate_queryset(queryset))
