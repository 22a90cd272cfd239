import csv
import hashlib
import io
import json
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from delivery_plans.models import NO_DAY
from meetings import (
    feeds,
    ocd,
    organisation_record,
    outstanding,
    pdf,
    person_record,
    queries,
    services,
)
from meetings import search as site_search
from meetings.filters import DecisionFilter, OutstandingFilter, PersonFilter
from meetings.forms import (
    CalendarFromForm,
    MonthForm,
    OrganisationListForm,
    PeriodForm,
    SearchForm,
)
from meetings.models import (
    ActionPoint,
    AgendaItem,
    AgendaPack,
    Committee,
    Meeting,
    Minute,
    Resolution,
)
from safer_norfolk import page_cache
from safer_norfolk.exports import safe_row
from safer_norfolk.models import RenderedDocument
from safer_norfolk.validators import EARLIEST_YEAR, LATEST_YEAR

logger = logging.getLogger(__name__)


def can_preview(user):
    """Officers may see unpublished meetings; every such page says it is a preview."""
    return user.is_active and user.is_staff and user.has_perm("meetings.view_meeting")


def home(request):
    return render(request, "home.html", queries.home_page())


def committee_list(request):
    return render(request, "meetings/committee_list.html", {"committees": queries.committees()})


def committee_detail(request, slug):
    page = queries.committee_page(slug, request.GET.get("page"))
    return render(request, "meetings/committee_detail.html", {"page": page, "since": page.since})


def meeting_detail(request, slug, date):
    officer = can_preview(request.user)
    preview = officer and request.GET.get("preview") == "1"
    try:
        page = queries.meeting_page(slug, date, preview=preview)
    except Http404:
        if not officer or preview:
            raise
        # An officer following "View on site" from the admin sees the unpublished meeting as a preview.
        page = queries.meeting_page(slug, date, preview=True)
    queries.with_pack_references(page)
    event = queries.schema_org_event(
        page.meeting, request.build_absolute_uri(page.meeting.get_absolute_url())
    )
    return render(
        request,
        "meetings/meeting_detail.html",
        {"page": page, "meeting": page.meeting, "json_ld": json_ld(event)},
    )


def json_ld(data):
    """A JSON-LD block; <, > and & are escaped so no stored text can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 -- escaped above


def document_download(request, pk):
    document = queries.public_document(pk)
    try:
        opened = document.file.open("rb")
    except FileNotFoundError:
        # A published paper whose file has gone from storage: the visitor is told whom to ask,
        # and the log says which file to restore.
        logger.error("Paper %s is published but its file %s is missing", pk, document.file.name)
        context = {"paper": document, "committee": document.meeting.committee}
        return render(request, "404.html", context, status=404)
    return FileResponse(
        opened, content_type="application/pdf", filename=document.file.name.rsplit("/", 1)[-1]
    )


def document_text(request, pk):
    """A paper's text as a web page, page by page, beside the link to its PDF."""
    return render(request, "meetings/document_text.html", {"paper": queries.paper_page(pk)})


def written_question_list(request):
    status = request.GET.get("status")
    if status not in dict(queries.QuestionStatus.CHOICES):
        status = None
    questions, counts = queries.written_questions(status)
    paginator = Paginator(questions, 50)
    paginator.count = counts["listed"]  # counted with the statuses: no second count
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/written_question_list.html",
        {
            "questions": page.object_list,
            "page": page,
            "counts": counts,
            "status": status,
            "query": urlencode({"status": status}) if status else "",
            "statuses": queries.QuestionStatus.CHOICES,
        },
    )


# --- documents ----------------------------------------------------------------------------


def _meeting_for_pdf(request, slug, date):
    """The public meeting, or for an officer asking for the full pack, any meeting."""
    restricted = request.GET.get("restricted") == "1"
    if restricted and not can_preview(request.user):
        raise PermissionDenied("Only officers may see the full pack.")
    return queries.meeting_for(slug, date, preview=restricted), restricted


