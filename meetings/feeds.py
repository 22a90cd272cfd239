"""Calendars (iCalendar) and news feeds (Atom) of published meetings and papers.

Every feed starts from the models' public() rules. Calendar events keep a stable UID per
meeting, carry Europe/London times with the time zone included, and a cancelled meeting
stays in the calendar with STATUS:CANCELLED so subscribers see the cancellation. A meeting
whose start time was never recorded is an all-day event on its day; one whose end was not
recorded is given a default length, and its description says the end time is not recorded.
Every date in a title or summary is the meeting's own day in Europe/London.
"""

import datetime
import html
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from meetings.models import Committee, Document, Meeting
from meetings.queries import DECISIONS_IN_FEED
from safer_norfolk import formats, page_cache
from safer_norfolk.models import RenderedDocument

LONDON = ZoneInfo("Europe/London")
DEFAULT_LENGTH = datetime.timedelta(hours=2)
# The site-wide calendar carries this much history; older meetings stay on the pages.
CALENDAR_HISTORY = datetime.timedelta(days=730)
STATUS = {
    Meeting.Status.CANCELLED: "CANCELLED",
    Meeting.Status.POSTPONED: "TENTATIVE",
}


def meeting_uid(meeting):
    return f"meeting-{meeting.pk}@{settings.CALENDAR_UID_DOMAIN}"


