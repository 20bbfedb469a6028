"""Forms fed with generated bad input answer with a message, never with a server error (500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegviser.plans.models import IndividualPlan

from ..conftest import World, client_for
from ..plans.helpers import plan_for

# Values a hurried or hostile user could send: empty, huge, wrong types, control characters, near-dates.
VALUES = st.one_of(
    st.just(""),
    st.text(max_size=30),
    st.text(min_size=4000, max_size=4100),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        ["-3", "3", "99", "2026-02-30", "31.12.2026", "2026-13-01T25:61", "null", "0x1f", "NaN", "∞"]
    ),
    st.uuids().map(str),
    st.text(alphabet="\x00\x01\r\n\t<>\"'&;%", max_size=20),
)


def _fields(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUES))


# (URL name, how to get its kwargs from the plan, persona, the form's field names)
FORMS: list[tuple[str, Callable[[IndividualPlan], dict[str, Any]], str, list[str]]] = [
    (
        "plans:plan_edit",
        lambda plan: {"pk": plan.pk},
        "coordinator",
        [
            "what_matters",
            "resources",
            "needs",
            "collaboration",
            "period_start",
            "period_end",
            "next_revision",
            "version",
        ],
    ),
    (
        "plans:goal_add",
        lambda plan: {"pk": plan.pk},
        "coordinator",
        [
            "text",
            "parent",
            "life_area",
            "target_date",
            "status",
            "level_0",
            "baseline",
            "importance",
            "difficulty",
        ],
    ),
    (
        "plans:measure_add",
        lambda plan: {"pk": plan.pk},
        "coordinator",
        [
            "title",
            "scope",
            "responsible_participant",
            "responsible_organisation",
            "starts_on",
            "ends_on",
            "goals",
            "status",
        ],
    ),
    (
        "plans:participant_add",
        lambda plan: {"pk": plan.pk},
        "coordinator",
        ["kind", "membership", "name", "role", "contribution", "access_level", "phone", "email"],
    ),
    (
        "plans:meeting_create",
        lambda plan: {"pk": plan.pk},
        "coordinator",
        ["starts_at", "ends_at", "place", "video_link", "invited", "agenda"],
    ),
    (
        "plans:evaluation_create",
        lambda plan: {"pk": plan.pk},
        "coordinator",
        ["evaluated_on", "next_revision", "summary", "measures_review", "meeting"],
    ),
    ("plans:note_add", lambda plan: {"pk": plan.pk}, "team_member", ["text"]),
    # Instruments: every answer a text judged by the scoring function, a repeating group, a licensed profile.
    (
        "assessments:record",
        lambda plan: {"pk": plan.pk, "code": "psfs"},
        "coordinator",
        [
            "administered_on",
            "measure",
            "activities__0__activity",
            "activities__0__rating",
            "activities__1__activity",
            "activities__1__rating",
            "activities__2__activity",
            "activities__2__rating",
        ],
    ),
    (
        "assessments:record",
        lambda plan: {"pk": plan.pk, "code": "eq5d-5l"},
        "coordinator",
        ["administered_on", "profile", "VAS"],
    ),
    (
        "assessments:record",
        lambda plan: {"pk": plan.pk, "code": "tug"},
        "team_member",
        ["administered_on", "seconds"],
    ),
    (
        "assessments:record",
        lambda plan: {"pk": plan.pk, "code": "iplos"},
        "coordinator",
        ["administered_on", "variables__0__variable", "variables__0__score"],
    ),
    ("plans:plan_close", lambda plan: {"pk": plan.pk}, "coordinator", ["reason"]),
    ("access:emergency_open", lambda plan: {}, "org_admin", ["national_id", "reason", "hours"]),
    (
        "intake:report_create",
        lambda plan: {},
        "team_member",
        [
            "national_id",
            "given_name",
            "family_name",
            "municipality",
            "organisation",
            "needs_plan",
            "description",
            "channel",
        ],
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "persona", "fields"), FORMS, ids=[form[0] for form in FORMS])
def test_generated_bad_input_never_answers_500(
    world: World,
    name: str,
    kwargs: Callable[[IndividualPlan], dict[str, Any]],
    persona: str,
    fields: list[str],
) -> None:
    plan = plan_for(world, active=True)
    goal_fields = [f"goal_{goal.pk.hex}" for goal in plan.goals.all()]
    measure_fields = [f"measure_{measure.pk.hex}" for measure in plan.measures.all()]
    names = fields + (goal_fields + measure_fields if name == "plans:evaluation_create" else [])
    url = reverse(name, kwargs=kwargs(plan))
    client: Client = client_for(world, persona)
    client.raise_request_exception = False

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=_fields(names))
    def post(data: dict[str, str]) -> None:
        response = client.post(url, data)
        assert response.status_code < 500, f"{name} answered {response.status_code} to {data!r}"

    post()