def _ready_pack(request, meeting, restricted):
    """(the built pack, None), or (None, the page to answer with instead): "being prepared"
    (202) while a first build is under way; once a build has failed, or has taken longer than
    PACK_BUILD_TIMEOUT_MINUTES, a page saying so with the meeting's public papers one by one
    (503, since the pack itself is not available: no cache keeps the page as the pack, and a
    client that asks again later may find the pack built)."""
    generation, _day = page_cache.content_version(request)
    pack = services.request_pack(meeting=meeting, restricted=restricted, generation=generation)
    if pack.status == AgendaPack.Status.READY:
        return pack, None
    if pack.status == AgendaPack.Status.BUILDING and not pack.error:
        page = render(
            request, "meetings/pack_preparing.html", {"meeting": meeting, "pack": pack}, status=202
        )
    else:
        items = queries.agenda_with_papers(meeting)
        previous = (
            queries.previous_meeting_with_minutes(meeting)
            if any(item.kind == AgendaItem.Kind.MINUTES for item in items)
            else None
        )
        page = render(
            request,
            "meetings/pack_unavailable.html",
            {"meeting": meeting, "items": items, "previous": previous},
            status=503,
        )
    page["Retry-After"] = "30"
    return None, page


def agenda_pdf(request, slug, date):
    """The agenda front sheet, built with the pack so its page references match it. The
    public one is kept per content version, so a request need not check the pack again."""
    meeting, restricted = _meeting_for_pdf(request, slug, date)
    if restricted:
        pack, waiting = _ready_pack(request, meeting, restricted)
        if waiting:
            return waiting
        return FileResponse(
            pack.front_sheet.open("rb"),
            content_type="application/pdf",
            filename=f"agenda-{pdf.slug_for(meeting)}-full.pdf",
        )
    return page_cache.document_response(
        request,
        kind=RenderedDocument.Kind.AGENDA,
        key=meeting.pk,
        render=lambda: _public_front_sheet(request, meeting),
    )


def _public_front_sheet(request, meeting):
    """(filename, bytes) of the public pack's front sheet, or the "being prepared" page."""
    pack, waiting = _ready_pack(request, meeting, False)
    if waiting:
        return waiting
    with pack.front_sheet.open("rb") as front_sheet:
        return f"agenda-{pdf.slug_for(meeting)}.pdf", front_sheet.read()


def pack_pdf(request, slug, date):
    meeting, restricted = _meeting_for_pdf(request, slug, date)
    pack, waiting = _ready_pack(request, meeting, restricted)
    if waiting:
        return waiting
    suffix = "-full" if restricted else ""
    return FileResponse(
        pack.file.open("rb"),
        content_type="application/pdf",
        filename=f"agenda-pack-{pdf.slug_for(meeting)}{suffix}.pdf",
    )


def minutes_pdf(request, slug, date):
    """Made once per content version and kept (safer_norfolk.page_cache)."""
    meeting = queries.meeting_for(slug, date)
    if not meeting.minutes_are_public:
        raise Http404("The minutes of this meeting have not been published.")
    return page_cache.document_response(
        request,
        kind=RenderedDocument.Kind.MINUTES,
        key=meeting.pk,
        render=lambda: pdf.render_minutes(meeting),
    )


def report_detail(request, slug, date, pk):
    """A committee report as a web page; an officer may look at one not yet published (a
    preview, which says so)."""
    preview = can_preview(request.user) and request.GET.get("preview") == "1"
    page = queries.report_page(slug, date, pk, preview=preview)
    return render(request, "meetings/report_detail.html", {"page": page, "report": page.report})


def report_pdf(request, slug, date, pk):
    """The report as a tagged PDF: made once per content version and kept; an officer's
    preview of one not yet published is made afresh and never kept."""
    if can_preview(request.user) and request.GET.get("preview") == "1":
        page = queries.report_page(slug, date, pk, preview=True)
        filename, data = pdf.render_report(page)
        return page_cache.pdf_response(data, filename)
    page = queries.report_page(slug, date, pk)
    return page_cache.document_response(
        request,
        kind=RenderedDocument.Kind.REPORT,
        key=page.report.pk,
        render=lambda: pdf.render_report(page),
    )


# --- the councillors' outstanding page ------------------------------------------------------


def _outstanding_filter(request):
    filters = OutstandingFilter(request.GET, queryset=ActionPoint.objects.none())
    return filters, filters.values()


