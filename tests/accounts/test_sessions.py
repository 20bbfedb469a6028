"""Sessions end after 30 idle minutes: every request renews the expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ..conftest import World, client_for, sign_in
from ..factories import PASSWORD
from .helpers import is_signed_in, password_login

pytestmark = pytest.mark.django_db


def _stored_session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_sessions_expire_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_cookie_is_protected(world: World) -> None:
    client = Client()
    response = password_login(client, "pasient", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Lax"


def test_every_request_renews_the_expiry(world: World) -> None:
    client = Client()
    password_login(client, "pasient", PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    assert client.get(reverse("accounts:notifications")).status_code == 200
    remaining = _stored_session(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_request_after_the_session_expired_is_sent_to_login(world: World) -> None:
    client = Client()
    password_login(client, "pasient", PASSWORD)
    assert client.get(reverse("accounts:notifications")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("accounts:notifications"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not is_signed_in(client)


def test_session_set_to_expire_in_the_past_is_sent_to_login(world: World) -> None:
    client = Client()
    sign_in(client, world.coordinator)
    assert client.get(reverse("accounts:notifications")).status_code == 200
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_idle_limit_follows_the_setting(world: World, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 600
    client = Client()
    password_login(client, "pasient", PASSWORD)
    remaining = _stored_session(client).expire_date - timezone.now()
    assert timedelta(minutes=9) < remaining <= timedelta(minutes=10)


def test_pages_tell_the_browser_when_the_idle_session_ends(world: World) -> None:
    html = client_for(world, "coordinator").get(reverse("home")).content.decode()
    assert 'data-session-seconds="1800"' in html
    assert f'data-keepalive-url="{reverse("accounts:keepalive")}"' in html
    assert "data-session-warning hidden" in html
    # Anonymous pages have no session to keep.
    assert (
        "data-session-seconds"
        not in client_for(world, "anonymous").get(reverse("accounts:login")).content.decode()
    )


def test_keepalive_renews_the_session(world: World) -> None:
    client = client_for(world, "coordinator")
    before = client.session.get_expiry_date()
    response = client.get(reverse("accounts:keepalive"))
    assert response.status_code == 204
    assert client.session.get_expiry_date() >= before
