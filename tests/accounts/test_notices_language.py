"""A notice is read in the language the reader has when reading it, not the one they had when it was made:
its message is kept untranslated with its values, and dates and times are formatted when shown."""

from __future__ import annotations

import importlib
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, ngettext_lazy, npgettext_lazy, pgettext_lazy

from vegviser.accounts.models import Notification
from vegviser.core import deferred
from vegviser.plans import notices
from vegviser.plans.models import IndividualPlan, Meeting
from vegviser.plans.reminders import send_reminders

from ..conftest import World, client_for
from ..plans.helpers import plan_for


def _in(client: Client, language: str) -> str:
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client.get(reverse("accounts:notifications")).content.decode()


def test_a_notice_made_in_bokmal_reads_in_the_language_chosen_later(world: World) -> None:
    assert world.coordinator.language == ""  # Bokmål, the service's default, when the notice is made
    notices.tell(
        users=[world.coordinator],
        key="message:1",
        message=gettext_lazy("New message from %(name)s about the plan for %(person)s."),
        params={"name": "Fatima Haugen", "person": "Emil Haugen"},
        url="/",
        email=False,
    )
    notice = Notification.objects.get(user=world.coordinator)
    assert notice.message == {"id": "New message from %(name)s about the plan for %(person)s."}
    assert notice.params == {"name": "Fatima Haugen", "person": "Emil Haugen"}

    client = client_for(world, "coordinator")
    assert "Ny melding fra Fatima Haugen om planen til Emil Haugen." in _in(client, "nb")
    english = _in(client, "en")
    assert "New message from Fatima Haugen about the plan for Emil Haugen." in english
    assert "Ny melding" not in english
    assert "Ny melding frå Fatima Haugen om planen til Emil Haugen." in _in(client, "nn")


def _due_in(world: World, days: int) -> IndividualPlan:
    plan = plan_for(world, active=True)
    due = timezone.localdate() + timedelta(days=days)
    IndividualPlan.objects.filter(pk=plan.pk).update(next_revision=due)
    plan.refresh_from_db()
    return plan


def test_a_date_is_kept_as_a_date_and_formatted_in_each_language(world: World) -> None:
    plan = _due_in(world, 7)
    assert plan.next_revision is not None
    send_reminders(today=timezone.localdate())
    notice = Notification.objects.get(user=world.coordinator)
    assert notice.params["date"] == {"kind": "date", "value": plan.next_revision.isoformat()}
    shown = plan.next_revision.strftime("%d.%m.%Y")
    client = client_for(world, "coordinator")
    assert f"Planen for Per Andersen skal revideres {shown}." in _in(client, "nb")
    assert f"The plan for Per Andersen is due for revision on {shown}." in _in(client, "en")
    assert f"Planen for Per Andersen skal reviderast {shown}." in _in(client, "nn")


def test_a_meeting_time_is_kept_as_a_time_and_formatted_when_shown(world: World) -> None:
    plan = plan_for(world, active=True)
    tomorrow = timezone.localdate() + timedelta(days=1)
    starts = timezone.make_aware(datetime.combine(tomorrow, time(9, 5)))
    Meeting.objects.create(plan=plan, starts_at=starts, ends_at=starts + timedelta(hours=1), place="Rådhuset")
    send_reminders(today=timezone.localdate())
    notice = Notification.objects.get(user=world.coordinator, key__startswith="meeting:")
    assert notice.params["time"] == {"kind": "time", "value": "09:05"}
    page = _in(client_for(world, "coordinator"), "en")
    assert f"meets tomorrow, {tomorrow:%d.%m.%Y} at 09:05." in page


def test_a_notice_from_before_messages_were_kept_shows_its_text_in_every_language(world: World) -> None:
    Notification.objects.create(user=world.coordinator, key="old", text="Planen for Per Andersen", url="/")
    client = client_for(world, "coordinator")
    for language in ("nb", "en", "nn"):
        assert "Planen for Per Andersen" in _in(client, language)


def test_text_already_translated_is_kept_as_written(world: World) -> None:
    with translation.override("nb"):
        message = str(gettext_lazy("New message in Vegviser"))
    notices.tell(users=[world.coordinator], key="k", message=message, params={}, url="/", email=False)
    notice = Notification.objects.get(user=world.coordinator)
    assert notice.message == {}
    with translation.override("en"):
        assert notice.shown_text == "Ny melding i Vegviser"


def test_the_stored_text_is_written_in_the_recipients_language(world: World) -> None:
    world.coordinator.language = "nn"
    world.coordinator.save(update_fields=["language"])
    notices.tell(
        users=[world.coordinator],
        key="k",
        message=gettext_lazy("You have been appointed coordinator for %(person)s."),
        params={"person": "Emil Haugen"},
        url="/",
        email=False,
    )
    notice = Notification.objects.get(user=world.coordinator)
    with translation.override("en"):
        assert notice.text.startswith("Du er")
        assert notice.shown_text == "You have been appointed coordinator for Emil Haugen."