def outstanding_list(request):
    """The rows for the filters given well; a filter given a value it does not know is left
    out and reported at the top of the page and beside the filter."""
    filters, values = _outstanding_filter(request)
    problems = filters.problems()
    rows, counts = outstanding.outstanding_and_facets(values, sort=values.get("sort", "due"))
    paginator = Paginator(rows, 50)
    paginator.count = counts["kind"].total()  # the facets read every row: no second count
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    # The other pages and the CSV are of the rows shown: without the values not understood.
    for name in ["page", *(problem.name for problem in problems)]:
        query.pop(name, None)
    errors = {}
    for problem in problems:
        errors.setdefault(problem.name, []).append(problem.message)
    return render(
        request,
        "meetings/outstanding.html",
        {
            "filter": filters,
            "problems": problems,
            "errors": errors,
            "page": page,
            "rows": outstanding.to_rows(page.object_list),
            # Counters look up template attributes as keys: hand the template plain lists.
            "committee_counts": outstanding.by_count(counts["committee"]),
            "plan_counts": outstanding.by_count(counts["plan"]),
            "owner_counts": outstanding.by_count(counts["owner"]),
            "kinds": [(value, label, counts["kind"][value]) for value, label in outstanding.KINDS],
            "statuses": [
                (value, label, counts["status"][value]) for value, label in outstanding.STATUSES
            ],
            "query": query.urlencode(),
            "total": page.paginator.count,
        },
    )


def outstanding_feed(request):
    """The newest raised of the rows the page shows for the same filters, as Atom; a filter
    given a value it does not know is refused (400), as the CSV refuses it."""
    filters, values = _outstanding_filter(request)
    problems = filters.problems()
    if problems:
        return _refused((problem.name, [problem.message]) for problem in problems)

    def make():
        rows = outstanding.outstanding(values, sort="-raised")[: feeds.OUTSTANDING_IN_FEED]
        return feeds.OutstandingFeed(outstanding.to_rows(rows), request.GET.urlencode())(request)

    # Made once per content version and day for each selection, as the CSV is.
    return page_cache.stored_response(
        request,
        kind=RenderedDocument.Kind.OUTSTANDING_FEED,
        key=page_cache.file_key(request, _selection_key(request, filters)),
        make=make,
    )


def _selection_key(request, filters):
    """The outstanding page's filters as given, hashed (they may hold any character): two
    different selections never share a stored file."""
    given = "&".join(
        f"{name}={','.join(sorted(request.GET.getlist(name)))}"
        for name in sorted({*filters.filters, "sort"})
        if request.GET.getlist(name)
    )
    return hashlib.sha256(given.encode()).hexdigest()


def outstanding_csv(request):
    """Exactly the rows the page shows for the same filters, every page of them. A filter
    given a value it does not know is refused (400, with the reasons): a download is not
    read beside the page's message, and every row in place of the few asked for would mislead."""
    filters, values = _outstanding_filter(request)
    problems = filters.problems()
    if problems:
        return HttpResponse(
            "".join(f"{problem.name}: {problem.message}\n" for problem in problems),
            status=400,
            content_type="text/plain; charset=utf-8",
        )

    def make():
        return _outstanding_csv(request, values)

    # Made once per content version and day for each combination of filters, as given, then
    # served from storage.
    return page_cache.stored_response(
        request,
        kind=RenderedDocument.Kind.OUTSTANDING_CSV,
        key=page_cache.file_key(request, _selection_key(request, filters)),
        make=make,
    )


