"""Start-up checks of the ways in: a provider turned on whose client secret or key cannot be read would
otherwise fail only when someone tries to log in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error


def provider_secrets_readable(**kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name, config in settings.OIDC_PROVIDERS.items():
        kind = "private key" if config.get("private_key_file") else "client secret"
        secret_file = Path(config.get("private_key_file") or config["client_secret_file"])
        if not secret_file.is_file() or not os.access(secret_file, os.R_OK):
            errors.append(
                Error(
                    f"The {kind} file for {name} cannot be read: {secret_file}.",
                    hint="Name a readable file in the environment (see docs/deploy.md).",
                    id="vegviser.accounts.E001",
                )
            )
    return errors
