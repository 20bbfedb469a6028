from __future__ import annotations

from django.urls import path

from . import guide_views, trust_views, views, waiting_views

app_name = "referrals"
urlpatterns = [
    path("", views.work_list, name="work_list"),
    path("new/", views.referral_register, name="referral_register"),
    path("<uuid:pk>/", views.referral_detail, name="referral_detail"),
    path("<uuid:pk>/ask-referrer/", views.ask_referrer, name="ask_referrer"),
    path("<uuid:pk>/attachments/new/", views.attachment_add, name="attachment_add"),
    path("<uuid:referral_pk>/attachments/<uuid:pk>/", views.attachment_file, name="attachment_file"),
    path("<uuid:pk>/referrer-answered/", views.referrer_answered, name="referrer_answered"),
    path("priority-guides/", guide_views.priority_guide_list, name="priority_guide_list"),
    path("priority-guides/<uuid:pk>/", guide_views.priority_guide_detail, name="priority_guide_detail"),
    path("<uuid:pk>/assess/", views.assess, name="assess"),
    path("<uuid:pk>/appointment/", views.appointment, name="appointment"),
    path("<uuid:pk>/letters/person/", views.letter_person, name="letter_person"),
    path("<uuid:pk>/letters/person.pdf", views.letter_person_pdf, name="letter_person_pdf"),
    path("<uuid:pk>/letters/referrer/", views.letter_referrer, name="letter_referrer"),
    path("<uuid:pk>/letters/referrer.pdf", views.letter_referrer_pdf, name="letter_referrer_pdf"),
    path("waiting/", waiting_views.waiting_list, name="waiting_list"),
    path("<uuid:pk>/wait/", waiting_views.waiting_detail, name="waiting_detail"),
    path("<uuid:pk>/wait/helfo/", waiting_views.helfo_notified, name="wait_helfo_notified"),
    path("<uuid:pk>/wait/letter/", waiting_views.breach_letter, name="breach_letter"),
    path("<uuid:pk>/wait/letter.pdf", waiting_views.breach_letter_pdf, name="breach_letter_pdf"),
    path("<uuid:pk>/wait/letter-sent/", waiting_views.breach_letter_sent, name="wait_letter_sent"),
    path("<uuid:pk>/wait/postponement/", waiting_views.postponement, name="wait_postponement"),
    path("<uuid:pk>/wait/end/", waiting_views.wait_end, name="wait_end"),
    path("trust/", trust_views.trust_page, name="trust"),
]
