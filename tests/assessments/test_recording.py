"""Recording an instrument from the plan, and the plan's results: the form in the user's language, bad input
answered beside the field with nothing typed lost, what is stored, the changes with the minimal important
change, and who sees which results."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.assessments import selectors, services
from vegviser.assessments.models import Administration, RecordedScore
from vegviser.assessments.scoring import eq5d_5l_index_norway
from vegviser.audit.models import AccessRecord, AuditAction, AuditRecord, ReadPurpose
from vegviser.plans import services as plan_services
from vegviser.plans.models import AccessLevel, IndividualPlan

from ..conftest import World, client_as
from ..factories import EpisodeFactory
from ..plans.helpers import child_with_parent, plan_for

TODAY = timezone.localdate


def _psfs_response(*ratings: int) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "Questionnaire/psfs",
        "status": "completed",
        "item": [
            {
                "linkId": "activities",
                "item": [
                    {"linkId": "activity", "answer": [{"valueString": f"Aktivitet {number}"}]},
                    {"linkId": "rating", "answer": [{"valueInteger": rating}]},
                ],
            }
            for number, rating in enumerate(ratings, start=1)
        ],
    }


def _record_psfs(
    world: World, plan: IndividualPlan, day: date, *ratings: int, **context: Any
) -> Administration:
    return services.record_instrument(
        actor=world.coordinator,
        plan=plan,
        instrument="psfs",
        administered_on=day,
        response=_psfs_response(*ratings),
        **context,
    )


def _psfs_post(**ratings: str) -> dict[str, str]:
    data = {"administered_on": TODAY().isoformat()}
    for index, rating in enumerate(ratings.values()):
        data[f"activities__{index}__activity"] = f"Gå i trapper {index}"
        data[f"activities__{index}__rating"] = rating
    return data


def _form_url(plan: IndividualPlan, code: str) -> str:
    return reverse("assessments:record", kwargs={"pk": plan.pk, "code": code})


# The form


def test_the_form_speaks_the_users_language(world: World) -> None:
    plan = plan_for(world)
    for language, words in (
        ("nb", "Aktiviteter du har vansker med"),
        ("nn", "Aktivitetar du har vanskar med"),
        ("en", "Activities you have difficulty with"),
    ):
        page = client_as(world.coordinator, language=language).get(_form_url(plan, "psfs"))
        assert page.status_code == 200
        assert words in page.content.decode()


def test_a_licensed_instrument_asks_only_for_codes_and_numbers(world: World) -> None:
    page = client_as(world.coordinator).get(_form_url(plan_for(world), "eq5d-5l")).content.decode()
    assert 'name="profile"' in page and 'name="VAS"' in page
    # The licensed item texts are never shipped, so the five dimensions are asked for as one profile.
    assert 'name="MO"' not in page


def test_an_unknown_instrument_is_not_found(world: World) -> None:
    assert client_as(world.coordinator).get(_form_url(plan_for(world), "sf-36")).status_code == 404


def test_a_professional_records_an_instrument_and_each_score_is_a_row(world: World) -> None:
    plan = plan_for(world)
    response = client_as(world.coordinator).post(_form_url(plan, "psfs"), _psfs_post(a="4", b="5", c="6"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:plan_results", kwargs={"pk": plan.pk})
    administration = Administration.objects.get(plan=plan)
    assert administration.person_id == plan.person_id
    assert administration.recorded_by == world.coordinator
    assert administration.response["resourceType"] == "QuestionnaireResponse"
    assert administration.response["questionnaire"] == "Questionnaire/psfs"
    assert [item["linkId"] for item in administration.response["item"]] == ["activities"] * 3
    score = RecordedScore.objects.get(administration=administration)
    assert (score.code, score.value, score.unit) == ("psfs-mean", 5.0, "{score}")
    assert AuditRecord.objects.filter(
        action=AuditAction.ASSESSMENT_RECORD, object_id=str(administration.pk), actor=world.coordinator
    ).exists()


def test_an_answer_out_of_range_is_shown_beside_its_field_and_nothing_typed_is_lost(world: World) -> None:
    plan = plan_for(world)
    page = client_as(world.coordinator).post(_form_url(plan, "psfs"), _psfs_post(a="4", b="11", c="6"))
    assert page.status_code == 200
    form = page.context["form"]
    # The scoring function's message, naming the question in the user's words rather than its code.
    assert form.errors["activities__1__rating"] == [
        "The answer to How well can you do the activity today? 0 = unable to do it, 10 = able to do it as "
        "well as before the problem is 11; it must be a whole number from 0 to 10."
    ]
    assert "activities__0__rating" not in form.errors
    html = page.content.decode()
    assert 'value="11"' in html and 'value="Gå i trapper 0"' in html
    assert not Administration.objects.exists()


def test_every_missing_required_answer_is_marked(world: World) -> None:
    page = client_as(world.coordinator).post(
        _form_url(plan_for(world), "barthel"), {"administered_on": TODAY().isoformat(), "feeding": "10"}
    )
    errors = page.context["form"].errors
    assert "feeding" not in errors
    assert {
        "bathing",
        "grooming",
        "dressing",
        "bowels",
        "bladder",
        "toilet",
        "transfers",
        "mobility",
        "stairs",
    } <= set(errors)
    assert "has no answer" in errors["stairs"][0]
    assert not Administration.objects.exists()


def test_too_few_activities_are_told_beside_the_group(world: World) -> None:
    page = client_as(world.coordinator).post(_form_url(plan_for(world), "psfs"), _psfs_post(a="4", b="5"))
    form = page.context["form"]
    assert form.group_errors["activities"]
    assert "from 3 to 5" in form.group_errors["activities"][0]
    assert 'value="Gå i trapper 1"' in page.content.decode()


def test_a_row_half_filled_is_marked_and_an_empty_row_is_not_an_answer(world: World) -> None:
    data = _psfs_post(a="4", b="5", c="6")
    data["activities__3__activity"] = "Sykle"
    page = client_as(world.coordinator).post(_form_url(plan_for(world), "psfs"), data)
    assert "has no answer" in page.context["form"].errors["activities__3__rating"][0]


def test_an_eq5d_profile_that_is_not_five_digits_is_refused_and_kept(world: World) -> None:
    plan = plan_for(world)
    client = client_as(world.coordinator)
    page = client.post(
        _form_url(plan, "eq5d-5l"), {"administered_on": TODAY().isoformat(), "profile": "2113", "VAS": "70"}
    )
    assert "is not an EQ-5D-5L profile" in page.context["form"].errors["profile"][0]
    assert 'value="2113"' in page.content.decode()
    page = client.post(
        _form_url(plan, "eq5d-5l"), {"administered_on": TODAY().isoformat(), "profile": "21632", "VAS": "70"}
    )
    assert "is not an EQ-5D-5L profile" in page.context["form"].errors["profile"][0]
    response = client.post(
        _form_url(plan, "eq5d-5l"), {"administered_on": TODAY().isoformat(), "profile": "21132", "VAS": "70"}
    )
    assert response.status_code == 302
    scores = {score.code: score for score in RecordedScore.objects.all()}
    assert scores["eq5d-5l-profile"].value_code == "21132"
    assert scores["eq5d-5l-index-no"].value == pytest.approx(eq5d_5l_index_norway((2, 1, 1, 3, 2)))
    assert scores["eq5d-5l-vas"].value == 70


def test_a_date_in_the_future_is_refused(world: World) -> None:
    data = _psfs_post(a="4", b="5", c="6")
    data["administered_on"] = (TODAY() + timedelta(days=1)).isoformat()
    page = client_as(world.coordinator).post(_form_url(plan_for(world), "psfs"), data)
    assert page.context["form"].errors["administered_on"]
    assert not Administration.objects.exists()


def test_the_service_scores_what_it_keeps_and_refuses_answers_to_another_instrument(world: World) -> None:
    plan = plan_for(world)
    response = _psfs_response(4, 5, 6)
    response["questionnaire"] = "Questionnaire/barthel"
    with pytest.raises(ValidationError):
        services.record_instrument(
            actor=world.coordinator, plan=plan, instrument="psfs", administered_on=TODAY(), response=response
        )
    assert not Administration.objects.exists()


def test_the_person_and_the_unit_outside_the_plan_may_not_record(world: World) -> None:
    plan = plan_for(world)
    for user in (world.patient_user, world.ke_officer, world.org_admin, world.system_admin):
        with pytest.raises(PermissionDenied):
            services.record_instrument(
                actor=user,
                plan=plan,
                instrument="psfs",
                administered_on=TODAY(),
                response=_psfs_response(4, 5, 6),
            )
    assert not Administration.objects.exists()


# Results


def test_each_score_shows_its_change_against_the_one_before_and_the_first(world: World) -> None:
    plan = plan_for(world)
    start = TODAY() - timedelta(days=60)
    _record_psfs(world, plan, start, 4, 4, 4)
    _record_psfs(world, plan, start + timedelta(days=28), 6, 7, 6)  # mean 6.33: +2.33
    _record_psfs(world, plan, start + timedelta(days=56), 7, 7, 6)  # mean 6.67: +0.33, +2.67 from the first
    [result] = selectors.plan_results(world.coordinator, plan, "en")
    [series] = result.series
    assert series.minimal_important_change is not None and series.minimal_important_change.value == 2
    first, second, third = series.rows
    assert first.since_previous is None and first.previous_important is None
    assert second.since_previous == pytest.approx(7 / 3) and second.previous_important is True
    assert third.since_previous == pytest.approx(1 / 3) and third.previous_important is False
    assert third.since_first == pytest.approx(8 / 3) and third.first_important is True
    page = client_as(world.coordinator).get(reverse("assessments:plan_results", kwargs={"pk": plan.pk}))
    html = page.content.decode()
    assert "+2.33" in html and "+0.33" in html and "+2.67" in html
    assert "at least the minimal important change" in html
    assert "Moseng" in html  # the source of the minimal important change, beside it


def test_a_score_without_a_minimal_important_change_marks_none(world: World) -> None:
    plan = plan_for(world)
    for day, metres in ((TODAY() - timedelta(days=30), "250"), (TODAY(), "370")):
        services.record_instrument(
            actor=world.coordinator,
            plan=plan,
            instrument="six-minute-walk",
            administered_on=day,
            response={
                "resourceType": "QuestionnaireResponse",
                "questionnaire": "Questionnaire/six-minute-walk",
                "item": [{"linkId": "metres", "answer": [{"valueDecimal": float(metres)}]}],
            },
        )
    [result] = selectors.plan_results(world.coordinator, plan, "nn")
    assert result.title == "6 minutts gangtest"
    [series] = result.series
    assert series.unit and series.rows[1].since_first == 120
    assert series.rows[1].first_important is None
    assert series.rows[1].first_direction == "better"


def test_a_longer_time_is_a_change_for_the_worse(world: World) -> None:
    plan = plan_for(world)
    for day, seconds in ((TODAY() - timedelta(days=30), 9.5), (TODAY(), 12.0)):
        services.record_instrument(
            actor=world.coordinator,
            plan=plan,
            instrument="tug",
            administered_on=day,
            response={
                "resourceType": "QuestionnaireResponse",
                "questionnaire": "Questionnaire/tug",
                "item": [{"linkId": "seconds", "answer": [{"valueDecimal": seconds}]}],
            },
        )
    [result] = selectors.plan_results(world.coordinator, plan, "en")
    row = result.series[0].rows[1]
    assert (row.since_previous, row.previous_direction) == (2.5, "worse")
    page = client_as(world.coordinator).get(reverse("assessments:plan_results", kwargs={"pk": plan.pk}))
    assert "+2.50 (worse)" in page.content.decode()


def test_a_limited_participant_records_for_their_own_measure_and_reads_only_those_results(
    world: World,
) -> None:
    plan = plan_for(world, access_level=AccessLevel.LIMITED)
    measure = plan.measures.get()
    other = plan_services.add_measure(
        actor=None, plan=plan, data={"title": "Svømming", "responsible_organisation": world.physio}
    )
    _record_psfs(world, plan, TODAY() - timedelta(days=10), 3, 3, 3)
    _record_psfs(world, plan, TODAY() - timedelta(days=5), 5, 5, 5, measure=other)
    teacher = client_as(world.team_member)
    # Without the measure the result would be out of the teacher's sight: the form asks for it.
    page = teacher.post(_form_url(plan, "psfs"), _psfs_post(a="4", b="5", c="6"))
    assert page.context["form"].errors["measure"]
    choices = [str(value) for value, _label in page.context["form"].fields["measure"].choices if value]
    assert choices == [str(measure.pk)]
    with pytest.raises(PermissionDenied):
        services.record_instrument(
            actor=world.team_member,
            plan=plan,
            instrument="psfs",
            administered_on=TODAY(),
            response=_psfs_response(4, 5, 6),
            measure=other,
        )
    data = _psfs_post(a="4", b="5", c="6") | {"measure": str(measure.pk)}
    assert teacher.post(_form_url(plan, "psfs"), data).status_code == 302
    [result] = selectors.plan_results(world.team_member, plan, "en")
    assert [row.value for row in result.series[0].rows] == [5.0]
    [everything] = selectors.plan_results(world.coordinator, plan, "en")
    assert [row.value for row in everything.series[0].rows] == [3.0, 5.0, 5.0]


def test_a_parent_of_a_12_to_15_year_old_does_not_see_results_tied_to_a_private_goal(world: World) -> None:
    parent = child_with_parent(world, 13)
    plan = plan_for(world)
    measure = plan.measures.get()
    goal = measure.goals.get()
    goal.private_to_parents = True
    goal.save(update_fields=["private_to_parents"])
    _record_psfs(world, plan, TODAY() - timedelta(days=3), 3, 3, 3, measure=measure)
    _record_psfs(world, plan, TODAY(), 6, 6, 6)
    [result] = selectors.plan_results(parent, plan, "nb")
    assert [row.value for row in result.series[0].rows] == [6.0]


def test_the_results_page_is_logged_once_with_its_purpose(world: World) -> None:
    plan = plan_for(world)
    _record_psfs(world, plan, TODAY(), 4, 5, 6)
    before = AccessRecord.objects.count()
    page = client_as(world.team_member).get(reverse("assessments:plan_results", kwargs={"pk": plan.pk}))
    assert page.status_code == 200
    [record] = AccessRecord.objects.order_by("id")[before:]
    assert record.purpose == ReadPurpose.ASSESSMENT_RESULTS
    assert record.person_id == plan.person_id and record.actor == world.team_member
    assert record.actor_role == "plan:full"


def test_the_plan_page_links_to_the_results_for_those_who_may_read_them(world: World) -> None:
    plan = plan_for(world)
    results = reverse("assessments:plan_results", kwargs={"pk": plan.pk})
    plan_page = reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    assert results in client_as(world.coordinator).get(plan_page).content.decode()
    # The coordinating unit reads no plan content, and so no results.
    assert client_as(world.ke_officer).get(results).status_code == 404


def test_an_episode_of_another_person_is_refused(world: World) -> None:
    plan = plan_for(world)
    elsewhere = EpisodeFactory()
    with pytest.raises(ValidationError) as refused:
        _record_psfs(world, plan, TODAY(), 4, 5, 6, episode=elsewhere)
    assert "episode" in refused.value.message_dict
    assert not Administration.objects.exists()


def test_an_episode_of_the_person_is_kept_as_the_context(world: World) -> None:
    plan = plan_for(world)
    episode = EpisodeFactory(person=plan.person)
    administration = services.record_instrument(
        actor=None,
        plan=plan,
        instrument="psfs",
        administered_on=TODAY(),
        response=_psfs_response(4, 5, 6),
        episode=episode,
    )
    assert administration.episode == episode
    [result] = selectors.plan_results(world.coordinator, plan, "en")
    assert episode.unit.name in result.series[0].rows[0].context


def test_every_score_of_the_library_has_words_on_the_results_page() -> None:
    from vegviser.assessments import labels
    from vegviser.assessments.library import instruments

    codes = {code for found in instruments().values() for code in found.higher_is_better}
    assert {code for code in codes if labels.score_label(code) == code} == set()
