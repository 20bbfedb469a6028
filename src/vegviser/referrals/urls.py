from __future__ import annotations

from django.urls import path

from . import trust_views, views

app_name = "referrals"
urlpatterns = [
    path("", views.work_list, name="work_list"),
    path("new/", views.referral_register, name="referral_register"),
    path("<uuid:pk>/", views.referral_detail, name="referral_detail"),
    path("<uuid:pk>/ask-referrer/", views.ask_referrer, name="ask_referrer"),
    path("<uuid:pk>/attachments/new/", views.attachment_add, name="attachment_add"),
    path("<uuid:referral_pk>/attachments/<uuid:pk>/", views.attachment_file, name="attachment_file"),
    path("<uuid:pk>/referrer-answered/", views.referrer_answered, name="referrer_answered"),
    path("trust/", trust_views.trust_page, name="trust"),
]
