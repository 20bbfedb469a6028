from __future__ import annotations

from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("plans/<uuid:pk>/", views.plan_results, name="plan_results"),
    path("plans/<uuid:pk>/record/", views.record_choose, name="record_choose"),
    path("plans/<uuid:pk>/record/<slug:code>/", views.record, name="record"),
    path("plans/<uuid:pk>/send/", views.send, name="send"),
    path("plans/<uuid:pk>/schedule/", views.schedule, name="schedule"),
    path("schedules/<uuid:pk>/stop/", views.schedule_stop, name="schedule_stop"),
    path("follow-up/", views.follow_up, name="follow_up"),
]
