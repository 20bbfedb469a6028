from __future__ import annotations

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("directory/", views.directory, name="directory"),
    path("directory/<str:number>/", views.municipality, name="municipality"),
    path("<slug:slug>/", views.page, name="page"),
]
