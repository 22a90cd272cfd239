"""The composition root: every app's URLs meet here, and only here."""

from django.conf import settings
from django.contrib import admin
from django.urls import path

from safer_norfolk import views

admin.site.site_header = f"{settings.SITE_NAME} back office"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Officer administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
]
