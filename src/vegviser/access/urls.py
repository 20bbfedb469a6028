from __future__ import annotations

from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("persons/<uuid:pk>/new/", views.consent_create, name="consent_create"),
    path("<uuid:pk>/", views.consent_detail, name="consent_detail"),
    path("<uuid:pk>/evidence/", views.consent_evidence, name="consent_evidence"),
    path("<uuid:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("emergency/", views.emergency_open, name="emergency_open"),
    path("emergency/review/", views.emergency_review, name="emergency_review"),
    path("emergency/<uuid:pk>/reviewed/", views.emergency_reviewed, name="emergency_reviewed"),
]
