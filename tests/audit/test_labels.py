"""Every purpose a read is logged with, and every change recorded, has words in the log search, in the
person's "who has seen my plan" and in their own copy: a new code shown raw fails here."""

from __future__ import annotations

import re
from pathlib import Path

import vegviser
from vegviser.audit.selectors import ACTIONS, PURPOSES

SOURCE = Path(vegviser.__file__).parent
PURPOSE = re.compile(r'(?:purpose(?:: str)?\s*=\s*|_PURPOSE\s*=\s*)"([a-z-]+)"')
ACTION = re.compile(r'\baction\s*=\s*"([a-z_]+\.[a-z_.]+)"')
# Changes that concern no person: they never show in the person's log or copy.
NOT_ABOUT_A_PERSON = {
    "membership.create",
    "membership.end",
    "organisation.create",
    "organisation.update",
    "user.create",
    "user.update",
    "user.two_factor_enable",
}


def _codes(pattern: re.Pattern[str]) -> set[str]:
    return {code for path in SOURCE.rglob("*.py") for code in pattern.findall(path.read_text())}


def test_every_purpose_has_a_label() -> None:
    assert _codes(PURPOSE) - set(PURPOSES) == set()


def test_every_change_about_a_person_has_a_label() -> None:
    # plan.<status> is recorded with the status in the code (plans.services._set_status).
    assert _codes(ACTION) - set(ACTIONS) - NOT_ABOUT_A_PERSON == set()