def calendar(meetings, *, name, request):
    """iCalendar bytes for `meetings` (public meetings with committee selected)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        event = Event()
        starts = timezone.localtime(meeting.starts_at, LONDON)
        event.add("uid", meeting_uid(meeting))
        # Raised by every save of the meeting, so a calendar client replaces its copy of a
        # changed or cancelled meeting rather than keeping the one it first read.
        event.add("sequence", meeting.version - 1)
        event.add("dtstamp", meeting.agenda_published_at or meeting.starts_at)
        if not meeting.start_time_known:
            # The papers give the day only: an all-day event, never a made-up time.
            event.add("dtstart", starts.date())
            event.add("dtend", starts.date() + datetime.timedelta(days=1))
        elif meeting.ends_at:
            event.add("dtstart", starts)
            event.add("dtend", timezone.localtime(meeting.ends_at, LONDON))
        else:
            event.add("dtstart", starts)
            event.add("dtend", starts + DEFAULT_LENGTH)
        event.add(
            "summary", f"{meeting.committee.name}{' (cancelled)' if meeting.is_cancelled else ''}"
        )
        if meeting.venue:
            event.add("location", meeting.venue)
        event.add("url", request.build_absolute_uri(meeting.get_absolute_url()))
        event.add("status", STATUS.get(meeting.status, "CONFIRMED"))
        description = [
            f"Agenda and papers: {request.build_absolute_uri(meeting.get_absolute_url())}"
        ]
        if meeting.livestream_url:
            description.append(f"Watch: {meeting.livestream_url}")
        if not meeting.start_time_known:
            description.append("The start time is not recorded.")
        elif not meeting.ends_at:
            description.append("The end time is not recorded; two hours are shown.")
        event.add("description", "\n".join(description))
        if meeting.corrected_at:
            event.add("last-modified", meeting.corrected_at)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def public_meetings():
    return Meeting.objects.public().select_related("committee").order_by("starts_at")


def site_calendar_meetings(since=None):
    """Public meetings from the start of the day `since`, by default CALENDAR_HISTORY ago:
    the file is the same all day, so it is made once a day and content version
    (`page_cache.stored_response`)."""
    since = since or timezone.localdate() - CALENDAR_HISTORY
    return public_meetings().filter(
        starts_at__gte=datetime.datetime.combine(since, datetime.time(), LONDON)
    )


# --- Atom ---------------------------------------------------------------------------------


# Characters XML cannot hold (Word leaves vertical tabs and form feeds in pasted text).
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text):
    return XML_UNSAFE.sub(" ", text)


class Entry:
    """One published thing: an agenda, minutes or a paper."""

    def __init__(self, *, key, title, link, published, description):
        self.key, self.link, self.published = key, link, published
        self.title, self.description = xml_text(title), xml_text(description)


def latest_entries(committee=None, limit=50):
    meetings = Meeting.objects.public().select_related("committee")
    documents = Document.objects.public().select_related("meeting__committee", "agenda_item")
    if committee is not None:
        meetings = meetings.filter(committee=committee)
        documents = documents.filter(meeting__committee=committee)
    entries = []
    for meeting in meetings.order_by(F("agenda_published_at").desc(nulls_last=True))[:limit]:
        entries.append(
            Entry(
                key=f"agenda-{meeting.pk}",
                title=f"Agenda published: {meeting.committee.name}, {meeting.day_label}",
                link=meeting.get_absolute_url(),
                published=meeting.agenda_published_at,
                description=f"The agenda for the meeting on {meeting.local_date:%A} {meeting.day_label} is published.",
            )
        )
    with_minutes = Meeting.objects.with_public_minutes().select_related("committee")
    if committee is not None:
        with_minutes = with_minutes.filter(committee=committee)
    for meeting in with_minutes.order_by(F("minutes_published_at").desc(nulls_last=True))[:limit]:
        entries.append(
            Entry(
                key=f"minutes-{meeting.pk}",
                title=f"Minutes published: {meeting.committee.name}, {meeting.day_label}",
                link=f"{meeting.get_absolute_url()}#minutes",
                published=meeting.minutes_published_at or meeting.starts_at,
                description="The minutes of the meeting are published.",
            )
        )
    for document in documents.order_by("-uploaded_at")[:limit]:
        entries.append(
            Entry(
                key=f"document-{document.pk}",
                title=f"New paper: {document.title}",
                link=document.get_absolute_url(),
                published=max(
                    document.uploaded_at,
                    document.meeting.agenda_published_at or document.uploaded_at,
                ),
                description=f"{document.meeting.committee.name}, meeting on {document.meeting.day_label}.",
            )
        )
    entries = [entry for entry in entries if entry.published]
    entries.sort(key=lambda entry: entry.published, reverse=True)
    return entries[:limit]


class LatestFeed(Feed):
    """The latest agendas, minutes and papers, site-wide or of one committee: made once per
    content version, then served from storage (safer_norfolk.page_cache.stored_response)."""

    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, slug=None):
        committee = self.get_object(request, slug)  # an unknown committee is a 404 first
        return page_cache.stored_response(
            request,
            kind=RenderedDocument.Kind.FEED,
            key=page_cache.file_key(request, committee.slug if committee else ""),
            make=lambda: super(LatestFeed, self).__call__(request, slug=slug),
        )

    def get_object(self, request, slug=None):
        return get_object_or_404(Committee, slug=slug) if slug else None

    def title(self, committee):
        return xml_text(
            f"{committee.name}: latest papers"
            if committee
            else f"{settings.SITE_NAME}: latest papers"
        )

    def subtitle(self, committee):
        return "Agendas, minutes and papers as they are published."

    def link(self, committee):
        return committee.get_absolute_url() if committee else reverse("meetings:committees")

    def items(self, committee):
        return latest_entries(committee)

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        # Atom carries the summary as HTML: a committee's or paper's name is text in it.
        return escape(xml_text(entry.description))

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return f"tag:{settings.CALENDAR_UID_DOMAIN},2021:{entry.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.published


class DecisionFeed(Feed):
    """The newest decisions of the register (`queries.decisions`) as the register's filters
    select them."""

    feed_type = Atom1Feed
    description_template = None

    def __init__(self, decisions):
        self.decisions = decisions

    def title(self):
        return xml_text(f"{settings.SITE_NAME}: decisions")

    def subtitle(self):
        return "The decisions of published minutes, newest first."

    def link(self):
        return reverse("meetings:decisions")

    def items(self):
        return self.decisions[:DECISIONS_IN_FEED]

    def item_title(self, resolution):
        meeting = resolution.minute.meeting
        return xml_text(
            f"{resolution.verb.upper()}: {resolution.minute.heading} "
            f"({meeting.committee.name}, {meeting.day_label})"
        )

    def item_description(self, resolution):
        return escape(xml_text(f"{resolution.verb.upper()} {resolution.text}"))

    def item_link(self, resolution):
        return resolution.minute.get_absolute_url()

    def item_guid(self, resolution):
        return f"tag:{settings.CALENDAR_UID_DOMAIN},2021:resolution-{resolution.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, resolution):
        meeting = resolution.minute.meeting
        return meeting.minutes_published_at or meeting.starts_at

    def item_updateddate(self, resolution):
        return resolution.corrected_at or self.item_pubdate(resolution)


# The newest items of the outstanding page that an outstanding feed carries.
OUTSTANDING_IN_FEED = 50


class OutstandingFeed(Feed):
    """The items of the outstanding page for its filters, newest raised first: action
    points, questions awaiting a response and plan actions needing attention."""

    feed_type = Atom1Feed
    description_template = None

    def __init__(self, rows, query):
        self.rows, self.query = rows, query

    def title(self):
        return xml_text(f"{settings.SITE_NAME}: what is still outstanding")

    def subtitle(self):
        return (
            "Open action points, questions awaiting a response and plan actions needing "
            "attention, newest first."
        )

    def link(self):
        return reverse("meetings:outstanding") + (f"?{self.query}" if self.query else "")

    def items(self):
        return self.rows

    def item_title(self, row):
        return xml_text(f"{row.kind_label} {row.ref}: {row.title}")

    def item_description(self, row):
        parts = [row.committee_name or row.plan_title, f"owner: {row.owner_name or 'not named'}"]
        if row.due_on:
            due = formats.date(row.due_on, "j F Y")
            parts.append(f"due {due}" + (" (overdue)" if row.is_overdue else ""))
        return escape(xml_text("; ".join(part for part in parts if part)))

    def item_link(self, row):
        return row.url

    def item_guid(self, row):
        return f"tag:{settings.CALENDAR_UID_DOMAIN},2021:outstanding-{row.kind}-{row.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, row):
        day = row.raised_on or row.due_on or timezone.localdate()
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON)

    def item_updateddate(self, row):
        return self.item_pubdate(row)


# The newest dated results a search feed carries.
RESULTS_IN_FEED = 50


class SearchFeed(Feed):
    """The dated results of a search (meetings, items, minutes, decisions, papers, questions,
    action points, plan updates), newest first: a plan action or a measure has no date to
    place it in a feed, and is found on the search page."""

    feed_type = Atom1Feed
    description_template = None

    def __init__(self, terms, groups, query):
        self.terms, self.query = terms, query
        dated = [
            (result, group.label)
            for group in groups
            for result in group.results
            if result.date is not None
        ]
        dated.sort(key=lambda pair: (pair[0].date, pair[0].url), reverse=True)
        self.results = dated[:RESULTS_IN_FEED]

    def title(self):
        return xml_text(f"{settings.SITE_NAME}: search for “{self.terms}”")

    def subtitle(self):
        return "Dated results of the search, newest first."

    def link(self):
        return f"{reverse('meetings:search')}?{self.query}"

    def items(self):
        return self.results

    def item_title(self, item):
        result, label = item
        return xml_text(f"{label}: {result.title}")

    def item_description(self, item):
        # The snippet is the site's own escaped HTML, matches marked: its text alone here,
        # escaped once as the feed's HTML ("Children's", never "Children&#x27;s").
        text = html.unescape(re.sub(r"<[^>]+>", "", str(item[0].snippet)))
        return escape(xml_text(text))

    def item_link(self, item):
        return item[0].url

    def item_guid(self, item):
        return f"tag:{settings.CALENDAR_UID_DOMAIN},2021:{item[0].url}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return datetime.datetime.combine(item[0].date, datetime.time.min, tzinfo=LONDON)

    def item_updateddate(self, item):
        return self.item_pubdate(item)
