"""Every UI string in Bokmål, Nynorsk and English: a new untranslated string fails here."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

import vegviser

PACKAGE = Path(vegviser.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
LANGUAGES = ["nb", "nn", "en"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogues as `makemessages` would make them from today's code, made in a scratch copy of the
    package so that the real catalogues are never touched."""
    scratch = tmp_path_factory.mktemp("i18n") / "vegviser"
    shutil.copytree(PACKAGE, scratch, ignore=shutil.ignore_patterns("__pycache__", "static"))
    cwd = os.getcwd()
    os.chdir(scratch)
    try:
        with override_settings(LOCALE_PATHS=[scratch / "locale"]):
            call_command("makemessages", locale=LANGUAGES, no_location=True, no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return scratch / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(extracted: Path, language: str) -> None:
    catalogue = polib.pofile(str(extracted / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {language}: run `make messages` and translate"
    assert fuzzy == [], f"fuzzy in {language}: check and confirm these translations"
    assert len(catalogue) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(language: str) -> None:
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    expected = {(e.msgid, e.msgstr or e.msgstr_plural.get(0, "")) for e in source.translated_entries()}
    actual = {(e.msgid, e.msgstr or e.msgstr_plural.get(0, "")) for e in compiled}
    assert expected <= actual, "django.mo is out of date: run `make messages`"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("nb", "Logg inn i Vegviser"), ("nn", "Logg inn i Vegviser"), ("en", "Log in to Vegviser")],
)
def test_pages_speak_the_chosen_language(client: Client, language: str, heading: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("accounts:login")})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'<html lang="{language}"' in page
    assert heading in page


@pytest.mark.django_db
def test_bokmal_is_the_default(client: Client) -> None:
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="nb"' in page


@pytest.mark.django_db
def test_nynorsk_differs_from_bokmal(client: Client, settings: Any) -> None:
    texts = {}
    for language in ["nb", "nn"]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        texts[language] = client.get(reverse("accounts:password_reset")).content.decode()
    assert texts["nb"] != texts["nn"]
