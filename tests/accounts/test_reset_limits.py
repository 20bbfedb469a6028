"""Asking for a password-reset link: the same work whether an account has the address, the email sent after
the answer, and a limit per address and per client. No timing is asserted: the tests check that the same code
runs on both paths, which is what makes their times alike."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vegviser.accounts import throttle, views
from vegviser.accounts.forms import ResetForm
from vegviser.accounts.models import ResetRequest, User

from ..conftest import World
from ..factories import PASSWORD
from .helpers import password_login

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "fjellbekk solskinn 42"


def _ask(address: str, *, client_address: str = "192.0.2.1", language: str = "nb") -> Any:
    return Client(REMOTE_ADDR=client_address, HTTP_ACCEPT_LANGUAGE=language).post(RESET, {"email": address})


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


# The same work on both paths


@pytest.mark.parametrize("address", ["pasient@example.no", "nobody@example.no"])
def test_an_email_is_written_for_a_known_and_an_unknown_address_alike(world: World, address: str) -> None:
    with mock.patch.object(ResetForm, "send_mail", autospec=True, side_effect=ResetForm.send_mail) as written:
        response = _ask(address)
    assert response.status_code == 302
    assert written.call_count == 1
    assert len(mail.outbox) == (1 if address == "pasient@example.no" else 0)


def test_a_known_and_an_unknown_address_ask_the_database_the_same(world: World) -> None:
    counts = []
    for address in ("pasient@example.no", "nobody@example.no"):
        with CaptureQueriesContext(connection) as queries:
            _ask(address)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_page_only_puts_a_job_on_the_queue_the_same_for_a_known_and_an_unknown_address(
    world: World,
) -> None:
    with mock.patch.object(views, "send_reset_link") as job:
        for address in ("pasient@example.no", "nobody@example.no"):
            response = _ask(address)
            assert response.status_code == 302
            assert response.url == reverse("accounts:password_reset_done")
    assert [call.kwargs["address"] for call in job.call_args_list] == [
        "pasient@example.no",
        "nobody@example.no",
    ]
    assert {call.kwargs["domain"] for call in job.call_args_list} == {"testserver"}
    # Nothing is sent within the request: the job sends it.
    assert mail.outbox == []


def test_the_job_sends_the_link_in_the_language_the_page_was_asked_in(world: World) -> None:
    _ask("pasient@example.no", language="en")
    assert len(mail.outbox) == 1
    assert "http://testserver/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Choose a new password for Vegviser"


# The limits


def test_resets_are_limited_per_address_with_the_same_answer_for_known_and_unknown(world: World) -> None:
    for number in range(throttle.RESETS_PER_ADDRESS):
        assert _ask("pasient@example.no", client_address=f"192.0.2.{number}").status_code == 302
        assert _ask("nobody@example.no", client_address=f"198.51.100.{number}").status_code == 302
    sent = len(mail.outbox)
    known = _ask("PASIENT@example.no", client_address="203.0.113.1")
    unknown = _ask("nobody@example.no", client_address="203.0.113.2")
    assert known.status_code == unknown.status_code == 429
    assert _without_csrf(known.content).replace("PASIENT@example.no", "nobody@example.no") == _without_csrf(
        unknown.content
    )
    assert "For mange forespørsler om nytt passord. Vent en time og prøv igjen." in known.content.decode()
    assert len(mail.outbox) == sent


def test_resets_are_limited_per_client(world: World) -> None:
    for number in range(throttle.RESETS_PER_CLIENT):
        assert _ask(f"nobody{number}@example.no").status_code == 302
    assert _ask("pasient@example.no").status_code == 429
    assert mail.outbox == []
    assert _ask("pasient@example.no", client_address="192.0.2.99").status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "For mange forespørsler om nytt passord. Vent en time og prøv igjen."),
        ("nn", "For mange førespurnader om nytt passord. Vent ein time og prøv igjen."),
        ("en", "Too many requests for a new password. Wait an hour and try again."),
    ],
)
def test_the_limit_is_told_in_the_users_language(world: World, language: str, message: str) -> None:
    for _number in range(throttle.RESETS_PER_ADDRESS):
        _ask("nobody@example.no")
    response = _ask("nobody@example.no", language=language)
    assert response.status_code == 429
    assert message in response.content.decode()


def test_the_limit_lasts_for_its_window(world: World) -> None:
    for _number in range(throttle.RESETS_PER_ADDRESS):
        _ask("pasient@example.no")
    assert _ask("pasient@example.no").status_code == 429
    ResetRequest.objects.update(made_at=timezone.now() - throttle.RESET_WINDOW - timedelta(minutes=1))
    assert _ask("pasient@example.no").status_code == 302
    assert (
        ResetRequest.objects.count() == 2
    )  # the old requests are gone; this one counts by address and client


def test_an_invalid_address_does_not_count(world: World) -> None:
    for _number in range(throttle.RESETS_PER_ADDRESS + 1):
        assert _ask("not an address").status_code == 200
    assert not ResetRequest.objects.exists()


def test_no_address_or_client_is_kept_as_written(world: World) -> None:
    _ask("pasient@example.no")
    keys = list(ResetRequest.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert all("pasient" not in key and "192.0.2.1" not in key for key in keys)


# A password replaced with a link is told


def _reset_with_link(address: str) -> None:
    _ask(address)
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[-1].body)
    assert link
    client = Client()
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_a_password_replaced_with_a_link_is_told_to_the_address(world: World) -> None:
    _reset_with_link("pasient@example.no")
    message = mail.outbox[-1]
    assert message.to == ["pasient@example.no"]
    assert message.subject == "Passordet ditt i Vegviser er endret"
    assert "Per" not in message.body and "Andersen" not in message.body
    assert password_login(Client(), "pasient", NEW_PASSWORD).status_code == 302
    assert not User.objects.get(username="pasient").check_password(PASSWORD)


def test_a_first_password_chosen_with_the_welcome_link_is_not_told(db: None) -> None:
    user = User.objects.create(username="ny", email="ny@example.no")
    user.set_unusable_password()
    user.save()
    _reset_with_link("ny@example.no")
    assert len(mail.outbox) == 1
