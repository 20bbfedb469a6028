"""Settings from the environment fail loudly: a value a setting does not clearly accept stops the start, with
a message naming the variable (vegviser/core/env.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from vegviser.core import env

from .test_deploy import PRODUCTION, run

NAME = "VEGVISER_SETTING_UNDER_TEST"


@pytest.fixture
def given(monkeypatch: Any) -> Any:
    """Sets the variable under test to a value."""

    def set_to(value: str) -> None:
        monkeypatch.setenv(NAME, value)

    monkeypatch.delenv(NAME, raising=False)
    return set_to


def refused(reader: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ImproperlyConfigured) as error:
        reader(NAME, *args, **kwargs)
    message = str(error.value)
    assert NAME in message
    return message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True), ("true", True), ("TRUE", True), ("Yes", True), ("on", True), (" on ", True),
        ("0", False), ("false", False), ("False", False), ("NO", False), ("off", False),
    ],
)  # fmt: skip
def test_a_boolean_accepts_the_clear_words(given: Any, value: str, expected: bool) -> None:
    given(value)
    assert env.boolean(NAME, not expected) is expected


@pytest.mark.parametrize("value", ["ture", "2", "y", "n", "enabled", "yes please", "-1", "1.0"])
def test_a_boolean_refuses_anything_else_and_says_what_it_accepts(given: Any, value: str) -> None:
    given(value)
    message = refused(env.boolean, True)
    assert repr(value) in message
    assert "1/0, true/false, yes/no, on/off" in message


@pytest.mark.parametrize("value", [None, "", "  "])
def test_unset_or_empty_gives_the_default(given: Any, value: str | None) -> None:
    if value is not None:
        given(value)
    assert env.boolean(NAME, True) is True
    assert env.boolean(NAME, False) is False
    assert env.integer(NAME, 7, minimum=0, maximum=10) == 7
    assert env.integer_or_off(NAME, 5, minimum=0, maximum=10) == 5
    assert env.choice(NAME, "INFO", ["DEBUG", "INFO"]) == "INFO"
    assert env.hosts(NAME, ["localhost"]) == ["localhost"]
    assert env.origins(NAME) == []
    assert env.site_url(NAME, "") == ""
    assert env.email_address(NAME, "a@b.no") == "a@b.no"
    assert env.absolute_path(NAME, Path("/srv/x")) == Path("/srv/x")


def test_an_integer_within_its_bounds(given: Any) -> None:
    for value, expected in [("0", 0), ("10", 10), (" 3 ", 3)]:
        given(value)
        assert env.integer(NAME, 5, minimum=0, maximum=10) == expected
    for value in ["11", "-1", "five", "5.0", "1_0", "0x5", "٣"]:
        given(value)
        assert "a whole number from 0 to 10" in refused(env.integer, 5, minimum=0, maximum=10)


def test_an_integer_or_off(given: Any) -> None:
    given("OFF")
    assert env.integer_or_off(NAME, 5, minimum=0, maximum=10) is None
    given("2")
    assert env.integer_or_off(NAME, 5, minimum=0, maximum=10) == 2
    for value in ["none", "11", "of"]:
        given(value)
        assert "from 0 to 10, or off" in refused(env.integer_or_off, 5, minimum=0, maximum=10)


def test_a_choice_in_any_letter_case_given_back_as_listed(given: Any) -> None:
    given("warning")
    assert env.choice(NAME, "INFO", ["INFO", "WARNING"]) == "WARNING"
    given("WARN")
    assert "one of INFO, WARNING" in refused(env.choice, "INFO", ["INFO", "WARNING"])


def test_hosts_are_names_or_addresses_without_a_scheme_or_a_port(given: Any) -> None:
    given("vegviser.bodo.kommune.no, .kommune.no,127.0.0.1,[::1],testserver,")
    assert env.hosts(NAME) == ["vegviser.bodo.kommune.no", ".kommune.no", "127.0.0.1", "[::1]", "testserver"]
    for value in ["https://vegviser.kommune.no", "vegviser.kommune.no:443", "vegviser.kommune.no/", "a b"]:
        given(value)
        assert "without https:// or a port" in refused(env.hosts)


def test_origins_have_a_scheme_and_nothing_after_the_host(given: Any) -> None:
    given("https://vegviser.kommune.no,https://*.kommune.no,http://127.0.0.1:8000")
    assert env.origins(NAME) == [
        "https://vegviser.kommune.no",
        "https://*.kommune.no",
        "http://127.0.0.1:8000",
    ]
    for value in ["vegviser.kommune.no", "https://vegviser.kommune.no/", "ftp://vegviser.kommune.no"]:
        given(value)
        refused(env.origins)


def test_the_site_url_is_an_http_address_without_its_trailing_slash(given: Any) -> None:
    given("https://vegviser.kommune.no/")
    assert env.site_url(NAME, "") == "https://vegviser.kommune.no"
    for value in ["vegviser.kommune.no", "https://", "https://vegviser.kommune.no/?a=1", "mailto:x@y.no"]:
        given(value)
        refused(env.site_url, "")


def test_an_email_address(given: Any) -> None:
    given("Vegviser <noreply@bodo.kommune.no>")
    assert env.email_address(NAME, "") == "Vegviser <noreply@bodo.kommune.no>"
    given("Vegviser")
    refused(env.email_address, "")


def test_a_folder_is_given_from_the_root(given: Any) -> None:
    given("/srv/vegviser/static")
    assert env.absolute_path(NAME, Path("/x")) == Path("/srv/vegviser/static")
    given("var/static")
    assert "an absolute path" in refused(env.absolute_path, Path("/x"))


def test_text_is_kept_as_given(given: Any) -> None:
    given(" pass word ")
    assert env.text(NAME, "default") == " pass word "
    given("")
    assert env.text(NAME, "default") == "default"


def test_the_database_is_postgresql_or_sqlite_and_its_url_is_never_repeated(given: Any) -> None:
    given("postgres://vegviser:s3cret-pass@db.example.no:5432/vegviser")
    config = env.database(NAME, "sqlite:///x.sqlite3", conn_max_age=60)
    assert (config["ENGINE"], config["HOST"], config["CONN_MAX_AGE"]) == (
        "django.db.backends.postgresql",
        "db.example.no",
        60,
    )
    given("")
    assert env.database(NAME, "sqlite:////srv/x.sqlite3", conn_max_age=0)["NAME"] == "/srv/x.sqlite3"
    for value in [
        "mysql://vegviser:s3cret-pass@db.example.no/vegviser",
        "postgress://vegviser:s3cret-pass@db.example.no/vegviser",
        "postgres://vegviser:s3cret-pass@db.example.no:54x2/vegviser",
        "s3cret-pass",
    ]:
        given(value)
        with pytest.raises(ImproperlyConfigured) as error:
            env.database(NAME, "sqlite:///x.sqlite3", conn_max_age=0)
        assert NAME in str(error.value)
        assert "postgres://USER:PASSWORD@HOST:5432/NAME" in str(error.value)
        assert "s3cret" not in str(error.value)
        assert error.value.__suppress_context__ or error.value.__context__ is None


def test_a_mistyped_two_factor_switch_stops_the_start() -> None:
    """The mistake the readers were written for: `ture` used to turn two-factor sign-in off in production."""
    result = run("import django; django.setup()", **dict(PRODUCTION, VEGVISER_REQUIRE_2FA="ture"))
    assert result.returncode != 0
    assert "ImproperlyConfigured: VEGVISER_REQUIRE_2FA is 'ture'; it must be one of 1/0" in result.stderr


def test_the_vegviser_command_stops_on_a_bad_value_without_repeating_a_secret() -> None:
    command = "import sys; from vegviser.cli import main; sys.argv = ['vegviser', 'check']; main()"
    result = run(command, **dict(PRODUCTION, SESSION_IDLE_SECONDS="30m"))
    assert result.returncode != 0
    assert "SESSION_IDLE_SECONDS is '30m'; it must be a whole number from 300 to 86400" in result.stderr

    database = dict(PRODUCTION, DATABASE_URL="postgresql://vegviser:s3cret-pass@db.example.no:port/vegviser")
    result = run(command, **database)
    assert result.returncode != 0
    assert "DATABASE_URL must be a database URL" in result.stderr
    assert "s3cret" not in result.stderr


def test_the_production_settings_start_with_every_variable_given_well() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ALLOWED_HOSTS, s.SESSION_COOKIE_AGE, s.EMAIL_USE_TLS, s.LOGGING['root']['level'], "
        "s.VEGVISER_SITE_URL, s.VEGVISER_REQUIRE_2FA)"
    )
    well = dict(
        PRODUCTION,
        ALLOWED_HOSTS="vegviser.bodo.kommune.no,.bodo.kommune.no",
        SESSION_IDLE_SECONDS="900",
        EMAIL_USE_TLS="Yes",
        LOG_LEVEL="warning",
        VEGVISER_SITE_URL="https://vegviser.bodo.kommune.no/",
        VEGVISER_REQUIRE_2FA="on",
        EMAIL_PORT="587",
        TRUSTED_PROXY_COUNT="1",
        STATIC_ROOT="/srv/vegviser/static",
    )
    result = run(code, **well)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['vegviser.bodo.kommune.no',",
        "'.bodo.kommune.no']",
        "900",
        "True",
        "WARNING",
        "https://vegviser.bodo.kommune.no",
        "True",
    ]


def test_the_queue_is_embedded_unless_a_redis_url_is_given(given: Any) -> None:
    assert env.queue_url(NAME) is None
    given("redis://:secret@queue.kommune.no:6379/2")
    assert env.queue_url(NAME) == "redis://:secret@queue.kommune.no:6379/2"
    given("rediss://queue.kommune.no:6380/0")
    assert env.queue_url(NAME) == "rediss://queue.kommune.no:6380/0"
    for wrong in ("postgres://u:secret@db/x", "queue.kommune.no:6379", "redis://"):
        given(wrong)
        message = refused(env.queue_url)
        assert "secret" not in message
