"""The composition root: every app's URLs meet here, and only here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from delivery_plans import api as plans_api
from meetings import api as meetings_api
from meetings import ocd as meetings_ocd
from meetings import oparl as meetings_oparl
from meetings import popolo as meetings_popolo
from meetings import views as meetings_views
from outcomes import api as outcomes_api
from safer_norfolk import api as directory_api
from safer_norfolk import popolo, views

router = DefaultRouter()
for prefix, viewset in [
    ("organisations", directory_api.OrganisationViewSet),
    ("people", directory_api.PersonViewSet),
    ("committees", meetings_api.CommitteeViewSet),
    ("memberships", meetings_api.MembershipViewSet),
    ("meetings", meetings_api.MeetingViewSet),
    ("agenda-items", meetings_api.AgendaItemViewSet),
    ("minutes", meetings_api.MinuteViewSet),
    ("resolutions", meetings_api.ResolutionViewSet),
    ("action-points", meetings_api.ActionPointViewSet),
    ("written-questions", meetings_api.WrittenQuestionViewSet),
    ("work-programme", meetings_api.WorkProgrammeItemViewSet),
    ("reports", meetings_api.ReportViewSet),
    ("plans", plans_api.PlanViewSet),
    ("sections", plans_api.SectionViewSet),
    ("plan-actions", plans_api.ActionViewSet),
    ("action-updates", plans_api.ActionUpdateViewSet),
    ("outcome-frameworks", outcomes_api.FrameworkViewSet),
    ("outcomes", outcomes_api.OutcomeViewSet),
    ("measures", outcomes_api.MeasureViewSet),
    ("areas", outcomes_api.AreaViewSet),
    ("observations", outcomes_api.ObservationViewSet),
]:
    router.register(prefix, viewset, basename=prefix)
# What left the public record, named by the lists above.
directory_api.ChangeViewSet.kinds = {
    viewset.serializer_class.Meta.model._meta.label_lower: prefix
    for prefix, viewset, _ in router.registry
}
router.register("changes", directory_api.ChangeViewSet, basename="changes")

admin.site.site_header = f"{settings.SITE_NAME} back office"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Officer administration"

urlpatterns = [
    # The home page draws on every app, so it lives in the top layer.
    path("", meetings_views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("data/", views.open_data, name="open_data"),
    path("data/<slug:dataset>.zip", views.open_data_download, name="open_data_download"),
    path("health/", views.health, name="health"),
    path("health/ready/", views.ready, name="ready"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", views.SchemaView.as_view(), name="schema"),
    path("api/docs/", views.ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("api/ocd/persons/", popolo.PersonViewSet.as_view({"get": "list"}), name="ocd_persons"),
    path(
        "api/ocd/persons/<uuid:uuid>/",
        popolo.PersonViewSet.as_view({"get": "retrieve"}),
        name="ocd_person",
    ),
    path(
        "api/ocd/organizations/",
        meetings_popolo.OrganizationViewSet.as_view({"get": "list"}),
        name="ocd_organizations",
    ),
    path(
        "api/ocd/organizations/<uuid:uuid>/",
        meetings_popolo.OrganizationViewSet.as_view({"get": "retrieve"}),
        name="ocd_organization",
    ),
    path(
        "api/ocd/memberships/",
        meetings_popolo.MembershipViewSet.as_view({"get": "list"}),
        name="ocd_memberships",
    ),
    path(
        "api/ocd/memberships/<uuid:uuid>/",
        meetings_popolo.MembershipViewSet.as_view({"get": "retrieve"}),
        name="ocd_membership",
    ),
    path("api/ocd/events/", meetings_ocd.EventViewSet.as_view({"get": "list"}), name="ocd_events"),
    path("oparl/v1/", include(meetings_oparl)),
    path("", include("meetings.urls")),
    path("", include("outcomes.urls")),
    path("", include("delivery_plans.urls")),
    path("", include("alerts.urls")),
]

handler500 = "safer_norfolk.views.server_error"
