"""Who may and who may not open each page: one declared table, checked for every persona.

A URL pattern without an entry in the table fails `test_every_url_is_in_the_table`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vegviser.registry.models import Membership, PersonRelation, RelationKind

from ..conftest import PERSONAS, World, client_for
from ..factories import PersonFactory

ALL = set(PERSONAS)
SIGNED_IN = ALL - {"anonymous"}
KE = {"ke_officer"}
ADMINS = {"system_admin", "org_admin"}


def _relation(world: World) -> dict[str, Any]:
    relative = PersonFactory(given_name="Rita")
    relation = PersonRelation.objects.create(
        person=world.patient, relative=relative, kind=RelationKind.NEXT_OF_KIN, valid_from="2020-01-01"
    )
    return {"pk": relation.pk}


def _membership(world: World) -> dict[str, Any]:
    return {"pk": Membership.objects.get(user=world.coordinator, organisation=world.physio).pk}


# url name: (method, kwargs for the URL, personas allowed, status when allowed)
Entry = tuple[str, Callable[[World], dict[str, Any]], set[str], int]
NO_ARGS: Callable[[World], dict[str, Any]] = lambda world: {}  # noqa: E731
PUBLIC = "public"

TABLE: dict[str, Entry | str] = {
    "core:home": ("get", NO_ARGS, SIGNED_IN, 200),
    "core:healthz": PUBLIC,
    "set_language": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_change": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:password_change_done": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:two_factor_setup": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:two_factor_verify": ("get", NO_ARGS, SIGNED_IN, 200),
    "accounts:user_list": ("get", NO_ARGS, ADMINS, 200),
    "accounts:user_create": ("get", NO_ARGS, ADMINS, 200),
    "accounts:user_edit": ("get", lambda w: {"pk": w.coordinator.pk}, ADMINS, 200),
    "registry:person_search": ("get", NO_ARGS, KE | {"ke_officer_tromso"}, 200),
    "registry:person_create": ("get", NO_ARGS, KE | {"ke_officer_tromso"}, 200),
    "registry:person_detail": ("get", lambda w: {"pk": w.patient.pk}, KE, 200),
    "registry:person_edit": ("get", lambda w: {"pk": w.patient.pk}, KE, 200),
    "registry:relation_create": ("get", lambda w: {"pk": w.patient.pk}, KE, 200),
    "registry:relation_end": ("post", _relation, KE, 302),
    "registry:organisation_list": ("get", NO_ARGS, ADMINS, 200),
    "registry:organisation_create": ("get", NO_ARGS, {"system_admin"}, 200),
    "registry:organisation_edit": ("get", lambda w: {"pk": w.physio.pk}, {"system_admin"}, 200),
    "registry:organisation_members": ("get", lambda w: {"pk": w.physio.pk}, ADMINS, 200),
    "registry:membership_end": ("post", _membership, ADMINS, 302),
}
PROTECTED = sorted(name for name, entry in TABLE.items() if entry != PUBLIC)


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"every URL needs a name: {pattern.pattern}"
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_table() -> None:
    names = _url_names(get_resolver())
    assert names - set(TABLE) == set(), "new URLs need an entry in the access table"
    assert set(TABLE) - names == set(), "the table names URLs that no longer exist"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", PROTECTED)
def test_page_access(world: World, name: str, persona: str) -> None:
    entry = TABLE[name]
    assert not isinstance(entry, str)
    method, make_kwargs, allowed, status = entry
    url = reverse(name, kwargs=make_kwargs(world))
    response = getattr(client_for(world, persona), method)(url)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif persona in allowed:
        assert response.status_code == status
    else:
        # Refused objects answer 404, so a refused user cannot tell whether they exist.
        assert response.status_code == 404


def test_healthz_and_login_are_public(client: Any, db: None) -> None:
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("accounts:password_reset")).status_code == 200
