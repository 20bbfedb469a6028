from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from vegviser.accounts.models import User
from vegviser.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def answers(monkeypatch: Any, *replies: str) -> None:
    it = iter(replies)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(it))


def test_creates_a_system_administrator(monkeypatch: Any) -> None:
    answers(monkeypatch, "a long passphrase 42", "a long passphrase 42")
    call_command("systemadmin", "drift", email="drift@example.no")
    user = User.objects.get(username="drift")
    assert user.is_system_admin
    assert user.check_password("a long passphrase 42")
    assert AuditRecord.objects.filter(
        action="user.create", object_id=str(user.pk), actor_name="system"
    ).exists()


def test_refuses_weak_or_mismatched_passwords_and_taken_names(monkeypatch: Any) -> None:
    answers(monkeypatch, "short", "short")
    with pytest.raises(CommandError):
        call_command("systemadmin", "drift", email="drift@example.no")
    answers(monkeypatch, "a long passphrase 42", "another long passphrase")
    with pytest.raises(CommandError, match="differ"):
        call_command("systemadmin", "drift", email="drift@example.no")
    assert not User.objects.filter(username="drift").exists()
    User.objects.create(username="drift")
    with pytest.raises(CommandError, match="taken"):
        call_command("systemadmin", "drift", email="drift@example.no")
