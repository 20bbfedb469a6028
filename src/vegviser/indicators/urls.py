from __future__ import annotations

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.public, name="public"),
    path("tables/<slug:table>.<slug:kind>", views.public_download, name="public_download"),
    path("definitions/", views.definitions, name="definitions"),
    path("export.json", views.national_export, name="national_export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/tables/<slug:table>.<slug:kind>", views.dashboard_download, name="dashboard_download"),
]