def _outstanding_csv(request, values):
    rows = outstanding.outstanding(values, sort=values.get("sort", "due"))
    # Written whole, then handed to the response once: thousands of rows written to the
    # response one by one spent as long again encoding and keeping each line.
    written = io.StringIO()
    writer = csv.writer(written)
    writer.writerow(
        [
            "Kind",
            "Reference",
            "Item",
            "Plan",
            "Committee",
            "Owner",
            "Owner as written",
            "Owner (person)",
            "Status",
            "Raised",
            "Due",
            "Overdue",
            "No recent update",
            "Distance",
            "Link",
        ]
    )
    writer.writerows(
        safe_row(
            [
                row.kind_label,
                row.ref,
                row.title,
                row.plan_title,
                row.committee_name,
                row.owner_name,
                row.owner_note,
                row.owner_person_name,
                row.status,
                row.raised_on or "",
                row.due_on or "",
                "yes" if row.is_overdue else "no",
                "yes" if row.is_stale else "no",
                row.distance or "",
                request.build_absolute_uri(row.url),
            ]
        )
        for row in outstanding.to_rows(rows)
    )
    response = HttpResponse(written.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outstanding.csv"'
    return response


def search(request):
    form = SearchForm(request.GET)
    valid = form.is_valid()
    terms = form.cleaned_data.get("q", "") if valid else request.GET.get("q", "").strip()
    filters = form.filters() if valid else site_search.NO_FILTERS
    groups = site_search.search(terms, filters) if valid and terms else []
    per_kind = site_search.per_kind(filters)
    return render(
        request,
        "meetings/search.html",
        {
            "form": form,
            "terms": terms,
            "groups": groups,
            # Past COUNT_LIMIT a kind counts as the limit, and the sum as "more than".
            "total": sum(min(group.total, site_search.COUNT_LIMIT) for group in groups),
            "counted": all(group.counted for group in groups),
            "shown": sum(len(group.results) for group in groups),
            "per_kind": per_kind,
            "per_kind_alone": site_search.PER_KIND_ALONE,
            "count_limit": site_search.COUNT_LIMIT,
            # Each kind's "more" link: the same search of that kind alone, which lists more.
            "more": {
                group.key: _only_kind(request.GET, group.key)
                for group in groups
                if per_kind < site_search.PER_KIND_ALONE and group.total > len(group.results)
            },
        },
    )


def _only_kind(query, key):
    """The query string of the same search narrowed to the kind `key`."""
    query = query.copy()
    query.setlist("kind", [key])
    return query.urlencode()


def search_feed(request):
    """The dated results of a search, newest first, as Atom; a search that cannot be read,
    or of nothing, is refused (400)."""
    if not request.GET.get("q", "").strip():
        return _refused([("q", ["Give the words to search for."])])
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _refused(form.errors.items())
    terms = form.cleaned_data["q"]
    groups = site_search.search(terms, form.filters())
    return feeds.SearchFeed(terms, groups, request.GET.urlencode())(request)


# --- calendars ----------------------------------------------------------------------------


def _calendar_response(data, filename):
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def site_calendar(request):
    """Every public meeting from two years back, or with `?from=YYYY-MM-DD` from that day
    (no earlier than EARLIEST_YEAR), and all to come; made once per content version, day
    (the history window moves with the day) and `from`, then served from storage."""
    form = CalendarFromForm(request.GET)
    if not form.is_valid():
        return _refused(form.errors.items())
    since = form.cleaned_data["from"]

    def make():
        data = feeds.calendar(
            feeds.site_calendar_meetings(since), name=settings.SITE_NAME, request=request
        )
        return _calendar_response(data, "meetings.ics")

    return page_cache.stored_response(
        request,
        kind=RenderedDocument.Kind.CALENDAR,
        key=page_cache.file_key(request, since.isoformat() if since else ""),
        make=make,
    )


def committee_calendar(request, slug):
    committee = queries.committee_for(slug)

    def make():
        data = feeds.calendar(
            feeds.public_meetings().filter(committee=committee),
            name=committee.name,
            request=request,
        )
        return _calendar_response(data, f"{committee.slug}.ics")

    return page_cache.stored_response(
        request,
        kind=RenderedDocument.Kind.COMMITTEE_CALENDAR,
        key=page_cache.file_key(request, committee.slug),
        make=make,
    )


def meeting_calendar(request, slug, date):
    meeting = queries.meeting_for(slug, date)
    data = feeds.calendar([meeting], name=meeting.committee.name, request=request)
    return _calendar_response(data, f"{pdf.slug_for(meeting)}.ics")


def committee_action_points_csv(request, slug):
    """A committee's published action points; ?status=open or closed narrows them. Made
    once per content version and status, then served from storage."""
    committee = queries.committee_for(slug)
    status = request.GET.get("status")
    if status not in ActionPoint.Status.values:
        status = ""  # any other value is ignored: the file of every action point

    def make():
        return _action_points_csv(committee, status)

    return page_cache.stored_response(
        request,
        kind=RenderedDocument.Kind.ACTION_POINTS_CSV,
        key=page_cache.file_key(request, committee.slug, status),
        make=make,
    )


def _closed_on(point):
    """The CSV's "Closed on": the day, or the latest it can have been when the paper gives none."""
    if point.closed_on is None:
        return ""
    return point.closed_on if point.closed_day_given else f"by {point.closed_on} ({NO_DAY})"


def _action_points_csv(committee, status):
    points = queries.committee_action_points(committee, status)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{committee.slug}-action-points.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Reference",
            "Title",
            "Action",
            "Raised at",
            "Owner (as written)",
            "Owner (person)",
            "Owner (organisation)",
            "Due",
            "Status",
            "Response",
            "Closed on",
        ]
    )
    for point in points:
        writer.writerow(
            safe_row(
                [
                    point.reference,
                    point.title,
                    point.description,
                    point.meeting.local_date,
                    point.owner_text,
                    point.owner_person.name if point.owner_person else "",
                    point.owner_organisation.name if point.owner_organisation else "",
                    point.due_date or "",
                    point.get_status_display(),
                    point.response,
                    _closed_on(point),
                ]
            )
        )
    return response


