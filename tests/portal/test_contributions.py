"""The person's side writes in the plan: what matters to them, goals in their own words, and where they are
now on a goal's scale. The coordinator is told of each; nothing typed is lost to a conflict or an error."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from vegviser.accounts.models import Notification
from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.plans import services
from vegviser.plans.models import Goal, GoalRating, GoalStatus, IndividualPlan

from ..conftest import World, client_as
from ..plans.helpers import english_messages
from .helpers import family, goal_of, plan_of_person, url

pytestmark = pytest.mark.usefixtures(english_messages.__name__)


def _content(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


# What matters to me


def test_what_matters_is_saved_and_the_coordinator_is_told(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    client = client_as(world.patient_user)
    form = client.get(url("what_matters", world.patient.pk))
    assert form.status_code == 200 and "Å gå tur med hunden" in form.content.decode()
    response = client.post(
        url("what_matters", world.patient.pk),
        {"what_matters": "  Å gå tur med hunden, og å fiske med barnebarna.  ", "version": plan.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("plan", world.patient.pk)
    assert "The changes were saved." in _content(response)
    saved = IndividualPlan.objects.get(pk=plan.pk)
    assert saved.what_matters == "Å gå tur med hunden, og å fiske med barnebarna."
    assert saved.version == plan.version + 1
    notice = Notification.objects.get(user=world.coordinator, key__startswith="what-matters:")
    # In the coordinator's language (Bokmål, the service's default), whatever language the person writes in.
    assert (
        notice.text
        == f"{world.patient_user.display_name} endret «hva er viktig for meg» i planen til Per Andersen."
    )
    assert notice.url == reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    # Only the coordinator: the team is not told of every change in the person's words.
    assert not Notification.objects.filter(user=world.team_member).exists()
    assert AuditRecord.objects.filter(action="plan.what_matters.update", actor=world.patient_user).exists()


def test_a_stale_version_shows_the_conflict_and_keeps_what_was_typed(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    opened_at = plan.version
    # The coordinator saves while the person is still writing.
    services.update_plan(
        actor=world.coordinator,
        plan=plan,
        data={"what_matters": "Koordinatorens tekst"},
        expected_version=opened_at,
    )
    response = client_as(world.patient_user).post(
        url("what_matters", world.patient.pk),
        {"what_matters": "Det jeg skrev selv", "version": opened_at},
    )
    assert response.status_code == 200
    page = _content(response)
    assert "Someone else changed this while you were editing" in page
    assert "Saved by someone else meanwhile" in page and "Koordinatorens tekst" in page
    # What the person typed is still in the form, ready to save again on purpose.
    assert response.context["form"]["what_matters"].value() == "Det jeg skrev selv"
    assert IndividualPlan.objects.get(pk=plan.pk).what_matters == "Koordinatorens tekst"


def test_what_matters_cannot_be_written_in_a_closed_plan(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    services.close_plan(actor=None, plan=plan, reason="Flyttet")
    client = client_as(world.patient_user)
    assert client.get(url("what_matters", world.patient.pk)).status_code == 404
    assert client.get(url("goal_add", world.patient.pk)).status_code == 404


# Goals in the person's own words


@pytest.mark.parametrize("who", ["adult", "parent_of_7"])
def test_a_proposed_goal_is_proposed_written_by_the_user_and_the_coordinator_is_told(
    world: World, who: str
) -> None:
    if who == "adult":
        plan, user, person = plan_of_person(world, world.patient), world.patient_user, world.patient
    else:
        found = family(world, age=7)
        plan, user, person = found.plan, found.relative_user, found.person
    response = client_as(user).post(
        url("goal_add", person.pk), {"text": "Sykle til butikken selv", "target_date": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("plan", person.pk)
    told = (
        "Your goal was sent to your coordinator"
        if who == "adult"
        else f"The goal was sent to the coordinator for {person.given_name}"
    )
    assert told in _content(response)
    goal = Goal.objects.get(plan=plan, text="Sykle til butikken selv")
    assert goal.status == GoalStatus.PROPOSED
    assert goal.written_by == user and goal.written_by_name == user.display_name
    notice = Notification.objects.get(user=world.coordinator, key=f"goal-proposed:{goal.pk}")
    assert notice.text == f"{user.display_name} foreslo et nytt mål i planen til {person.full_name}."
    # The person sees it in the plan, marked as proposed, and may change it.
    page = _content(response)
    assert "Sykle til butikken selv" in page
    assert reverse("portal:goal_edit", kwargs={"pk": goal.pk}) in page


def test_a_goal_needs_words(world: World) -> None:
    plan_of_person(world, world.patient)
    response = client_as(world.patient_user).post(url("goal_add", world.patient.pk), {"text": "  "})
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert not Goal.objects.filter(status=GoalStatus.PROPOSED).exists()


def test_an_over_long_goal_is_refused_in_the_users_language_and_kept_in_the_form(world: World) -> None:
    plan_of_person(world, world.patient)
    text = "å" * 1001
    response = client_as(world.patient_user, language="nn").post(
        url("goal_add", world.patient.pk), {"text": text}
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Verdien kan ikkje ha fleire enn 1000 teikn (den har 1001)." in page
    assert text in page
    assert not Goal.objects.filter(status=GoalStatus.PROPOSED).exists()


def test_the_person_changes_the_goal_they_wrote(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    goal = services.propose_goal(actor=world.patient_user, plan=plan, data={"text": "Sykle"})
    client = client_as(world.patient_user)
    response = client.post(
        reverse("portal:goal_edit", kwargs={"pk": goal.pk}),
        {"text": "Sykle til jobben", "version": goal.version},
    )
    assert response.status_code == 302
    assert Goal.objects.get(pk=goal.pk).text == "Sykle til jobben"
    assert Notification.objects.filter(
        user=world.coordinator, key__startswith=f"goal-changed:{goal.pk}:"
    ).exists()


def test_editing_someone_elses_goal_is_refused(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    client = client_as(world.patient_user)
    # The coordinator's goal, and one a representative wrote: neither is the person's to rewrite here.
    coordinators = goal_of(plan)
    other = services.propose_goal(actor=None, plan=plan, data={"text": "Skrevet av en annen"})
    Goal.objects.filter(pk=other.pk).update(written_by=world.coordinator)
    for goal in (coordinators, other):
        edit = reverse("portal:goal_edit", kwargs={"pk": goal.pk})
        assert client.get(edit).status_code == 404
        assert client.post(edit, {"text": "Overskrevet", "version": goal.version}).status_code == 404
    assert not Goal.objects.filter(text="Overskrevet").exists()
    # No link to do it either.
    assert (
        reverse("portal:goal_edit", kwargs={"pk": coordinators.pk})
        not in client.get(url("plan", world.patient.pk)).content.decode()
    )


def test_a_completed_goal_the_person_wrote_is_no_longer_theirs_to_change(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    goal = services.propose_goal(actor=world.patient_user, plan=plan, data={"text": "Sykle"})
    Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.COMPLETED)
    assert (
        client_as(world.patient_user).get(reverse("portal:goal_edit", kwargs={"pk": goal.pk})).status_code
        == 404
    )


# Rating progress on the goal's scale


def _rate(goal: Goal) -> str:
    return reverse("portal:goal_rate", kwargs={"pk": goal.pk})


def test_the_person_rates_progress_on_an_active_goal(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    goal = goal_of(plan)
    client = client_as(world.patient_user)
    form = _content(client.get(_rate(goal)))
    # The goal's own scale, in words, from −2 to +2.
    assert ">0: 1 km<" in form and 'value="-2"' in form and 'value="2"' in form
    response = client.post(_rate(goal), {"attainment": "1", "comment": "Gikk 1,2 km i går"}, follow=True)
    assert "Your coordinator will see your rating at the next evaluation." in _content(response)
    rating = GoalRating.objects.get(goal=goal)
    assert (rating.attainment, rating.comment, rating.rated_by) == (
        1,
        "Gikk 1,2 km i går",
        world.patient_user,
    )
    assert rating.evaluation_id is None
    assert Notification.objects.filter(user=world.coordinator, key=f"goal-rated:{rating.pk}").exists()
    # The plan page shows it.
    page = _content(client.get(url("plan", world.patient.pk)))
    assert "Rated by" in page and "+1" in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Choose a level from −2 to +2."),
        ("nb", "Velg et nivå fra −2 til +2."),
        ("nn", "Vel eit nivå frå −2 til +2."),
    ],
)
@pytest.mark.parametrize("attainment", ["3", "-3", "abc", ""])
def test_a_rating_off_the_scale_is_refused_in_the_users_language_and_keeps_the_comment(
    world: World, language: str, message: str, attainment: str
) -> None:
    plan = plan_of_person(world, world.patient)
    goal = goal_of(plan)
    response = client_as(world.patient_user, language=language).post(
        _rate(goal), {"attainment": attainment, "comment": "Det går litt bedre"}
    )
    assert response.status_code == 200
    page = _content(response)
    assert message in page
    assert "Det går litt bedre" in page  # the comment typed is still in the form
    assert not GoalRating.objects.exists()


def test_the_service_refuses_a_level_off_the_scale(world: World) -> None:
    from django.core.exceptions import ValidationError

    plan = plan_of_person(world, world.patient)
    with pytest.raises(ValidationError, match=r"Choose a level from −2 to \+2\."):
        services.rate_progress(actor=world.patient_user, goal=goal_of(plan), attainment=3)


@pytest.mark.parametrize("status", [GoalStatus.PROPOSED, GoalStatus.COMPLETED, GoalStatus.ON_HOLD])
def test_rating_a_goal_that_is_not_active_is_refused_with_a_clear_message(world: World, status: str) -> None:
    plan = plan_of_person(world, world.patient)
    goal = goal_of(plan)
    Goal.objects.filter(pk=goal.pk).update(status=status)
    client = client_as(world.patient_user)
    response = client.post(_rate(goal), {"attainment": "0", "comment": "Hei"}, follow=True)
    assert response.redirect_chain[-1][0] == url("plan", world.patient.pk)
    assert "Progress can be rated on active goals only." in _content(response)
    assert not GoalRating.objects.exists()
    assert _rate(goal) not in _content(client.get(url("plan", world.patient.pk)))


def test_a_parent_of_a_young_child_rates_for_the_child(world: World) -> None:
    found = family(world, age=7)
    response = client_as(found.relative_user).post(_rate(goal_of(found.plan)), {"attainment": "0"})
    assert response.status_code == 302
    assert GoalRating.objects.get().rated_by == found.relative_user


@pytest.mark.parametrize("page", ["what_matters", "goal_add"])
def test_a_refused_contribution_page_logs_no_read(world: World, page: str) -> None:
    """A parent of a 14-year-old reads the plan but does not write in it: the writing pages answer 404, and
    a refusal is not a read."""
    found = family(world, age=14)
    before = AccessRecord.objects.filter(person_id=found.person.pk).count()
    assert client_as(found.relative_user).get(url(page, found.person.pk)).status_code == 404
    assert AccessRecord.objects.filter(person_id=found.person.pk).count() == before
