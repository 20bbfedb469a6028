"""Pages that swap a part of themselves in place with htmx: the filtered lists of the coordinating unit.

An htmx request gets the part, any other the whole page that includes it; the view is the same, so the part
is refused to whom the page is refused (404), and an allowed read is logged once, exactly as for the page.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vegviser.audit.models import AccessRecord
from vegviser.intake import services as intake_services

from ..conftest import World, client_as, client_for
from ..factories import PersonFactory, ReferralFactory
from ..personas import CLERK, MATRIX_PERSONAS, user_and_objects
from ..plans.helpers import plan_for
from .test_page_access import TABLE

# The page, the part it swaps in place, and the element the part replaces.
SWAPPED = {
    "intake:queue": ("intake/queue.html", "intake/_queue.html", 'id="queue"'),
    "plans:overview": ("plans/overview.html", "plans/_overview.html", 'id="overview"'),
    "referrals:work_list": ("referrals/work_list.html", "referrals/_work_list.html", 'id="work-list"'),
}
# Who opens each page in the tests below.
READER = {"intake:queue": "ke_officer", "plans:overview": "ke_officer", "referrals:work_list": CLERK}
HTMX = {"HTTP_HX_REQUEST": "true"}
HTMX_CONFIG = '{"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false'


def templates_of(response: Any) -> list[str]:
    return [template.name for template in response.templates if template.name]


@pytest.mark.parametrize("persona", MATRIX_PERSONAS)
@pytest.mark.parametrize("name", sorted(SWAPPED))
def test_the_part_is_refused_and_logged_as_the_page_is(world: World, name: str, persona: str) -> None:
    _method, make_kwargs, allowed, status = TABLE[name]  # type: ignore[misc]
    user, kwargs = user_and_objects(world, persona, lambda: make_kwargs(world))
    client = client_as(user)
    url = reverse(name, kwargs=kwargs)
    before = AccessRecord.objects.count()
    response = client.get(url, **HTMX)
    written = AccessRecord.objects.count() - before
    if persona == "anonymous":
        # Sent to the login page as a whole page, not swapped into the list; back to the whole list after.
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next={url}"
        assert written == 0
    elif persona in allowed:
        page, part, element = SWAPPED[name]
        assert response.status_code == status
        assert part in templates_of(response)
        assert page not in templates_of(response) and "base.html" not in templates_of(response)
        assert response.content.decode().lstrip().startswith(f'<div class="stack" {element}>')
        # The world has nobody on these lists (see test_the_part_logs_each_person_once for people on them).
        assert written == 0
    else:
        assert response.status_code == 404, f"{persona} must not get the part of {name}"
        assert written == 0


@pytest.mark.parametrize("name", sorted(SWAPPED))
def test_the_page_includes_the_part_and_loads_htmx(world: World, name: str) -> None:
    page, part, element = SWAPPED[name]
    client = client_as(user_and_objects(world, READER[name], lambda: None)[0])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert [page, part] == [template for template in templates_of(response) if template in {page, part}]
    content = response.content.decode()
    assert content.count(element) == 1
    assert "vendor/htmx/htmx.min.js" in content
    assert HTMX_CONFIG in content.replace("&quot;", '"')
    # Whole page or part: a browser's cache keeps them apart.
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in client.get(reverse(name), **HTMX)["Vary"]


def test_pages_that_swap_nothing_do_not_load_htmx(world: World) -> None:
    for name in ["home", "registry:person_search", "audit:search"]:
        content = client_for(world, "ke_officer").get(reverse(name)).content.decode()
        assert "htmx" not in content, name


def test_going_back_in_history_gets_the_whole_page(world: World) -> None:
    client = client_for(world, "ke_officer")
    response = client.get(
        reverse("intake:queue"), {"status": "all"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "intake/queue.html" in templates_of(response)


def _reads(client: Client, url: str, **headers: str) -> Counter[Any]:
    before = AccessRecord.objects.count()
    response = client.get(url, **headers)
    assert response.status_code == 200
    return Counter(record.person_id for record in AccessRecord.objects.order_by("id")[before:])


def test_the_part_logs_each_person_once_as_the_page_does(world: World) -> None:
    plan_for(world)
    other = PersonFactory(municipality=world.bodo)
    for person in [world.patient, other]:
        intake_services.report_need(
            actor=world.coordinator,
            person=person,
            data={
                "needs_plan": True,
                "description": "Trenger plan",
                "channel": "written",
                "consent_to_report": "yes",
            },
            municipality=world.bodo,
        )
    client = client_for(world, "ke_officer")
    queue = reverse("intake:queue") + "?status=all"
    assert _reads(client, queue, **HTMX) == _reads(client, queue) == {world.patient.pk: 1, other.pk: 1}
    overview = reverse("plans:overview")
    assert _reads(client, overview, **HTMX) == _reads(client, overview) == {world.patient.pk: 1}
    # Another municipality's unit reads no one, in the part as on the page.
    tromso = client_for(world, "ke_officer_tromso")
    assert _reads(tromso, queue, **HTMX) == _reads(tromso, overview, **HTMX) == Counter()


def test_the_filter_links_keep_their_ids_so_focus_stays_on_the_one_chosen(world: World) -> None:
    client = client_for(world, "ke_officer")
    for status in ["open", "all"]:
        content = client.get(reverse("intake:queue"), {"status": status}, **HTMX).content.decode()
        assert (
            f'id="queue-status-{status}" class="ds-button" data-size="sm" data-variant="secondary"' in content
        )
        assert 'id="queue-status-open"' in content and 'id="queue-status-all"' in content
    content = client.get(reverse("plans:overview"), {"status": "closed"}, **HTMX).content.decode()
    assert 'id="overview-status-closed" class="ds-button" data-size="sm" data-variant="secondary"' in content
    assert 'id="overview-status-open"' in content


def test_the_work_list_part_logs_each_person_once_and_keeps_its_links(world: World) -> None:
    client = client_as(user_and_objects(world, CLERK, lambda: None)[0])
    other = PersonFactory()
    for person in [world.patient, other]:
        ReferralFactory(person=person)
    url = reverse("referrals:work_list") + "?show=all&sort=-received"
    assert _reads(client, url, **HTMX) == _reads(client, url) == {world.patient.pk: 1, other.pk: 1}
    content = client.get(url, **HTMX).content.decode()
    assert 'id="referrals-show-all" class="ds-button" data-size="sm" data-variant="secondary"' in content
    assert 'id="referrals-sort-received" class="ds-button" data-size="sm" data-variant="secondary"' in content
    # Chosen again, the column sorts the other way; the filter chosen is kept.
    assert 'href="?show=all&amp;sort=received"' in content