def meeting_ocd(request, slug, date):
    """The meeting as an Open Civic Data event (meetings.ocd)."""
    meeting = queries.meeting_for(slug, date)
    ocd.read_ahead([meeting])
    event = ocd.event(meeting, request)
    return JsonResponse(event, json_dumps_params={"indent": 2})


def _refused(problems):
    """400 naming each parameter that cannot be read and why: for a download or a feed,
    which no page's message accompanies."""
    lines = [f"{name}: {message}\n" for name, messages in problems for message in messages]
    return HttpResponse("".join(lines), status=400, content_type="text/plain; charset=utf-8")


# --- the decisions register ---------------------------------------------------------------


def _decision_filter(request):
    return DecisionFilter(request.GET, queryset=queries.decisions())


def _filtered_page(request, filters, paginator):
    """The context of a filtered public list: the page of rows asked for (`paginator(rows)`),
    or none when a filter was given a value that cannot be read; each problem by its filter;
    and the query string that links to other pages, the CSV and the feed, carrying only the
    filters given well."""
    problems = filters.problems()
    page = None if problems else paginator(filters.qs).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ["page", *(name for name, _ in problems)]:
        query.pop(name, None)
    errors = {}
    for name, message in problems:
        errors.setdefault(name, []).append(message)
    return {
        "filter": filters,
        "problems": problems,
        "errors": errors,
        "page": page,
        "query": query.urlencode(),
    }


def decision_list(request):
    """Every decision of published minutes, newest first, with the filters. A filter given a
    value that cannot be read is named at the top of the page and beside the filter, and no
    rows are listed (400) rather than rows the visitor did not ask for."""
    filters = _decision_filter(request)
    context = _filtered_page(
        request,
        filters,
        lambda rows: queries.NewestPaginator(
            rows, queries.DECISIONS_PER_PAGE, limit=queries.REGISTER_LIMIT
        ),
    )
    return render(
        request,
        "meetings/decision_list.html",
        {
            **context,
            "committees": queries.committees_for_filter(),
            "verbs": Resolution.Verb.choices,
        },
        status=400 if context["problems"] else 200,
    )


def decisions_csv(request):
    """The decisions the register lists for the same filters, every page of them; a filter
    given a value that cannot be read is refused (400, with the reasons). Made once per
    content version and day for each combination of filters, then served from storage: a
    county's 133,000 decisions make a file of 33 MB."""
    filters = _decision_filter(request)
    if not filters.is_valid():
        return _refused(filters.form.errors.items())
    given = "&".join(
        f"{name}={','.join(sorted(request.GET.getlist(name)))}"
        for name in sorted(filters.filters)
        if request.GET.getlist(name)
    )
    return page_cache.stored_response(
        request,
        kind=RenderedDocument.Kind.DECISIONS_CSV,
        key=page_cache.file_key(request, hashlib.sha256(given.encode()).hexdigest()),
        make=lambda: _decisions_csv(request, filters.qs),
    )


