"""What the plan page saves on every request, and that the savings change nothing that is shown or kept.

Timings are measured in bench/ (DESIGN §4); these tests hold the behaviour the savings must keep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegviser.core.sessions import SessionStore

from ..conftest import World, client_for
from .helpers import plan_for

pytestmark = pytest.mark.django_db


def _expiry(client: Client) -> timedelta:
    stored = Session.objects.get(session_key=client.session.session_key)
    return stored.expire_date - timezone.now()


def test_a_session_renewed_within_the_minute_is_not_written_again(world: World) -> None:
    plan = plan_for(world, active=True)
    client = client_for(world, "coordinator")
    stored = Session.objects.get(session_key=client.session.session_key).expire_date
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
    assert Session.objects.get(session_key=client.session.session_key).expire_date == stored


def test_a_session_last_renewed_over_a_minute_ago_is_renewed(world: World) -> None:
    plan = plan_for(world, active=True)
    client = client_for(world, "coordinator")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=29) - timedelta(seconds=2)
    )
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
    assert timedelta(minutes=29, seconds=50) < _expiry(client) <= timedelta(minutes=30)


def test_a_changed_session_is_written_at_once(world: World) -> None:
    key = client_for(world, "coordinator").session.session_key
    session = SessionStore(session_key=key)
    assert session.get("marker") is None
    assert session.renewed_recently()
    session["marker"] = "kept"
    session.save()
    assert SessionStore(session_key=key)["marker"] == "kept"
