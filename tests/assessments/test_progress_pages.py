"""Progress over time on the pages: the charts with their text alternative and tables on the plan's results
page, the person's own results page in the portal (in plain words), the episode page and the plan's print;
who may see them and who may not, and every read logged."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from vegviser.assessments import services
from vegviser.audit.models import AccessRecord, ReadPurpose
from vegviser.plans import services as plan_services
from vegviser.plans.models import AccessLevel, IndividualPlan, ParticipantKind
from vegviser.registry.models import MembershipRole

from ..conftest import World, client_as
from ..factories import EpisodeFactory, MembershipFactory, UserFactory, habilitation_unit
from ..plans.helpers import child_with_parent, plan_for

TODAY = timezone.localdate


def _response(code: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"Questionnaire/{code}",
        "status": "completed",
        "item": items,
    }


def _walk(world: World, plan: IndividualPlan, days_ago: int, metres: float, **context: Any) -> None:
    services.record_instrument(
        actor=context.pop("actor", world.coordinator),
        plan=plan,
        instrument="six-minute-walk",
        administered_on=TODAY() - timedelta(days=days_ago),
        response=_response("six-minute-walk", [{"linkId": "metres", "answer": [{"valueDecimal": metres}]}]),
        **context,
    )


def _eq5d(world: World, plan: IndividualPlan, days_ago: int, profile: str, vas: int) -> None:
    items = [
        {"linkId": code, "answer": [{"valueInteger": int(digit)}]}
        for code, digit in zip(("MO", "SC", "UA", "PD", "AD"), profile, strict=True)
    ]
    services.record_instrument(
        actor=world.coordinator,
        plan=plan,
        instrument="eq5d-5l",
        administered_on=TODAY() - timedelta(days=days_ago),
        response=_response("eq5d-5l", [*items, {"linkId": "VAS", "answer": [{"valueInteger": vas}]}]),
    )


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def _rate(plan: IndividualPlan, attainment: int) -> None:
    goal = plan.goals.get()
    plan_services.rate_progress(actor=None, goal=goal, attainment=attainment)


# The plan's results page


def test_each_ordered_score_has_a_chart_labelled_by_its_summary_beside_its_table(world: World) -> None:
    plan = plan_for(world)
    _walk(world, plan, 90, 230)
    _walk(world, plan, 0, 350)
    _eq5d(world, plan, 90, "32322", 55)
    _eq5d(world, plan, 0, "21212", 70)
    page = client_as(world.coordinator, language="en").get(
        reverse("assessments:plan_results", kwargs={"pk": plan.pk})
    )
    html = page.content.decode()
    svgs = _svgs(html)
    # The walk, the EQ VAS and the index are drawn; the profile, a code, is not.
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg)
        assert labelled_by is not None
        caption = re.search(rf'id="{labelled_by.group(1)}">([^<]+)', html)
        assert caption is not None and "values from" in caption.group(1)
        # The strict content security policy: no inline style anywhere in the drawing.
        assert "style=" not in svg and "<style" not in svg
    assert "6-minute walk distance: 2 values from" in html
    assert "EQ-5D-5L profile" in html and "21212" in html
    # Geometry is written with a decimal point whatever the language's decimal comma.
    page = client_as(world.coordinator, language="nb").get(
        reverse("assessments:plan_results", kwargs={"pk": plan.pk})
    )
    for svg in _svgs(page.content.decode()):
        assert not re.search(r'(?:x|y|cx|cy|width|height)="\d+,\d', svg)


def test_the_results_page_draws_the_goal_ratings_over_time(world: World) -> None:
    plan = plan_for(world, active=True)
    _rate(plan, -1)
    _rate(plan, 1)
    page = client_as(world.coordinator, language="en").get(
        reverse("assessments:plan_results", kwargs={"pk": plan.pk})
    )
    html = page.content.decode()
    assert "Goals over time" in html
    assert "The dashed line is the expected outcome (0)." in html
    assert len(_svgs(html)) == 1
    assert "First \u22121, latest +1" in html


# The person's own results page


def test_the_person_reads_their_progress_in_plain_words(world: World) -> None:
    plan = plan_for(world, active=True)
    _walk(world, plan, 90, 230)
    _walk(world, plan, 0, 350)
    _rate(plan, 0)
    url = reverse("portal:results", kwargs={"pk": world.patient.pk})
    page = client_as(world.patient_user, language="en").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "My results and progress" in html
    assert "You walked 120 metres further than on" in html
    assert "That is better." in html
    assert len(_svgs(html)) == 2  # the walk and the goal
    [record] = AccessRecord.objects.filter(actor=world.patient_user, purpose=ReadPurpose.ASSESSMENT_RESULTS)
    assert (record.person_id, record.purpose, record.actor_role) == (
        world.patient.pk,
        ReadPurpose.ASSESSMENT_RESULTS,
        "plan:person",
    )
    # The portal home leads to it.
    home = client_as(world.patient_user).get(reverse("portal:home", kwargs={"pk": world.patient.pk}))
    assert url in home.content.decode()


def test_a_parent_reads_the_childs_progress_by_name(world: World) -> None:
    parent = child_with_parent(world, 9)
    plan = plan_for(world, active=True)
    _walk(world, plan, 60, 300)
    _walk(world, plan, 0, 280)
    page = client_as(parent, language="nb").get(reverse("portal:results", kwargs={"pk": world.patient.pk}))
    assert page.status_code == 200
    assert "Emil gikk 20 meter kortere enn" in page.content.decode()


def test_no_one_else_opens_the_persons_results_page_and_nothing_is_logged(world: World) -> None:
    plan_for(world, active=True)
    url = reverse("portal:results", kwargs={"pk": world.patient.pk})
    for user in (world.coordinator, world.ke_officer, UserFactory()):
        before = AccessRecord.objects.filter(purpose=ReadPurpose.ASSESSMENT_RESULTS).count()
        assert client_as(user).get(url).status_code == 404
        assert AccessRecord.objects.filter(purpose=ReadPurpose.ASSESSMENT_RESULTS).count() == before


def test_without_a_plan_the_person_is_sent_home_with_a_word_why(world: World) -> None:
    page = client_as(world.patient_user).get(reverse("portal:results", kwargs={"pk": world.patient.pk}))
    assert page.status_code == 302
    assert page.url == reverse("portal:home", kwargs={"pk": world.patient.pk})


# The episode page


def test_the_episode_shows_its_results_only_to_who_may_read_the_plans_results(world: World) -> None:
    plan = plan_for(world)
    staff = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.EPISODE_STAFF).user
    episode = EpisodeFactory(person=world.patient)
    _walk(world, plan, 5, 310, actor=None, episode=episode)
    _walk(world, plan, 0, 330, actor=None, episode=episode)
    _walk(world, plan, 30, 200)  # not in the episode
    url = reverse("episodes:episode_detail", kwargs={"pk": episode.pk})

    def reads() -> list[str]:
        return list(AccessRecord.objects.filter(actor=staff).values_list("purpose", flat=True))

    page = client_as(staff, language="en").get(url)
    assert page.status_code == 200
    assert "Results of instruments in this episode" not in page.content.decode()
    assert reads() == [ReadPurpose.EPISODE]
    # Once the unit takes part in the plan (the consent shares with it), its staff read the episode's results.
    consent = plan.person.consents.get()
    consent.shared_with.add(habilitation_unit())
    plan_services.add_participant(
        actor=None,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": staff,
            "organisation": habilitation_unit(),
            "name": staff.display_name,
            "role": "Lege",
            "access_level": AccessLevel.FULL,
        },
    )
    page = client_as(staff, language="en").get(url)
    html = page.content.decode()
    assert "Results of instruments in this episode" in html
    assert "6-minute walk distance: 2 values from" in html
    assert "6-minute walk distance: 3 values" not in html
    # The page's one read of the person covers the results it shows.
    assert reads() == [ReadPurpose.EPISODE, ReadPurpose.EPISODE]


# The print and the PDF


def test_the_plans_print_has_the_charts_and_tables_in_its_one_read(world: World) -> None:
    plan = plan_for(world, active=True)
    _walk(world, plan, 90, 230)
    _walk(world, plan, 0, 350)
    _rate(plan, 1)
    before = AccessRecord.objects.count()
    page = client_as(world.coordinator).get(reverse("plans:plan_print", kwargs={"pk": plan.pk}))
    html = page.content.decode()
    assert len(_svgs(html)) == 2
    assert "<table" in html
    [read] = AccessRecord.objects.order_by("-at")[: AccessRecord.objects.count() - before]
    assert read.purpose == ReadPurpose.PLAN_PRINT
    pdf = client_as(world.coordinator).get(reverse("plans:plan_pdf", kwargs={"pk": plan.pk}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
