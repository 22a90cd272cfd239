from django.urls import path

from delivery_plans import views

app_name = "delivery_plans"

urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/distance/", views.plan_distance, name="distance"),
    path("plans/<slug:slug>/meetings/", views.plan_meetings, name="plan_meetings"),
    path("plans/<slug:slug>/report.pdf", views.plan_report_pdf, name="report_pdf"),
    path("plans/<slug:slug>/actions.csv", views.plan_actions_csv, name="actions_csv"),
    # Numbers are as printed, and a plan may number an action "1/2".
    path("plans/<slug:slug>/actions/<path:number>/", views.action_detail, name="action"),
]