# What is kept of each kind of message


def _round_trip(message: Any, params: dict[str, Any], language: str = "en") -> str:
    kept = deferred.keep(message)
    assert kept is not None
    with translation.override(language):
        return deferred.shown(kept, deferred.keep_values(params))


def test_a_message_with_a_context_keeps_it() -> None:
    message = pgettext_lazy("notice", "Notices")
    assert deferred.keep(message) == {"id": "Notices", "context": "notice"}
    assert _round_trip(message, {}) == "Notices"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "You have a new notice in Vegviser."), (3, "You have 3 new notices in Vegviser.")],
)
def test_a_plural_counted_by_a_value_picks_its_form_when_shown(count: int, expected: str) -> None:
    message = ngettext_lazy(
        "You have a new notice in Vegviser.", "You have %(count)d new notices in Vegviser.", "count"
    )
    assert deferred.keep(message) == {
        "id": "You have a new notice in Vegviser.",
        "plural": "You have %(count)d new notices in Vegviser.",
        "number": "count",
    }
    assert _round_trip(message, {"count": count}) == expected
    assert _round_trip(message, {"count": count}, "nn").startswith("Du har")


def test_a_plural_with_a_fixed_count_and_a_context() -> None:
    message = npgettext_lazy("notice", "a day", "%(count)d days", 4)
    kept = deferred.keep(message)
    assert kept == {"id": "a day", "plural": "%(count)d days", "number": 4, "context": "notice"}
    assert _round_trip(message, {"count": 4}) == "4 days"


def test_values_keep_what_they_are() -> None:
    moment = timezone.make_aware(datetime(2026, 12, 24, 14, 30))
    kept = deferred.keep_values(
        {"day": date(2026, 12, 24), "at": moment, "when": time(8, 0), "role": gettext_lazy("Coordinator")}
    )
    assert kept["day"] == {"kind": "date", "value": "2026-12-24"}
    assert kept["at"]["kind"] == "datetime"
    assert kept["when"] == {"kind": "time", "value": "08:00"}
    assert kept["role"] == {"kind": "message", "value": {"id": "Coordinator"}}
    message = {"id": "%(day)s %(at)s %(when)s %(role)s"}
    with translation.override("nb"):
        assert deferred.shown(message, kept) == "24.12.2026 24.12.2026 14:30 08:00 Koordinator"


def test_anything_but_a_lazy_translation_is_not_kept() -> None:
    assert deferred.keep("Ny melding") is None
    assert deferred.keep(None) is None


# Notices from before messages were kept


def _written_then(language: str, message: str, params: dict[str, Any]) -> str:
    with translation.override(language):
        return translation.gettext(message) % params


def _recover() -> None:
    migration = importlib.import_module("vegviser.accounts.migrations.0007_notification_message_from_text")
    migration.recover(django_apps, None)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_notice_written_before_is_recovered_from_its_text(world: World, language: str) -> None:
    meeting = "The responsibility group for %(name)s meets tomorrow, %(date)s at %(time)s."
    text = _written_then(language, meeting, {"name": "Per Andersen", "date": "14.12.2026", "time": "09:30"})
    old = Notification.objects.create(user=world.coordinator, key="meeting:1:2026-12-14T09:30", text=text)
    message = "New message from %(name)s about the plan for %(person)s."
    text = _written_then(language, message, {"name": "Fatima Haugen", "person": "Emil Haugen"})
    other = Notification.objects.create(user=world.coordinator, key="message:2", text=text)
    _recover()
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.message == {"id": meeting}
    assert old.params == {
        "name": "Per Andersen",
        "date": {"kind": "date", "value": "2026-12-14"},
        "time": {"kind": "time", "value": "09:30"},
    }
    with translation.override("en"):
        assert (
            old.shown_text == "The responsibility group for Per Andersen meets tomorrow, 14.12.2026 at 09:30."
        )
        assert other.shown_text == "New message from Fatima Haugen about the plan for Emil Haugen."
    with translation.override("nn"):
        assert other.shown_text == "Ny melding frå Fatima Haugen om planen til Emil Haugen."


def test_a_text_that_is_no_known_message_stays_as_written(world: World) -> None:
    kept = [
        Notification.objects.create(user=world.coordinator, key="revision:1:2026-12-14", text="Noe annet"),
        Notification.objects.create(user=world.coordinator, key="other:1", text="Planen for Per Andersen"),
        # A notice cut at 300 characters does not match the whole message.
        Notification.objects.create(
            user=world.coordinator,
            key="message:3",
            text=_written_then(
                "nb",
                "New message from %(name)s about the plan for %(person)s.",
                {"name": "A" * 300, "person": "B"},
            )[:300],
        ),
    ]
    _recover()
    for notice in kept:
        notice.refresh_from_db()
        assert notice.message == {} and notice.params == {}
        with translation.override("en"):
            assert notice.shown_text == notice.text
