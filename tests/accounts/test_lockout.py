"""Lockout after repeated failed logins: per user name and address together (django-axes)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from ..conftest import World
from ..factories import PASSWORD
from .helpers import is_signed_in, password_login

pytestmark = pytest.mark.django_db

SECRET_GUESS = "Hemmelig-gjetning-4711"


def _fail(client: Client, username: str, times: int, address: str = "127.0.0.1") -> list[int]:
    return [
        password_login(client, username, f"{SECRET_GUESS}{n}", REMOTE_ADDR=address).status_code
        for n in range(times)
    ]


def test_failure_limit_is_five() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5


def test_failures_below_the_limit_do_not_lock_out(world: World) -> None:
    client = Client()
    assert _fail(client, "pasient", settings.AXES_FAILURE_LIMIT - 1) == [200] * 4
    response = password_login(client, "pasient", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_after_the_limit_even_the_right_password_is_refused(world: World) -> None:
    client = Client()
    statuses = _fail(client, "pasient", settings.AXES_FAILURE_LIMIT)
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = password_login(client, "pasient", PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "For mange forsøk" in html
    assert not is_signed_in(client)


def test_lockout_page_is_in_the_users_language(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _fail(client, "pasient", settings.AXES_FAILURE_LIMIT)
    html = password_login(client, "pasient", PASSWORD).content.decode()
    assert "Too many attempts" in html
    assert "too many failed attempts" in html


def test_other_user_name_from_the_same_address_is_not_locked(world: World) -> None:
    client = Client()
    _fail(client, "pasient", settings.AXES_FAILURE_LIMIT)
    other = Client()
    response = password_login(other, "koordinator", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(other)


def test_same_user_name_from_another_address_is_not_locked(world: World) -> None:
    _fail(Client(), "pasient", settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    client = Client()
    response = password_login(client, "pasient", PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    assert is_signed_in(client)
    locked = password_login(Client(), "pasient", PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429


def test_lockout_log_and_records_do_not_contain_the_password(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = Client()
    _fail(client, "pasient", settings.AXES_FAILURE_LIMIT)
    password_login(client, "pasient", PASSWORD)
    lockout_lines = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert lockout_lines, "the lockout must be logged"
    assert SECRET_GUESS not in caplog.text
    assert PASSWORD not in caplog.text
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    stored = f"{attempt.get_data} {attempt.post_data}"
    assert SECRET_GUESS not in stored
    assert PASSWORD not in stored


def test_behind_a_proxy_the_client_address_comes_from_the_proxys_entry(settings: Any) -> None:
    from django.test import RequestFactory

    from vegviser.accounts.middleware import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote 6.6.6.6 itself; the proxy saw 203.0.113.9.
    assert client_ip(request) == "203.0.113.9"
