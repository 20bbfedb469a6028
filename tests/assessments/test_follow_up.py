"""The professional's follow-up list: who has not answered, whose score fell by at least the minimal
important change, whose goal was rated lower; in the order that needs action first, for the plans the user
follows up, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vegviser.assessments import selectors, services
from vegviser.assessments.models import SentQuestionnaire
from vegviser.plans import services as plan_services
from vegviser.plans.models import AccessLevel, IndividualPlan
from vegviser.registry.models import Person

from ..conftest import World, client_as
from ..factories import ConsentFactory, CoordinatorAssignmentFactory, PersonFactory
from ..plans.helpers import english_messages, plan_for
from ..plans.large_plan import first_plan
from .test_recording import _psfs_response, _record_psfs

pytestmark = pytest.mark.usefixtures(english_messages.__name__)
TODAY = timezone.localdate


def _overdue(plan: IndividualPlan, days: int) -> SentQuestionnaire:
    sent = services.send_questionnaire(actor=None, plan=plan, instrument="psfs", due_on=TODAY())
    SentQuestionnaire.objects.filter(pk=sent.pk).update(due_on=TODAY() - timedelta(days=days))
    return sent


def _another_plan(world: World, name: str) -> IndividualPlan:
    person: Person = PersonFactory(given_name=name, family_name="Berg")
    ConsentFactory(person=person, shared_with=(world.physio, world.school))
    CoordinatorAssignmentFactory(person=person, coordinator=world.coordinator, organisation=world.physio)
    plan = first_plan(person, actor=None, teacher=world.team_member, organisation=world.school)
    plan_services.activate_plan(actor=None, plan=plan, reason="Startes")
    plan.refresh_from_db()
    return plan


def test_the_list_in_the_order_that_needs_action_first(world: World) -> None:
    plan = plan_for(world, active=True)
    _overdue(plan, days=2)
    _record_psfs(world, plan, TODAY() - timedelta(days=30), 7, 7, 7)
    _record_psfs(world, plan, TODAY() - timedelta(days=1), 4, 4, 4)  # fell by 3, the MIC is 2
    goal = plan.goals.get()
    plan_services.rate_progress(actor=None, goal=goal, attainment=1)
    plan_services.rate_progress(actor=None, goal=goal, attainment=-1)
    entries = selectors.follow_up(user=world.coordinator, language="en")
    assert [entry.kind for entry in entries] == ["score", "goal", "overdue"]
    score, rating, overdue = entries
    assert (score.before, score.now) == ("7", "4")
    assert rating.before == "+1" and rating.now.endswith("1") and rating.now != "+1"
    assert overdue.day == TODAY() - timedelta(days=2)
    page = client_as(world.coordinator).get(reverse("assessments:follow_up")).content.decode()
    assert reverse("assessments:plan_results", kwargs={"pk": plan.pk}) in page
    assert "fell from 7 to 4" in page and "Not answered" in page


def test_a_small_fall_a_rise_and_an_answered_questionnaire_are_not_listed(world: World) -> None:
    plan = plan_for(world, active=True)
    _record_psfs(world, plan, TODAY() - timedelta(days=30), 5, 5, 5)
    _record_psfs(world, plan, TODAY() - timedelta(days=20), 4, 4, 4)  # fell by 1: below the MIC
    sent = _overdue(plan, days=1)
    services.answer_questionnaire(
        actor=world.patient_user,
        sent=sent,
        response=_psfs_response(8, 8, 8),
    )
    assert selectors.follow_up(user=world.coordinator, language="en") == []


def test_who_sees_the_list_and_whose_plans_are_on_it(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    _overdue(plan, days=3)
    assert len(selectors.follow_up(user=world.coordinator, language="en")) == 1
    # A participant with limited access follows up only their own measures: not the plan's questionnaires.
    assert selectors.follow_up(user=world.team_member, language="en") == []
    assert client_as(world.team_member).get(reverse("assessments:follow_up")).status_code == 200
    for user in (world.patient_user, world.system_admin):
        assert client_as(user).get(reverse("assessments:follow_up")).status_code == 404
    menu = client_as(world.coordinator).get(reverse("plans:mine")).content.decode()
    assert reverse("assessments:follow_up") in menu


def test_the_list_costs_the_same_however_many_plans(world: World) -> None:
    plan = plan_for(world, active=True)
    _overdue(plan, days=3)
    _record_psfs(world, plan, TODAY() - timedelta(days=30), 7, 7, 7)
    _record_psfs(world, plan, TODAY() - timedelta(days=1), 3, 3, 3)

    coordinator = client_as(world.coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert coordinator.get(reverse("assessments:follow_up")).status_code == 200
        return len(captured)

    one = queries()
    for name in ("Kari", "Ola", "Siri"):
        other = _another_plan(world, name)
        _overdue(other, days=4)
        _record_psfs(world, other, TODAY() - timedelta(days=30), 8, 8, 8)
        _record_psfs(world, other, TODAY() - timedelta(days=2), 2, 2, 2)
    assert len(selectors.follow_up(user=world.coordinator, language="en")) == 8
    # One access record per person listed: written at once, so the same number of statements.
    assert queries() == one
