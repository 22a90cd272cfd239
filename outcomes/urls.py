from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/", views.framework_list, name="frameworks"),
    path("outcomes/<slug:slug>/", views.framework_detail, name="framework"),
    path("outcomes/<slug:slug>/figures.csv", views.observations_csv, name="observations_csv"),
    path("outcomes/<slug:slug>/<str:number>/", views.outcome_detail, name="outcome"),
    path(
        "outcomes/<slug:slug>/<str:number>/meetings/",
        views.outcome_meetings,
        name="outcome_meetings",
    ),
    path(
        "outcomes/<slug:slug>/<str:number>/measures/<str:measure>/",
        views.measure_detail,
        name="measure",
    ),
]