def _decisions_csv(request, resolutions):
    written = io.StringIO()
    writer = csv.writer(written)
    writer.writerow(
        ["Date", "Committee", "Minute", "Heading", "Decision", "Text", "Corrected on", "Link"]
    )
    # Read as values, not as five model instances a row; each meeting's day and full address
    # are made once (its own get_absolute_url), and a minute's is its meeting's with the
    # minute's anchor.
    meetings = {}
    for row in resolutions.values(*queries.DECISION_CSV_FIELDS).iterator(chunk_size=2000):
        key = (row["minute__meeting__committee__slug"], row["minute__meeting__starts_at"])
        if key not in meetings:
            meeting = Meeting(starts_at=key[1], committee=Committee(slug=key[0]))
            meetings[key] = (
                meeting.local_date,
                request.build_absolute_uri(meeting.get_absolute_url()),
            )
        day, address = meetings[key]
        writer.writerow(
            safe_row(
                [
                    day,
                    row["minute__meeting__committee__name"],
                    row["minute__number"],
                    row["minute__heading"],
                    row["verb"].upper(),
                    row["text"],
                    timezone.localdate(row["corrected_at"]) if row["corrected_at"] else "",
                    address + Minute.anchor(row["minute__number"]),
                ]
            )
        )
    response = HttpResponse(written.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
    return response


def decisions_feed(request):
    """The newest decisions for the register's filters as Atom."""
    filters = _decision_filter(request)
    if not filters.is_valid():
        return _refused(filters.form.errors.items())
    return feeds.DecisionFeed(filters.qs)(request)


# --- the calendar month -------------------------------------------------------------------


def calendar_month(request):
    """The public meetings of a month (`?month=2022-07`, by default this month in
    Europe/London) on a calendar of its weeks; a month that cannot be read is a 400 page
    saying why."""
    form = MonthForm(request.GET)
    valid = form.is_valid()
    month = form.cleaned_data["month"] if valid else None
    context = {"form": form, "month": None}
    if valid:
        month = month or timezone.localdate().replace(day=1)
        calendar = queries.calendar_month(month)
        context = {
            "form": form,
            "month": calendar,
            "previous": calendar.previous if calendar.previous.year >= EARLIEST_YEAR else None,
            "next": calendar.next if calendar.next.year <= LATEST_YEAR else None,
            "today": timezone.localdate(),
        }
    return render(request, "meetings/calendar_month.html", context, status=200 if valid else 400)


# --- people ---------------------------------------------------------------------------------


def person_list(request):
    """Everyone who appears in published material in a public role, by name, with the name
    filter. A filter value that cannot be read is named on the page, and nobody is listed
    (400)."""
    filters = PersonFilter(request.GET, queryset=person_record.people())
    context = _filtered_page(
        request, filters, lambda rows: Paginator(rows, person_record.PEOPLE_PER_PAGE)
    )
    return render(
        request,
        "meetings/person_list.html",
        context,
        status=400 if context["problems"] else 200,
    )


def person_detail(request, slug):
    record = person_record.person_record(slug, page=request.GET.get("page"))
    return render(
        request,
        "meetings/person_detail.html",
        {
            "record": record,
            "person": record.person,
            "attendance_labels": person_record.ATTENDANCE_LABELS,
            "point_states": person_record.PointState.CHOICES,
        },
    )


# --- partner organisations ----------------------------------------------------------------


def _period(form):
    """The period the address names (`from`, `to`; either left blank is an open end), or the
    recent period when it names none."""
    if "from" not in form.data and "to" not in form.data:
        return organisation_record.recent_period()
    return organisation_record.Period(form.cleaned_data.get("from"), form.cleaned_data.get("to"))


def _period_query(form, names=("from", "to")):
    """The period as given (when it reads; a blank kept, as it asks for an open end), for
    the links that keep it."""
    return urlencode({name: form.data[name] for name in names if name in form.data})


def organisation_list(request):
    """Every organisation in published material with its figures side by side over the
    period (`?from=`, `?to=`), sorted by `?sort=` (a column's key, "-" first for the other
    way). A value that cannot be read is named on the page, which answers 400."""
    form = OrganisationListForm(request.GET, columns=organisation_record.SORT_KEYS)
    problems = form.problems()
    rows, sort, period = None, "name", None
    if not problems:
        sort = form.cleaned_data.get("sort") or "name"
        period = _period(form)
        rows = organisation_record.organisations(period, sort)
    return render(
        request,
        "meetings/organisation_list.html",
        {
            "form": form,
            "problems": problems,
            "errors": dict(form.errors) if problems else {},
            "rows": rows,
            "period": period,
            "sort": sort,
            "columns": organisation_record.LIST_COLUMNS,
            "period_query": _period_query(form) if not problems else "",
        },
        status=400 if problems else 200,
    )


def organisation_detail(request, slug):
    """An organisation's record over the period (`?from=`, `?to=`): attendance by committee,
    the action points it owns, the questions addressed to it and the plan actions it owns. A
    period that cannot be read is named on the page, which answers 400."""
    organisation = organisation_record.organisation_for(slug)
    form = PeriodForm(request.GET)
    problems = form.problems()
    page = None
    if not problems:
        page = organisation_record.organisation_page(organisation, _period(form))
    return render(
        request,
        "meetings/organisation_detail.html",
        {
            "organisation": organisation,
            "form": form,
            "problems": problems,
            "errors": dict(form.errors) if problems else {},
            "page": page,
            "attendance_states": organisation_record.ATTENDANCE,
            "point_states": organisation_record.POINT_STATES,
            "question_states": organisation_record.QUESTION_STATES,
        },
        status=400 if problems else 200,
    )
