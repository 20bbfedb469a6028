"""SMART on FHIR scopes (SMART App Launch 2.0, with the 1.0 forms `.read` and `.write`).

A scope is `context/ResourceType.permissions`: the context says whom the app acts for (`patient/` the person,
`user/` the signed-in user, `system/` a registered system on its own), the type is one of the API's resource
types or `*`, and the permissions are letters of `cruds`. This slice grants `user/` scopes that read and
search; `patient/` and `system/` parse to the same shape, so their rules join here and in `auth` without a
new kind of scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .catalogue import RESOURCE_TYPES

_SCOPE = re.compile(r"^(patient|user|system)/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$")
_V1_PERMISSIONS = {"read": "rs", "write": "cud", "*": "cruds"}

# The contexts a token may be granted in this version of the API.
GRANTED_CONTEXTS = ("user",)
# What the API offers: reading and searching.
GRANTED_PERMISSIONS = ("rs", "read")


@dataclass(frozen=True)
class SmartScope:
    context: str
    resource_type: str  # a type name, or "*"
    permissions: frozenset[str]

    def allows(self, context: str, resource_type: str, permission: str) -> bool:
        return (
            self.context == context
            and self.resource_type in ("*", resource_type)
            and permission in self.permissions
        )


def parse_scope(text: str) -> SmartScope | None:
    """The SMART scope `text` names, or None for any other scope (`openid`, `launch`, a misspelling)."""
    match = _SCOPE.match(text)
    if match is None or not match.group(3):
        return None
    context, resource_type, permissions = match.groups()
    return SmartScope(context, resource_type, frozenset(_V1_PERMISSIONS.get(permissions, permissions)))


def parse_scopes(text: str) -> list[SmartScope]:
    return [scope for scope in (parse_scope(word) for word in text.split()) if scope is not None]


def offered_scopes() -> dict[str, str]:
    """Every scope the authorisation server grants, with the words the user sees when asked to approve it."""
    scopes: dict[str, str] = {}
    for context in GRANTED_CONTEXTS:
        for permissions in GRANTED_PERMISSIONS:
            scopes[f"{context}/*.{permissions}"] = _("Read everything you may read in Vegviser")
            for resource_type in RESOURCE_TYPES:
                scopes[f"{context}/{resource_type.name}.{permissions}"] = resource_type.scope_description()
    return scopes


class SmartScopes:
    """django-oauth-toolkit's scopes backend: the scopes follow the API's own list of resource types, so a
    type added to the catalogue can be granted without a change to the settings."""

    def get_all_scopes(self) -> dict[str, str]:
        return offered_scopes()

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(offered_scopes())

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        # A client that asks for nothing gets nothing: an app names what it wants to read.
        return []
