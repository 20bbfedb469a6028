"""Identity numbers never reach a log line."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse

from ..conftest import World, client_for


def test_registry_work_logs_no_identity_number(world: World, caplog: Any) -> None:
    number = world.patient.national_id
    client = client_for(world, "ke_officer")
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("registry:person_search"), {"query": number})
        client.post(reverse("registry:person_create"), {"given_name": "A", "national_id": number})
        client.post(reverse("registry:person_create"), {"given_name": "A", "national_id": number[:-1] + "0"})
        client_for(world, "ke_officer_tromso").post(reverse("registry:person_search"), {"query": number})
        client.get(reverse("registry:person_detail", kwargs={"pk": world.patient.pk}))
    assert caplog.records, "the requests should have logged something (audit of logins at least)"
    assert number not in caplog.text
    assert number[:-1] + "0" not in caplog.text


def test_the_suite_wide_watch_catches_an_identity_number(world: World, identity_number_watch: Any) -> None:
    """The guard in tests/conftest.py notices a logged number (cleared here, so that this test passes)."""
    logging.getLogger("vegviser.test").warning("person %s", world.patient.national_id)
    assert identity_number_watch.found
    identity_number_watch.found.clear()
    logging.getLogger("vegviser.test").warning("order 12345678901 is not an identity number")
    assert not identity_number_watch.found
    # Inside a UUID, eleven digits that happen to pass the check digits are part of the UUID, not a number.
    uuid_like = f"0d3e4f5a-1b2c-4d5e-8f90-a{world.patient.national_id}"
    logging.getLogger("vegviser.test").warning("Not Found: /plans/%s/", uuid_like)
    assert not identity_number_watch.found
