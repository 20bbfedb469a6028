from __future__ import annotations

from django.urls import path

from .views import evaluations, meetings, messages, overview, plan

app_name = "plans"
urlpatterns = [
    path("mine/", plan.my_plans, name="mine"),
    path("persons/<uuid:pk>/new/", plan.plan_create, name="plan_create"),
    path("<uuid:pk>/", plan.plan_detail, name="plan_detail"),
    path("<uuid:pk>/edit/", plan.plan_edit, name="plan_edit"),
    path("<uuid:pk>/status/", plan.plan_status, name="plan_status"),
    path("<uuid:pk>/activate/", plan.plan_activate, name="plan_activate"),
    path("<uuid:pk>/close/", plan.plan_close, name="plan_close"),
    path("<uuid:pk>/revise/", plan.plan_revise, name="plan_revise"),
    path("<uuid:pk>/timeline/", plan.plan_timeline, name="plan_timeline"),
    path("<uuid:pk>/who-has-seen/", plan.plan_access_log, name="plan_access_log"),
    path("<uuid:pk>/print/", plan.plan_print, name="plan_print"),
    path("<uuid:pk>/plan.pdf", plan.plan_pdf, name="plan_pdf"),
    path("<uuid:pk>/record-notice/", plan.record_notice, name="record_notice"),
    path("<uuid:pk>/record-notice.json", plan.record_notice_json, name="record_notice_json"),
    path("<uuid:pk>/participants/new/", plan.participant_add, name="participant_add"),
    path("participants/<uuid:pk>/edit/", plan.participant_edit, name="participant_edit"),
    path("participants/<uuid:pk>/end/", plan.participant_end, name="participant_end"),
    path("<uuid:pk>/goals/new/", plan.goal_add, name="goal_add"),
    path("goals/<uuid:pk>/edit/", plan.goal_edit, name="goal_edit"),
    path("<uuid:pk>/measures/new/", plan.measure_add, name="measure_add"),
    path("measures/<uuid:pk>/edit/", plan.measure_edit, name="measure_edit"),
    path("<uuid:pk>/linked/new/", plan.sub_plan_add, name="sub_plan_add"),
    path("linked/<uuid:pk>/remove/", plan.sub_plan_remove, name="sub_plan_remove"),
    path("<uuid:pk>/notes/", plan.note_add, name="note_add"),
    path("<uuid:pk>/messages/", messages.conversation, name="messages"),
    path("overview/", overview.overview, name="overview"),
    path("overview.csv", overview.overview_csv, name="overview_csv"),
    path("<uuid:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<uuid:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:pk>/approve/", meetings.meeting_approve, name="meeting_approve"),
    path("meetings/<uuid:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<uuid:pk>/decisions/new/", meetings.meeting_decision_add, name="meeting_decision_add"),
    path("meetings/<uuid:pk>/invitation.ics", meetings.meeting_ics, name="meeting_ics"),
    path("<uuid:pk>/evaluations/new/", evaluations.evaluation_create, name="evaluation_create"),
    path("evaluations/<uuid:pk>/", evaluations.evaluation_detail, name="evaluation_detail"),
    path("<uuid:pk>/versions/", evaluations.version_list, name="version_list"),
    path("versions/<uuid:pk>/", evaluations.version_detail, name="version_detail"),
    path("<uuid:pk>/versions/compare/", evaluations.version_compare, name="version_compare"),
]
