"""Nynorsk pages speak Nynorsk in Django's own strings too: a string Django's Nynorsk catalogue lacks would
otherwise fall back to the default language, Bokmål."""

from __future__ import annotations

import gettext
from pathlib import Path

import django
from django.conf import settings
from django.utils import translation

DJANGO = Path(django.__file__).parent
# Django's catalogues whose strings reach Vegviser's pages: forms, validators, dates, passwords.
CATALOGUES = [DJANGO / "conf" / "locale", DJANGO / "contrib" / "auth" / "locale"]


def _catalogue(directory: Path, language: str) -> dict[object, str]:
    path = directory / language / "LC_MESSAGES" / "django.mo"
    if not path.exists():
        return {}
    with path.open("rb") as file:
        return dict(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]


def test_every_django_string_in_bokmal_has_nynorsk() -> None:
    nynorsk: dict[object, str] = {}
    for directory in [*CATALOGUES, *map(Path, settings.LOCALE_PATHS)]:
        nynorsk.update(_catalogue(directory, "nn"))
    missing = [
        msgid
        for directory in CATALOGUES
        for msgid, text in _catalogue(directory, "nb").items()
        if msgid and text and msgid not in nynorsk
    ]
    assert missing == []


def test_form_messages_in_nynorsk_are_not_bokmal() -> None:
    with translation.override("nn"):
        assert (
            translation.gettext("Constraint “%(name)s” is violated.") == "Avgrensinga «%(name)s» er broten."
        )
        assert translation.gettext(
            "Select a valid choice. That choice is not one of the available choices."
        ).startswith("Vel eit gyldig val.")
        assert "same passordet" in translation.gettext("Enter the same password as before, for verification.")
    # Bokmål keeps Django's own.
    with translation.override("nb"):
        assert (
            translation.gettext("Constraint “%(name)s” is violated.") != "Avgrensinga «%(name)s» er broten."
        )
