"""Typed readers of the environment for `settings.py`.

A variable that is unset or empty gives the setting's default. Any other value must be one the setting clearly
accepts, or the process refuses to start with ImproperlyConfigured naming the variable and what it accepts:
a typo such as `VEGVISER_REQUIRE_2FA=ture` must stop a deployment, not quietly turn two-factor sign-in off.
Secrets (the database URL, passwords) are never repeated in a message, since start-up errors end up in logs.

This module is read while settings load, before any app is ready: it imports no app, only Django's exception.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
# What Django's ALLOWED_HOSTS matches against: a name (a leading dot for its subdomains), an address, or "*".
# A scheme, a port or a path never matches a request, so an entry with one is a mistake.
HOST_PATTERN = re.compile(r"\*|\.?[a-z0-9-]+(\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\]", re.IGNORECASE)
INTEGER = re.compile(r"-?[0-9]+")
# The databases the suite runs on; anything else would start and fail in ways nobody has seen.
DATABASE_ENGINES = {
    "django.db.backends.postgresql": "postgres://",
    "django.db.backends.sqlite3": "sqlite:///",
}


def _given(name: str) -> str | None:
    """The variable's value without surrounding blanks, or None when unset or empty (the default applies)."""
    value = os.environ.get(name, "").strip()
    return value or None


def _refuse(name: str, accepted: str, value: str | None = None) -> ImproperlyConfigured:
    given = f"{name} is {value!r}; it" if value is not None else name
    return ImproperlyConfigured(
        f"{given} must be {accepted}, or unset or empty for the default (see docs/deploy.md)."
    )


def boolean(name: str, default: bool) -> bool:
    value = _given(name)
    if value is None:
        return default
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    words = ", ".join(f"{yes}/{no}" for yes, no in zip(TRUE_WORDS, FALSE_WORDS, strict=True))
    raise _refuse(name, f"one of {words} (in any letter case)", value)


def integer(name: str, default: int, *, minimum: int, maximum: int) -> int:
    value = _given(name)
    if value is None:
        return default
    if INTEGER.fullmatch(value) and minimum <= int(value) <= maximum:
        return int(value)
    raise _refuse(name, f"a whole number from {minimum} to {maximum}", value)


def integer_or_off(name: str, default: int, *, minimum: int, maximum: int) -> int | None:
    """A whole number, or None for the word `off`."""
    value = _given(name)
    if value is not None and value.lower() == "off":
        return None
    try:
        return integer(name, default, minimum=minimum, maximum=maximum)
    except ImproperlyConfigured:
        raise _refuse(name, f"a whole number from {minimum} to {maximum}, or off", value) from None


def choice(name: str, default: str, choices: Sequence[str]) -> str:
    """One of `choices`, matched in any letter case and given back as written in `choices`."""
    value = _given(name)
    if value is None:
        return default
    for candidate in choices:
        if candidate.lower() == value.lower():
            return candidate
    raise _refuse(name, f"one of {', '.join(choices)}", value)


def text(name: str, default: str) -> str:
    """Any text, as given: a secret keeps even its blanks, and is never shown in a message."""
    return os.environ.get(name) or default


def hosts(name: str, default: Sequence[str] = ()) -> list[str]:
    """Comma-separated host names for ALLOWED_HOSTS."""
    value = _given(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if not HOST_PATTERN.fullmatch(item):
            raise _refuse(
                name,
                "comma-separated host names such as vegviser.kommune.no, without https:// or a port",
                item,
            )
    return items


def origins(name: str) -> list[str]:
    """Comma-separated origins for CSRF_TRUSTED_ORIGINS: a scheme and a host, nothing after it."""
    value = _given(name)
    if value is None:
        return []
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        parts = urlsplit(item)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path or parts.query:
            raise _refuse(name, "comma-separated origins such as https://vegviser.kommune.no", item)
    return items


def site_url(name: str, default: str) -> str:
    """Where users reach the site, such as https://vegviser.kommune.no, without a trailing slash."""
    value = _given(name)
    if value is None:
        return default
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise _refuse(name, "an address such as https://vegviser.kommune.no", value)
    return value.rstrip("/")


def email_address(name: str, default: str) -> str:
    """An address such as `Vegviser <noreply@kommune.no>` or `noreply@kommune.no`."""
    value = _given(name)
    if value is None:
        return default
    if "@" not in parseaddr(value)[1]:
        raise _refuse(name, "an email address such as Vegviser <noreply@kommune.no>", value)
    return value


def absolute_path(name: str, default: Path) -> Path:
    """A folder given from the root: a relative one would depend on where each process happens to start."""
    value = _given(name)
    if value is None:
        return default
    if not Path(value).is_absolute():
        raise _refuse(name, "an absolute path such as /srv/vegviser/static", value)
    return Path(value)


def database(name: str, default: str, *, conn_max_age: int) -> dj_database_url.DBConfig:
    """The database from a URL, PostgreSQL or SQLite. The URL holds a password: no message repeats it."""
    accepted = "a database URL such as postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:///PATH"
    try:
        config = dj_database_url.parse(
            _given(name) or default, conn_max_age=conn_max_age, conn_health_checks=True
        )
    except ValueError:
        # The parser's own message may quote the URL: left out of the chain on purpose.
        raise _refuse(name, accepted) from None
    if config.get("ENGINE") not in DATABASE_ENGINES:
        raise _refuse(name, accepted)
    return config


def queue_url(name: str) -> str | None:
    """Where the job queue keeps its jobs: a Redis URL such as redis://HOST:6379/0 (rediss:// over TLS), or
    None for the embedded default. The URL may hold a password: no message repeats it."""
    value = _given(name)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise _refuse(name, "a Redis URL such as redis://127.0.0.1:6379/0")
    return value
