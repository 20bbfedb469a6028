from __future__ import annotations

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.public, name="public"),
    path("csv/<slug:table>/", views.public_csv, name="public_csv"),
    path("definitions/", views.definitions, name="definitions"),
    path("export.json", views.national_export, name="national_export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/csv/<slug:table>/", views.dashboard_csv, name="dashboard_csv"),
]
