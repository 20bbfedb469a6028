from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.django_db
def test_loading_the_demo_emails_no_one(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    """The demo's story sends messages in the portal; its people do not exist and must get no email."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast_hashing, django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=StringIO())
    assert mailoutbox == []
