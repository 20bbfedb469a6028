"""The plan page runs a fixed number of queries, however large the plan: no query per goal, measure,
participant, meeting or version. Timings are measured in bench/ (DESIGN §4), never here."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from vegviser.access.models import Consent
from vegviser.access.services import withdraw_consent
from vegviser.plans import selectors, services
from vegviser.plans.models import IndividualPlan

from ..conftest import World, client_as, client_for
from ..factories import MembershipFactory
from . import large_plan
from .helpers import plan_for

pytestmark = pytest.mark.django_db

# The coordinator's plan page, for any size of plan. When a section is added to the page, expect this to
# change once, and no more as plans grow.
#   3  middleware: the session, the user, the two-factor device
#   4  get_plan: the plan with person and municipality; plan_role (the user's memberships, once per
#      request; the person's active coordinators, once per request, to ask whether the user is one of
#      them); the access record's insert (its description of the actor comes from the memberships already
#      loaded)
#  11  plan_content: goals, measures, which goals each serves (pairs of ids), participants, linked plans,
#      notes, meetings, evaluations, the number of versions, who has agreed to the plan (with their versions'
#      numbers and the newest's, in the same query), the consent in force (the coordinators are those
#      loaded above)
#   1  the person's latest own rating of each goal, for readers of the whole plan
#   1  the requests to take part waiting for an answer, for the coordinator who answers them
# The collaboration agreements between the municipality and the participants' health trusts cost one more
# query, only when a participant is from the specialist service (tests/registry/test_agreements.py).
# The layout context processor adds none: the header's membership and every menu question about the user's
# roles are answered from the memberships already loaded, and the menu asks for the user's own person only
# on the home page.
# The session is not written: sessions expire when idle, and the store renews the expiry at most once a
# minute (vegviser/core/sessions.py); the client here has just signed in. When it is written, that is three
# more: savepoint, update, release.
# The same on SQLite and PostgreSQL, and the same as the bench counts on autocommit: the access record is one
# row, inserted without a transaction of its own.
PLAN_PAGE_QUERIES = 20
# Only the coordinator answers requests to take part: nobody else's page asks for them.
COORDINATOR_ONLY_QUERIES = 1
# A participating professional is not the coordinator, so plan_role goes on to ask for their
# participation, the consent in force, and whether that consent covers their organisation.
PARTICIPANT_ROLE_QUERIES = 3


def make_large(world: World, plan: IndividualPlan) -> IndividualPlan:
    professionals = [
        (membership.user, membership.organisation)
        for membership in (
            MembershipFactory(organisation=org) for org in (world.physio, world.school, world.physio)
        )
    ]
    plan = large_plan.grow(plan, actor=None, professionals=professionals)
    assert (plan.goals.count(), plan.goals.filter(parent__isnull=False).count()) == (
        large_plan.GOALS,
        large_plan.SUB_GOALS,
    )
    assert (plan.measures.count(), plan.participants.count()) == (
        large_plan.MEASURES,
        large_plan.PARTICIPANTS,
    )
    assert (plan.meetings.count(), plan.versions.count()) == (large_plan.MEETINGS, large_plan.VERSIONS)
    return plan


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", PLAN_PAGE_QUERIES),
        ("team_member", PLAN_PAGE_QUERIES - COORDINATOR_ONLY_QUERIES + PARTICIPANT_ROLE_QUERIES),
    ],
)
def test_plan_page_runs_the_same_queries_for_any_size_of_plan(
    world: World, django_assert_num_queries: Any, persona: str, expected: int, size: str
) -> None:
    plan = plan_for(world, active=True)
    if size == "large":
        plan = make_large(world, plan)
    client = client_for(world, persona)
    url = reverse("plans:plan_detail", args=[plan.pk])
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # Each measure with who is responsible for it (a participant is taken from the participants loaded).
    measures = plan.measures.select_related("responsible_participant", "responsible_organisation")
    assert all(f"<strong>{measure.title}</strong>" in html for measure in measures)
    assert all(f">{escape(measure.responsible_name)}</td>" in html for measure in measures)


def test_a_draft_plan_says_what_keeps_it_from_being_active_from_what_the_page_has_loaded(
    world: World, django_assert_num_queries: Any
) -> None:
    plan = plan_for(world)
    assert plan.status == "draft"
    withdraw_consent(actor=None, consent=Consent.objects.get(person=world.patient))
    client = client_as(world.coordinator)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    html = response.content.decode()
    assert "The plan can be made active when:" in html
    assert "There is no consent in force to the plan." in html
    assert "The person has no coordinator." not in html


# What the plan page shows beyond goals, measures and participants, by the tables it is loaded from.
LINKED_PLANS = {"plans_subplan"}
HISTORY = {"plans_plannote", "plans_evaluation", "plans_planversion"}


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("plans:plan_detail", LINKED_PLANS | HISTORY),
        # The print charts each goal's ratings, those at evaluations dated by their evaluation.
        ("plans:plan_print", LINKED_PLANS | {"plans_evaluation"}),
        ("plans:plan_timeline", set()),
    ],
)
def test_each_view_of_the_plan_loads_only_the_records_it_shows(
    world: World, page: str, shown: set[str]
) -> None:
    plan = make_large(world, plan_for(world, active=True))
    with CaptureQueriesContext(connection) as queries:
        response = client_as(world.coordinator).get(reverse(page, args=[plan.pk]))
    assert response.status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert {table for table in LINKED_PLANS | HISTORY if f'"{table}"' in sql} == shown


def test_measures_come_by_start_date_and_those_without_one_last_on_every_database(world: World) -> None:
    """SQLite and PostgreSQL put a measure with no start date at opposite ends unless told: the model's order
    says last, and the plan's content, sorted in Python (plans/selectors.py), agrees with it."""
    plan = plan_for(world, active=True)
    for title, starts_on in [("Uten start", None), ("Seint", date(2027, 3, 1)), ("Tidleg", date(2027, 1, 1))]:
        data = {"title": title, "starts_on": starts_on, "responsible_organisation": world.school}
        services.add_measure(actor=None, plan=plan, data=data)
    by_the_database = [measure.title for measure in plan.measures.all()]
    in_the_content = [
        measure.title for measure in selectors.plan_content(user=world.coordinator, plan=plan).measures
    ]
    assert in_the_content == by_the_database
    assert by_the_database[-1] == "Uten start"
    assert by_the_database.index("Tidleg") < by_the_database.index("Seint")


def test_my_plans_asks_what_to_look_at_once_for_all_plans(
    world: World, django_assert_num_queries: Any
) -> None:
    """Overdue measures, unread messages and new own ratings: one query each, however many plans."""
    from ..factories import PersonFactory

    plan_for(world, active=True)
    for given_name in ("Kari", "Ola"):
        world.patient = PersonFactory(given_name=given_name)
        plan_for(world, active=True)
    plans = selectors.my_plans(user=world.coordinator)
    assert len(plans) == 3
    with django_assert_num_queries(3):
        attention = selectors.coordinator_attention(user=world.coordinator, plans=plans)
    assert len(attention) == 3
