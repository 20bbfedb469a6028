"""Evaluations with the goal attainment T-score, and the plan's frozen versions: who may and who may not, the
score against the GAS module and by hand, freezing, immutability, comparison, bad input and the access log."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vegviser.access.policy import PlanRole
from vegviser.assessments.gas import t_score
from vegviser.audit.models import AccessRecord
from vegviser.core.dates import add_months
from vegviser.plans import page, selectors, services, versions
from vegviser.plans.models import (
    AccessLevel,
    Evaluation,
    Goal,
    GoalRating,
    IndividualPlan,
    MeasureStatus,
    PlanVersion,
)

from ..conftest import World, client_as, english
from ..factories import (
    IndividualPlanFactory,
    PersonFactory,
    PersonRelationFactory,
    UserFactory,
    born_years_ago,
)
from .helpers import plan_for

READERS = {"coordinator", "team_member", "patient_user"}
OUTSIDERS = ["ke_officer", "ke_officer_tromso", "org_admin", "system_admin"]


def _add_goal(plan: IndividualPlan, text: str, **data: Any) -> Goal:
    return services.add_goal(actor=None, plan=plan, data={"text": text, "level_0": "Som ventet", **data})


def _evaluate(world: World, plan: IndividualPlan, level: int = 0) -> Evaluation:
    today = timezone.localdate()
    return services.evaluate_plan(
        actor=world.coordinator,
        plan=plan,
        evaluated_on=today,
        next_revision=today + timedelta(days=180),
        ratings=dict.fromkeys(plan.goals.all(), (level, "")),
        summary="Godt i gang",
    )


def _form(plan: IndividualPlan, levels: dict[Goal, str], **overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "evaluated_on": today.isoformat(),
        "next_revision": (today + timedelta(days=180)).isoformat(),
        "summary": "Godt i gang",
        "measures_review": "Treningen virker",
    }
    data.update({f"goal_{goal.pk.hex}": level for goal, level in levels.items()})
    for measure in plan.measures.all():
        data[f"measure_{measure.pk.hex}"] = data[f"measure_{measure.pk.hex}_shown"] = measure.status
    data.update(overrides)
    return data


def _post(world: World, plan: IndividualPlan, data: dict[str, str]) -> Any:
    return english(world, "coordinator").post(reverse("plans:evaluation_create", args=[plan.pk]), data)


def _pages(plan: IndividualPlan, evaluation: Evaluation) -> dict[str, str]:
    """Every page of this module that reads a plan, with a comparison of activation and evaluation."""
    first = plan.versions.get(number=1)
    compare = reverse("plans:version_compare", args=[plan.pk])
    return {
        "evaluation_create": reverse("plans:evaluation_create", args=[plan.pk]),
        "evaluation_detail": reverse("plans:evaluation_detail", args=[evaluation.pk]),
        "version_list": reverse("plans:version_list", args=[plan.pk]),
        "version_detail": reverse("plans:version_detail", args=[evaluation.plan_version_id]),
        "version_compare": f"{compare}?older={first.pk}&newer={evaluation.plan_version_id}",
    }


# Evaluating


def test_coordinator_evaluates_and_the_plan_is_frozen(world: World) -> None:
    plan = plan_for(world, active=True)
    goal, measure = plan.goals.get(), plan.measures.get()
    client = english(world, "coordinator")
    page = client.get(reverse("plans:evaluation_create", args=[plan.pk]))
    assert page.status_code == 200
    assert goal.text in page.content.decode()
    assert "−1: somewhat less than expected" in page.content.decode()  # the baseline
    next_revision = timezone.localdate() + timedelta(days=120)
    response = client.post(
        reverse("plans:evaluation_create", args=[plan.pk]),
        _form(
            plan,
            {goal: "1"},
            **{
                f"goal_{goal.pk.hex}_comment": "Gikk hele runden",
                f"measure_{measure.pk.hex}": MeasureStatus.ONGOING,
                "next_revision": next_revision.isoformat(),
            },
        ),
    )
    evaluation = Evaluation.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:evaluation_detail", args=[evaluation.pk])
    rating = evaluation.ratings.get()
    assert (rating.goal, rating.attainment, rating.comment) == (goal, 1, "Gikk hele runden")
    # One goal, weighted or not, one step above expected: 60.
    assert evaluation.t_score == pytest.approx(60.0)
    version = evaluation.plan_version
    assert (version.number, version.reason) == (2, PlanVersion.Reason.EVALUATION)
    assert version.snapshot["plan"]["next_revision"] == next_revision.isoformat()
    assert version.snapshot["measures"][str(measure.pk)]["status"] == MeasureStatus.ONGOING
    plan.refresh_from_db()
    measure.refresh_from_db()
    assert plan.next_revision == next_revision
    assert measure.status == MeasureStatus.ONGOING
    detail = client.get(response["Location"]).content.decode()
    assert "60.0" in detail
    assert "Gikk hele runden" in detail
    assert reverse("plans:version_detail", args=[version.pk]) in detail


def test_t_score_of_two_weighted_goals(world: World) -> None:
    plan = plan_for(world, active=True)
    first = plan.goals.get()  # importance 2, difficulty 2: weight 4
    second = _add_goal(plan, "Sykle til skolen", importance=3, difficulty=1)  # weight 3
    _post(world, plan, _form(plan, {first: "1", second: "-1"}))
    evaluation = Evaluation.objects.get(plan=plan)
    # T = 50 + 10·Σwx / sqrt(0.7·Σw² + 0.3·(Σw)²) = 50 + 10·(4 − 3) / sqrt(0.7·25 + 0.3·49)
    by_hand = 50 + 10 * (4 * 1 + 3 * -1) / math.sqrt(0.7 * (16 + 9) + 0.3 * (4 + 3) ** 2)
    assert evaluation.t_score == pytest.approx(t_score([1, -1], [4, 3]))
    assert evaluation.t_score == pytest.approx(by_hand)
    assert round(by_hand, 1) == 51.8
    detail = english(world, "coordinator").get(reverse("plans:evaluation_detail", args=[evaluation.pk]))
    text = detail.content.decode()
    assert "51.8" in text
    assert "better than expected" in text
    assert "its importance to the person times its difficulty" in text


def test_t_score_is_unweighted_when_a_goal_lacks_importance_or_difficulty(world: World) -> None:
    plan = plan_for(world, active=True)
    first = plan.goals.get()
    second = _add_goal(plan, "Sykle til skolen")
    _post(world, plan, _form(plan, {first: "2", second: "0"}))
    evaluation = Evaluation.objects.get(plan=plan)
    by_hand = 50 + 10 * (2 + 0) / math.sqrt(0.7 * 2 + 0.3 * 2**2)
    assert evaluation.t_score == pytest.approx(t_score([2, 0]))
    assert evaluation.t_score == pytest.approx(by_hand)
    text = english(world, "coordinator").get(reverse("plans:evaluation_detail", args=[evaluation.pk]))
    assert "62.4" in text.content.decode()
    assert "All goals count the same" in text.content.decode()


def test_a_goal_may_be_left_unrated(world: World) -> None:
    plan = plan_for(world, active=True)
    first = plan.goals.get()
    second = _add_goal(plan, "Sykle til skolen", importance=3, difficulty=3)
    _post(world, plan, _form(plan, {first: "-1", second: ""}))
    evaluation = Evaluation.objects.get(plan=plan)
    assert [rating.goal for rating in evaluation.ratings.all()] == [first]
    assert evaluation.t_score == pytest.approx(t_score([-1], [4]))


def test_the_form_shows_the_latest_rating_also_between_evaluations(world: World) -> None:
    plan = plan_for(world, active=True)
    goal = plan.goals.get()
    _evaluate(world, plan, level=-1)
    GoalRating.objects.create(
        goal=goal, attainment=0, comment="Gikk 900 meter i dag", rated_by_name="Per Andersen"
    )
    text = english(world, "coordinator").get(reverse("plans:evaluation_create", args=[plan.pk]))
    content = text.content.decode()
    assert "Gikk 900 meter i dag" in content
    assert "between evaluations" in content
    assert "0: the expected outcome – 1 km" in content


def test_the_dates_default_to_today_and_six_months_on(world: World) -> None:
    plan = plan_for(world, active=True)
    today = timezone.localdate()
    text = english(world, "coordinator").get(reverse("plans:evaluation_create", args=[plan.pk]))
    assert f'value="{today.isoformat()}"' in text.content.decode()
    assert f'value="{add_months(today, 6).isoformat()}"' in text.content.decode()
    # Left empty, the next revision is six months after the evaluation.
    evaluated_on = today - timedelta(days=10)
    _post(
        world,
        plan,
        _form(plan, {plan.goals.get(): "0"}, evaluated_on=evaluated_on.isoformat(), next_revision=""),
    )
    plan.refresh_from_db()
    assert plan.next_revision == add_months(evaluated_on, 6)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 22), 6) == date(2027, 5, 22)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("revision_before", "The next revision must come after the evaluation."),
        ("no_goal", "Rate at least one goal."),
        ("level_3", "Choose a level from −2 to +2."),
        ("in_future", "An evaluation cannot be dated in the future."),
        ("comment_only", "Choose the level the comment is about, or remove the comment."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(world: World, change: str, message: str) -> None:
    plan = plan_for(world, active=True)
    goal, measure = plan.goals.get(), plan.measures.get()
    today = timezone.localdate()
    levels = {goal: "0"}
    extra = {f"measure_{measure.pk.hex}": MeasureStatus.DONE}
    if change == "revision_before":
        extra["next_revision"] = (today - timedelta(days=1)).isoformat()
    elif change == "no_goal":
        levels = {}
    elif change == "level_3":
        levels = {goal: "3"}
    elif change == "in_future":
        extra["evaluated_on"] = (today + timedelta(days=1)).isoformat()
        extra["next_revision"] = (today + timedelta(days=200)).isoformat()
    else:
        levels = {goal: ""}
        extra[f"goal_{goal.pk.hex}_comment"] = "Bedre enn sist"
    versions_before = PlanVersion.objects.count()
    response = _post(world, plan, _form(plan, levels, **extra))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Godt i gang" in content  # what was typed is kept
    assert not Evaluation.objects.exists()
    assert not GoalRating.objects.exists()
    assert PlanVersion.objects.count() == versions_before
    measure.refresh_from_db()
    plan.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED
    assert plan.next_revision is None


def test_a_status_changed_by_someone_else_meanwhile_is_kept_or_a_conflict(world: World) -> None:
    plan = plan_for(world, active=True)
    goal, measure = plan.goals.get(), plan.measures.get()
    opened = _form(plan, {goal: "0"})  # the page showed the measure as planned
    # The teacher, responsible for the measure, marks it done while the coordinator is evaluating.
    services.update_measure(
        actor=world.team_member, measure=measure, data={"status": "done"}, expected_version=measure.version
    )
    changed = {**opened, f"measure_{measure.pk.hex}": MeasureStatus.ONGOING}
    response = _post(world, plan, changed)
    assert response.status_code == 200
    assert "Someone else changed the status to “Done” while you were evaluating." in response.content.decode()
    assert not Evaluation.objects.exists()
    # Left as shown, the status is not touched: the teacher's change stands.
    assert _post(world, plan, opened).status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE


def test_a_plan_without_goals_to_rate_says_so(world: World) -> None:
    plan = plan_for(world, active=True)
    goal = plan.goals.get()
    services.update_goal(actor=None, goal=goal, data={"status": "on_hold"}, expected_version=goal.version)
    response = english(world, "coordinator").get(reverse("plans:evaluation_create", args=[plan.pk]))
    assert response.status_code == 200
    assert "no active or completed goals to rate" in response.content.decode()


# Who may and who may not


@pytest.mark.parametrize("persona", ["team_member", "patient_user", *OUTSIDERS])
def test_only_the_coordinator_evaluates(world: World, persona: str) -> None:
    plan = plan_for(world, active=True)
    url = reverse("plans:evaluation_create", args=[plan.pk])
    client = english(world, persona)
    assert client.get(url).status_code == 404
    assert client.post(url, _form(plan, {plan.goals.get(): "1"})).status_code == 404
    assert not Evaluation.objects.exists()


def test_anonymous_is_sent_to_log_in(world: World) -> None:
    plan = plan_for(world, active=True)
    evaluation = _evaluate(world, plan)
    client = english(world, "anonymous")
    for url in _pages(plan, evaluation).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", [*sorted(READERS), *OUTSIDERS])
def test_who_reads_evaluations_and_versions(world: World, persona: str) -> None:
    plan = plan_for(world, active=True)
    evaluation = _evaluate(world, plan, level=1)
    client = english(world, persona)
    for name, url in _pages(plan, evaluation).items():
        if name == "evaluation_create":
            continue
        expected = 200 if persona in READERS else 404
        assert client.get(url).status_code == expected, name


def test_a_limited_participant_reads_no_evaluation_or_version(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    evaluation = _evaluate(world, plan)
    client = english(world, "team_member")
    # The plan page itself is open to them; these are not.
    for name, url in _pages(plan, evaluation).items():
        assert client.get(url).status_code == 404, name


def test_a_closed_plan_is_read_but_not_evaluated(world: World) -> None:
    plan = plan_for(world, active=True)
    evaluation = _evaluate(world, plan)
    services.close_plan(actor=None, plan=plan, reason="Flyttet")
    client = english(world, "coordinator")
    pages = _pages(plan, evaluation)
    assert client.get(pages.pop("evaluation_create")).status_code == 404
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name


def test_a_parent_of_a_young_person_does_not_see_private_goals(world: World) -> None:
    patient = world.patient
    patient.birth_date = born_years_ago(14, days=3)
    patient.save()
    parent_user = UserFactory(username="forelder")
    parent = PersonFactory(given_name="Mor", user=parent_user)
    PersonRelationFactory(person=patient, relative=parent, valid_from=date(2012, 1, 1))
    plan = plan_for(world, active=True)
    private = _add_goal(plan, "Et hemmelig mål", private_to_parents=True)
    evaluation = services.evaluate_plan(
        actor=None,
        plan=plan,
        evaluated_on=timezone.localdate(),
        next_revision=timezone.localdate() + timedelta(days=90),
        ratings={plan.goals.get(private_to_parents=False): (0, ""), private: (1, "Hemmelig kommentar")},
    )
    parent_client = client_as(parent_user)
    pages = _pages(plan, evaluation)
    del pages["evaluation_create"]
    for name, url in pages.items():
        response = parent_client.get(url)
        assert response.status_code == 200, name
        assert "hemmelig" not in response.content.decode().lower(), name
    coordinator_view = english(world, "coordinator").get(pages["version_compare"]).content.decode()
    assert "Et hemmelig mål" in coordinator_view
    # Nor the T-score, which counts the private goal too.
    score = f"{evaluation.t_score:.1f}"
    for url in (pages["evaluation_detail"], reverse("plans:plan_detail", kwargs={"pk": plan.pk})):
        assert score not in parent_client.get(url).content.decode(), url
    assert score in english(world, "coordinator").get(pages["evaluation_detail"]).content.decode()


# Versions


def test_versions_cannot_be_changed_or_deleted(world: World) -> None:
    plan = plan_for(world, active=True)
    version = plan.versions.get()
    note = version.note
    version.note = "Endret i ettertid"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    assert PlanVersion.objects.get(pk=version.pk).note == note


def test_compare_finds_what_was_added_changed_and_ended(world: World) -> None:
    plan = plan_for(world, active=True)
    first = plan.versions.get()
    measure = plan.measures.get()
    teacher = plan.participants.get(user=world.team_member)
    coordinator = world.coordinator
    services.add_goal(actor=coordinator, plan=plan, data={"text": "Sykle til skolen", "baseline": -2})
    services.update_measure(
        actor=coordinator,
        measure=measure,
        data={"scope": "Tre ganger i uka"},
        expected_version=measure.version,
    )
    services.end_participation(actor=coordinator, participant=teacher, left_on=timezone.localdate())
    second = services.revise_plan(actor=coordinator, plan=plan, note="Nytt mål og mer trening")

    comparison = versions.compare(first.snapshot, second.snapshot)
    assert [item.label for item in comparison.sections["goals"].added] == ["Sykle til skolen"]
    assert comparison.sections["measures"].changed[0].fields == [
        ("scope", "To ganger i uka", "Tre ganger i uka")
    ]
    ended = comparison.sections["participants"].changed[0]
    assert (ended.label, ended.fields) == (teacher.name, [("active", True, False)])
    backwards = versions.compare(second.snapshot, first.snapshot)
    assert [item.label for item in backwards.sections["goals"].removed] == ["Sykle til skolen"]

    # Picked the wrong way round, the page still compares the older with the newer.
    url = reverse("plans:version_compare", args=[plan.pk])
    response = english(world, "coordinator").get(url, {"older": second.pk, "newer": first.pk})
    assert response.status_code == 200
    content = response.content.decode()
    assert "What changed from version 1 to version 2" in content
    assert "Sykle til skolen" in content
    # Field by field with the model's label, old and new.
    for text in ("Scope", "To ganger i uka", "Tre ganger i uka", "Active", "Yes", "No", teacher.name):
        assert text in content, text


def test_compare_explains_missing_and_wrong_choices(world: World) -> None:
    plan = plan_for(world, active=True)
    first = plan.versions.get()
    second = services.revise_plan(actor=None, plan=plan, note="Ingen endring")
    url = reverse("plans:version_compare", args=[plan.pk])
    client = english(world, "coordinator")

    response = client.get(url)
    assert response.status_code == 200
    assert "Choose the versions" in response.content.decode()
    for query, message in [
        ({"older": "abc", "newer": "123"}, "Choose a version of this plan."),
        ({"older": first.pk}, "Choose the version to compare with."),
        ({"older": "", "newer": second.pk}, "Choose the version to compare from."),
        ({"older": first.pk, "newer": first.pk}, "Choose two different versions."),
    ]:
        response = client.get(url, query)
        assert response.status_code == 400, query
        assert message in response.content.decode(), query
    same = client.get(url, {"older": first.pk, "newer": second.pk})
    assert "Nothing in the plan changed between these versions." in same.content.decode()

    other_plan = IndividualPlanFactory(person=world.person_tromso)
    foreign = PlanVersion.objects.create(plan=other_plan, number=1, reason="revision", snapshot={})
    assert client.get(url, {"older": foreign.pk, "newer": second.pk}).status_code == 404
    assert client.get(url, {"older": first.pk, "newer": foreign.pk}).status_code == 404


def test_the_version_list_and_a_version_read_as_the_plan_stood(world: World) -> None:
    plan = plan_for(world, active=True)
    evaluation = _evaluate(world, plan, level=1)
    measure = plan.measures.get()
    services.update_measure(
        actor=None, measure=measure, data={"title": "Svømming"}, expected_version=measure.version
    )
    client = english(world, "coordinator")
    listing = client.get(reverse("plans:version_list", args=[plan.pk])).content.decode()
    for text in ("Version 1", "Version 2", "Activated", "Evaluation", "Godt i gang", 'method="get"'):
        assert text in listing, text
    assert reverse("plans:evaluation_detail", args=[evaluation.pk]) in listing
    frozen = client.get(reverse("plans:version_detail", args=[evaluation.plan_version_id])).content.decode()
    for text in ("Gå 1 km uten hjelp", "1 km", "Gangtrening", "To ganger i uka", "Kontaktlærer", "Sta"):
        assert text in frozen, text
    assert "Svømming" not in frozen


# The access log


def test_each_page_read_writes_one_access_record(world: World) -> None:
    plan = plan_for(world, active=True)
    evaluation = _evaluate(world, plan)
    client = english(world, "coordinator")
    for name, url in _pages(plan, evaluation).items():
        before = AccessRecord.objects.count()
        assert client.get(url).status_code == 200, name
        assert AccessRecord.objects.count() == before + 1, name
        record = AccessRecord.objects.order_by("-id").first()
        assert record is not None
        assert (record.person_id, record.actor) == (world.patient.pk, world.coordinator), name


# The section of the plan page


def _section(content: selectors.PlanContent, *, may_edit: bool) -> str:
    return render_to_string(
        "plans/_evaluations_section.html",
        {
            "plan": content.plan,
            "content": content,
            "may_edit": may_edit,
            "evaluation_rows": page.evaluation_rows(content),
        },
    )


def test_the_plan_page_section(world: World) -> None:
    plan = plan_for(world, active=True)
    evaluation = _evaluate(world, plan, level=1)
    content = selectors.plan_content(user=world.coordinator, plan=plan)
    with translation.override("en"):
        editable, read_only = _section(content, may_edit=True), _section(content, may_edit=False)
    assert "Latest goal attainment T-score: <strong>60.0</strong>" in editable
    assert f"Evaluation of {evaluation.evaluated_on:%d.%m.%Y}</a> – T-score 60.0" in editable
    assert reverse("plans:evaluation_detail", args=[evaluation.pk]) in editable
    assert reverse("plans:version_list", args=[plan.pk]) in editable
    assert reverse("plans:evaluation_create", args=[plan.pk]) in editable
    assert reverse("plans:plan_revise", args=[plan.pk]) in editable
    assert reverse("plans:evaluation_create", args=[plan.pk]) not in read_only
    assert reverse("plans:version_list", args=[plan.pk]) in read_only


@pytest.mark.parametrize(("language", "score"), [("nb", "47,5"), ("nn", "47,5"), ("en", "47.5")])
def test_the_section_keeps_the_t_score_from_the_parents_of_a_youth(language: str, score: str) -> None:
    """The score counts the goals the young person keeps private, so their parents are told only when the plan
    was evaluated; everyone else gets the score, printed as `floatformat:1` prints it in their language."""
    plan = IndividualPlan()
    evaluations = [
        Evaluation(plan=plan, evaluated_on=date(2026, 11, 2), t_score=47.54),
        Evaluation(plan=plan, evaluated_on=date(2026, 5, 4), t_score=None),
    ]
    with translation.override(language):
        for role in (PlanRole.COORDINATOR, PlanRole.PERSON, PlanRole.PARENT_OF_YOUTH):
            content = selectors.PlanContent(
                plan=plan, role=role, goals=[], measures=[], participants=[], evaluations=evaluations
            )
            rows = page.evaluation_rows(content)
            html = _section(content, may_edit=False)
            assert [row.label for row in rows] == [
                _("Evaluation of %(date)s") % {"date": "02.11.2026"},
                _("Evaluation of %(date)s") % {"date": "04.05.2026"},
            ]
            assert [row.url for row in rows] == [
                reverse("plans:evaluation_detail", args=[evaluation.pk]) for evaluation in evaluations
            ]
            if role == PlanRole.PARENT_OF_YOUTH:
                assert [row.score for row in rows] == ["", ""]
                assert score not in html
                assert _("Latest evaluation: %(date)s.") % {"date": "02.11.2026"} in html
            else:
                assert [row.score for row in rows] == [score, ""]
                assert rows[0].score_label == _("T-score %(score)s") % {"score": score}
                assert f"<strong>{score}</strong>" in html and html.count(score) == 2
