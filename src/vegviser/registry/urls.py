from __future__ import annotations

from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("persons/", views.person_search, name="person_search"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<uuid:pk>/", views.person_detail, name="person_detail"),
    path("persons/<uuid:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<uuid:pk>/relations/new/", views.relation_create, name="relation_create"),
    path("relations/<uuid:pk>/end/", views.relation_end, name="relation_end"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<uuid:pk>/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<uuid:pk>/members/", views.organisation_members, name="organisation_members"),
    path("memberships/<uuid:pk>/end/", views.membership_end, name="membership_end"),
    path("codes/", views.code_search, name="code_search"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<uuid:pk>/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<uuid:pk>/agreement.pdf", views.agreement_document, name="agreement_document"),
]
