from __future__ import annotations

from typing import Any

import pytest

import vegviser.settings as production


@pytest.fixture
def production_hashers(settings: Any) -> list[str]:
    """The password hashers of the settings module, for tests about how passwords are stored (the shared
    fixtures put a fast hasher first)."""
    settings.PASSWORD_HASHERS = list(production.PASSWORD_HASHERS)
    return settings.PASSWORD_HASHERS
