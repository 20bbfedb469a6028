"""Production settings: `check --deploy` reports nothing, and test identities are off."""

from __future__ import annotations

import os
import subprocess
import sys


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("VEGVISER_")}
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "x" * 30 + "production-secret-" + "y" * 30,
    "ALLOWED_HOSTS": "vegviser.example.no",
    "DJANGO_SETTINGS_MODULE": "vegviser.settings",
}


def test_check_deploy_reports_nothing() -> None:
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = run(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_production_defaults_are_safe() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.VEGVISER_TEST_IDENTITIES, s.VEGVISER_REQUIRE_2FA, s.SESSION_COOKIE_SECURE, "
        "s.SESSION_COOKIE_AGE, s.PASSWORD_HASHERS[0])"
    )
    result = run(code, **PRODUCTION)
    expected = ["False", "False", "True", "True", "1800", "django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert result.stdout.split() == expected, result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = dict(PRODUCTION, SECRET_KEY="")
    result = run("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
