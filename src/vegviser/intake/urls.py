from __future__ import annotations

from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/mine/", views.my_reports, name="my_reports"),
    path("reports/", views.queue, name="queue"),
    path("reports/<uuid:pk>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:pk>/assign/", views.report_assign, name="report_assign"),
    path("reports/<uuid:pk>/decide/", views.report_decide, name="report_decide"),
    path("reports/<uuid:pk>/letter/", views.decision_letter, name="decision_letter"),
    path("reports/<uuid:pk>/letter.pdf", views.decision_letter_pdf, name="decision_letter_pdf"),
    path("reports/<uuid:pk>/close/", views.report_close, name="report_close"),
    path("reports/<uuid:pk>/interim-reply/", views.interim_reply, name="interim_reply"),
    path("interim-replies/<uuid:pk>/letter/", views.interim_letter, name="interim_letter"),
    path("interim-replies/<uuid:pk>/letter.pdf", views.interim_letter_pdf, name="interim_letter_pdf"),
    path("persons/<uuid:pk>/coordinator/", views.coordinator_appoint, name="coordinator_appoint"),
    path("coordinators/<uuid:pk>/end/", views.coordinator_end, name="coordinator_end"),
]
