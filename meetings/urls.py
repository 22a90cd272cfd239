import datetime

from django.urls import path, register_converter

from meetings import views
from meetings.feeds import LatestFeed


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None  # an impossible date is a 404, not a 500

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "meetings"

urlpatterns = [
    path("committees/", views.committee_list, name="committees"),
    path("committees/<slug:slug>/", views.committee_detail, name="committee"),
    path(
        "committees/<slug:slug>/meetings.ics", views.committee_calendar, name="committee_calendar"
    ),
    path("committees/<slug:slug>/feed.atom", LatestFeed(), name="committee_feed"),
    path("committees/<slug:slug>/<isodate:date>/", views.meeting_detail, name="meeting"),
    path("committees/<slug:slug>/<isodate:date>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("committees/<slug:slug>/<isodate:date>/pack.pdf", views.pack_pdf, name="pack_pdf"),
    path(
        "committees/<slug:slug>/<isodate:date>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"
    ),
    path(
        "committees/<slug:slug>/<isodate:date>/meeting.ics",
        views.meeting_calendar,
        name="meeting_calendar",
    ),
    path(
        "committees/<slug:slug>/<isodate:date>/reports/<int:pk>/",
        views.report_detail,
        name="report",
    ),
    path(
        "committees/<slug:slug>/<isodate:date>/reports/<int:pk>/report.pdf",
        views.report_pdf,
        name="report_pdf",
    ),
    path("meetings.ics", views.site_calendar, name="calendar"),
    path("committees/<slug:slug>/<isodate:date>/ocd.json", views.meeting_ocd, name="meeting_ocd"),
    path(
        "committees/<slug:slug>/action-points.csv",
        views.committee_action_points_csv,
        name="committee_action_points_csv",
    ),
    path("feeds/latest.atom", LatestFeed(), name="feed"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/text/", views.document_text, name="document_text"),
    path("questions/", views.written_question_list, name="questions"),
    path("outstanding/", views.outstanding_list, name="outstanding"),
    path("search/", views.search, name="search"),
    path("search/feed.atom", views.search_feed, name="search_feed"),
    path("outstanding.csv", views.outstanding_csv, name="outstanding_csv"),
    path("outstanding/feed.atom", views.outstanding_feed, name="outstanding_feed"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions.csv", views.decisions_csv, name="decisions_csv"),
    path("decisions/feed.atom", views.decisions_feed, name="decisions_feed"),
    path("calendar/", views.calendar_month, name="calendar_month"),
    path("people/", views.person_list, name="people"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
