from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("follow/confirm/<str:signed>/", views.confirm, name="confirm"),
    path("follow/manage/<str:signed>/", views.manage, name="manage"),
    path("follow/leave/<str:signed>/", views.leave, name="leave"),
    path("follow/sent/", views.sent, name="sent"),
    path("reminders/stop/<str:signed>/", views.reminders_off, name="reminders_off"),
    # A search and a filter of the outstanding page are followed with their own query string.
    path("follow/search/", views.follow_search, name="follow_search"),
    path("follow/outstanding/", views.follow_outstanding, name="follow_outstanding"),
    path("follow/<str:kind>/<path:key>/", views.follow, name="follow"),
]
