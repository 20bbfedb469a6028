from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("idporten/", views.idporten_login, name="idporten_login"),
    path("idporten/callback/", views.idporten_callback, name="idporten_callback"),
    path("helseid/", views.helseid_login, name="helseid_login"),
    path("helseid/callback/", views.helseid_callback, name="helseid_callback"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
    path("reset/", views.password_reset, name="password_reset"),
    path("reset/done/", views.password_reset_done, name="password_reset_done"),
    path("reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:pk>/", views.user_edit, name="user_edit"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<uuid:pk>/read/", views.notification_read, name="notification_read"),
]
