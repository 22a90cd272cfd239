"""A published meeting as an Open Civic Data event (the `event` object of the OCD data
specification, as python-opencivicdata and pupa write it).

Made from the public meeting and its agenda (queries.meeting_for, queries.agenda_with_papers:
public() agenda items and papers only), without the minutes, attendance, action points and
questions the meeting page reads besides. The id is an OCD id, "ocd-event/" and a UUID made from the meeting's calendar UID, so
it stays the same for the meeting however often it is exported; the live stream is a media
object; `documents` lists every public paper with the agenda front sheet, the agenda pack
and, once published, the minutes.
"""

import uuid

from django.urls import reverse
from django.utils import timezone

from meetings import feeds
from meetings.models import Document

# Fixed for the site: the same meeting always has the same event id. Only the meeting's
# calendar UID (its key and CALENDAR_UID_DOMAIN) is hashed with it.
EVENT_NAMESPACE = uuid.UUID("c0adfc6a-15f6-42d7-a034-d5eea9b89eab")
PDF = "application/pdf"
STATUS = {"cancelled": "cancelled", "postponed": "tentative"}


def event_id(meeting):
    """ocd-event/<UUID>: a UUID 5 of the meeting's calendar UID in the site's namespace."""
    return f"ocd-event/{uuid.uuid5(EVENT_NAMESPACE, feeds.meeting_uid(meeting))}"


def event(meeting, agenda, request):
    """The event of the public meeting `meeting`, whose public agenda items, each with its
    public papers in `papers`, are `agenda`; its addresses full ones on the host `request`
    came in on."""
    slug, date = meeting.committee.slug, meeting.local_date

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

    documents = [
        made_here("Agenda front sheet", "agenda_pdf", meeting.agenda_published_at),
        made_here("Agenda pack", "pack_pdf", meeting.agenda_published_at),
        *(paper(document) for item in agenda for document in item.papers),
        *(paper(document) for document in meeting_papers(meeting)),
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
            {"entity_type": "organization", "name": meeting.committee.name, "note": "host"}
        ],
        "agenda": [
            {
                "order": str(position),
                "description": f"{item.number}. {item.title}",
                "notes": [item.description] if item.description else [],
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
        "links": [{"note": "Committee page", "url": address(meeting.committee.get_absolute_url())}],
        "sources": [{"url": address(meeting.get_absolute_url()), "note": "Meeting page"}],
    }


def meeting_papers(meeting):
    """The meeting's public papers that belong to no agenda item, in their order."""
    return (
        Document.objects.public()
        .listed()
        .filter(meeting=meeting, agenda_item__isnull=True)
        .order_by("order", "pk")
    )


def _day(moment):
    """YYYY-MM-DD of `moment` in Europe/London, or "" when it was not recorded."""
    return timezone.localdate(moment).isoformat() if moment else ""
