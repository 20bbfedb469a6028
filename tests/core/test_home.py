"""The home page: a card for each part of Vegviser the user may open, and none for the rest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..conftest import World, english

CARDS = {
    "plans:mine": "My plans",
    "plans:overview": "Plans and coordinators",
    "intake:queue": "Reports of need",
    "intake:report_create": "Report a need",
    "registry:person_search": "Person registry",
    "registry:organisation_list": "Organisations",
}


PERSONS = {"registry:person_search"}


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("coordinator", {"plans:mine", "intake:report_create"}),
        ("team_member", {"plans:mine", "intake:report_create"}),
        ("ke_officer", {"plans:mine", "plans:overview", "intake:queue", "intake:report_create"} | PERSONS),
        ("org_admin", {"plans:mine", "intake:report_create", "registry:organisation_list"}),
        ("system_admin", {"registry:organisation_list"}),
    ],
)
def test_a_card_for_each_part_the_user_may_open(world: World, persona: str, shown: set[str]) -> None:
    page = english(world, persona).get(reverse("home")).content.decode()
    main = page[page.index("<main") :]
    for name, title in CARDS.items():
        card = f'<a class="ds-card" href="{reverse(name)}">'
        assert (card in main) == (name in shown), (persona, name)
        if name in shown:
            assert title in main[main.index(card) :].split("</a>")[0]
