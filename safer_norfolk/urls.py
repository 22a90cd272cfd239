"""The composition root: every app's URLs meet here, and only here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from meetings import views as meetings_views
from safer_norfolk import views

admin.site.site_header = f"{settings.SITE_NAME} back office"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Officer administration"

urlpatterns = [
    # The home page draws on every app, so it lives in the top layer.
    path("", meetings_views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
    path("", include("outcomes.urls")),
    path("", include("delivery_plans.urls")),
]
