from __future__ import annotations

from django.urls import path

from . import views

app_name = "episodes"
urlpatterns = [
    path("", views.episode_list, name="episode_list"),
    path("new/", views.episode_create, name="episode_create"),
    path("<uuid:pk>/", views.episode_detail, name="episode_detail"),
    path("<uuid:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("<uuid:pk>/discharge/", views.episode_discharge, name="episode_discharge"),
    path("<uuid:pk>/discharge-summary/sent/", views.summary_sent, name="summary_sent"),
    path("<uuid:pk>/discharge-summary/", views.discharge_summary, name="discharge_summary"),
    path("<uuid:pk>/discharge-summary.pdf", views.discharge_summary_pdf, name="discharge_summary_pdf"),
]
