from __future__ import annotations

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/data.json", views.my_data_json, name="my_data_json"),
    path("my-data/data.pdf", views.my_data_pdf, name="my_data_pdf"),
    path("my-data/prepare/", views.my_data_prepare, name="my_data_prepare"),
    path("my-data/<uuid:pk>/data.pdf", views.my_data_prepared, {"kind": "pdf"}, name="my_data_prepared_pdf"),
    path(
        "my-data/<uuid:pk>/data.json", views.my_data_prepared, {"kind": "json"}, name="my_data_prepared_json"
    ),
    path("<uuid:pk>/", views.home, name="home"),
    path("<uuid:pk>/plan/", views.plan, name="plan"),
    path("<uuid:pk>/plan/agree/", views.plan_agree, name="plan_agree"),
    path("<uuid:pk>/results/", views.results, name="results"),
    path("<uuid:pk>/what-matters/", views.what_matters, name="what_matters"),
    path("<uuid:pk>/goals/new/", views.goal_add, name="goal_add"),
    path("goals/<uuid:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<uuid:pk>/rate/", views.goal_rate, name="goal_rate"),
    path("<uuid:pk>/messages/", views.conversation, name="messages"),
    path("<uuid:pk>/questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<uuid:pk>/", views.questionnaire, name="questionnaire"),
    path("<uuid:pk>/consent/", views.consents, name="consents"),
    path("consents/<uuid:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<uuid:pk>/renew/", views.consent_renew, name="consent_renew"),
    path(
        "consents/<uuid:pk>/share-again/<uuid:organisation>/",
        views.consent_share_again,
        name="consent_share_again",
    ),
    path("<uuid:pk>/who-has-seen/", views.access_log, name="access_log"),
    path("<uuid:pk>/ask-for-help/", views.help_request, name="ask_for_help"),
]
