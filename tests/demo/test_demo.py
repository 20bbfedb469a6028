from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from vegviser.access.policy import PlanRole, plan_role
from vegviser.accounts.models import Notification, User
from vegviser.assessments.models import Administration, RecordedScore, Schedule, SentQuestionnaire
from vegviser.assessments.selectors import follow_up
from vegviser.audit.models import AuditRecord
from vegviser.demo.collaboration import agreement_pdf
from vegviser.intake.models import CoordinatorAssignment, NeedReport
from vegviser.plans.models import (
    Evaluation,
    GoalRating,
    IndividualPlan,
    JoinRequest,
    Measure,
    Meeting,
    PlanMessage,
    PlanNote,
    PlanStatus,
    PlanVersion,
)
from vegviser.referrals.models import Assessment, Referral
from vegviser.registry.models import CollaborationAgreement, Membership, Organisation, Person, PersonRelation

from ..conftest import client_as

pytestmark = pytest.mark.django_db
DEMO_USERS = {
    "ke",
    "koordinator",
    "fysio",
    "lege",
    "ergo",
    "laerer",
    "ppt",
    "habilitering",
    "vurdering",
    "avdeling",
    "kehf",
    "leder",
    "henvisning",
    "admin",
    "pasient",
    "forelder",
    "ungdom",
}


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for this module and rolled back after it: each test only reads it."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def _plan(given_name: str) -> IndividualPlan:
    return IndividualPlan.objects.get(person__given_name=given_name)


def test_demo_loads_the_users_the_readme_lists(demo: None) -> None:
    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERS
    for user in User.objects.all():
        assert user.check_password("demo"), user.username
    assert User.objects.get(username="admin").is_system_admin
    assert Membership.objects.filter(user__username="ke", role="ke_officer").exists()
    assert Organisation.objects.filter(municipality_id="1804", kind="coordinating_unit").count() == 1
    assert Organisation.objects.filter(parent__name="Nordlandssykehuset HF").count() == 2


def test_demo_people_have_the_right_ages_and_only_synthetic_numbers(demo: None) -> None:
    today = timezone.localdate()
    ages = {p.user.username: p.age_on(today) for p in Person.objects.filter(user__isnull=False)}
    assert ages["pasient"] == 45
    assert ages["ungdom"] == 16
    child = Person.objects.get(given_name="Emil")
    assert child.age_on(today) == 7
    assert PersonRelation.objects.filter(
        person=child, relative__user__username="forelder", kind="parent"
    ).exists()
    assert PersonRelation.objects.filter(person__user__username="pasient", kind="next_of_kin").exists()
    assert set(Person.objects.values_list("national_id_kind", flat=True)) == {"synthetic"}


def test_demo_goes_through_the_services_and_loads_only_into_an_empty_database(demo: None) -> None:
    assert (
        AuditRecord.objects.filter(action="person.create", actor_name="system").count()
        == Person.objects.count()
    )
    assert AuditRecord.objects.filter(action="plan.create", actor_name="Kristian Olsen").count() == 3
    counts = [
        model.objects.count()
        for model in (User, Person, NeedReport, IndividualPlan, Meeting, Evaluation, PlanNote, AuditRecord)
    ]
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "already has data" in out.getvalue()
    assert [
        model.objects.count()
        for model in (User, Person, NeedReport, IndividualPlan, Meeting, Evaluation, PlanNote, AuditRecord)
    ] == counts
    with pytest.raises(SystemExit):
        call_command("demo", stdout=StringIO(), stderr=StringIO())


def test_the_coordinating_units_queue_still_has_open_reports(demo: None) -> None:
    open_reports = [report for report in NeedReport.objects.all() if report.is_open]
    assert {report.status for report in open_reports} == {"received", "assessing"}
    assert any(report.is_overdue() for report in open_reports)


def test_the_habilitation_unit_has_referrals_one_past_its_deadline(demo: None) -> None:
    # The rehabilitation ward has Per's referral (test_the_ward_asks_to_take_part_in_pers_plan) and Sigrid's.
    referrals = list(
        Referral.objects.filter(receiving_unit__kind="habilitation_unit", forwarded_from__isnull=True)
    )
    assert {r.receiving_unit.kind for r in Referral.objects.all()} == {
        "habilitation_unit",
        "rehabilitation_unit",
    }
    assert {referral.registered_by.username for referral in referrals if referral.registered_by} == {
        "henvisning"
    }
    assert sum(referral.is_overdue() for referral in referrals) == 1
    overdue = next(referral for referral in referrals if referral.is_overdue())
    assert overdue.status == "awaiting_referrer" and overdue.referrer_requests.count() == 1
    # The forwarded one keeps the date it was first received.
    assert any(referral.seniority_date < referral.received_on for referral in referrals)
    assert Membership.objects.filter(user__username="henvisning", role="referral_clerk").exists()


def test_the_habilitation_units_physician_has_assessed_three_referrals(demo: None) -> None:
    assessments = {
        assessment.referral.person.given_name: assessment
        for assessment in Assessment.objects.select_related("referral__person", "assessed_by").filter(
            referral__person__given_name__in=["Emil", "Jonas", "Sigrid"]
        )
    }
    assert set(assessments) == {"Emil", "Jonas", "Sigrid"}
    assert {assessment.assessed_by.username for assessment in assessments.values()} == {"vurdering"}
    emil = assessments["Emil"]
    assert emil.right == "right" and emil.care_deadline and emil.appointment_at
    assert assessments["Jonas"].right == "no_need" and assessments["Jonas"].to_referrer
    sigrid = assessments["Sigrid"].referral
    assert sigrid.status == "forwarded"
    forwarded = Referral.objects.get(forwarded_from=sigrid)
    assert forwarded.receiving_unit.kind == "rehabilitation_unit"
    assert forwarded.seniority_date == sigrid.seniority_date
    # Tor's referral, past its deadline, is still waiting for its assessment.
    assert not Assessment.objects.filter(referral__person__given_name="Tor").exists()
    # The letters open for the unit's clerk.
    clerk = client_as(User.objects.get(username="henvisning"))
    for name in ["letter_person", "letter_referrer"]:
        assert clerk.get(reverse(f"referrals:{name}", kwargs={"pk": emil.referral_id})).status_code == 200


def test_pers_stay_ended_in_the_handover_his_plan_grew_from(demo: None) -> None:
    from vegviser.episodes.models import Episode

    stay = Episode.objects.get(person__given_name="Per", level_of_care="inpatient")
    assert (stay.specialty, stay.main_diagnosis, stay.secondary_diagnoses) == ("230", "Z50.80", ["I63.5"])
    assert stay.handover is not None and stay.handover.reported_by.username == "avdeling"
    assert stay.handover.assignments.filter(active=True).exists()
    assert stay.discharged_at < _plan("Per").created_at
    # The ward sees the coordinator the handover led to; the coordinator reads the summary.
    page = client_as(User.objects.get(username="avdeling")).get(
        reverse("episodes:episode_detail", args=[stay.pk])
    )
    assert "Kristian Olsen" in page.content.decode()
    coordinator = client_as(User.objects.get(username="koordinator"))
    assert coordinator.get(reverse("episodes:discharge_summary", args=[stay.pk])).status_code == 200
    assert coordinator.get(reverse("episodes:episode_detail", args=[stay.pk])).status_code == 404
    assert Episode.objects.filter(person__given_name="Per", discharged_at__isnull=True).count() == 1
    visit = Episode.objects.get(person__given_name="Emil")
    assert (visit.specialty, visit.place, visit.place_detail) == ("233", "elsewhere", "Bodø kommunale skole")


def test_the_ward_asks_to_take_part_in_pers_plan(demo: None) -> None:
    join_request = JoinRequest.objects.get()
    assert (join_request.user.username, join_request.plan.person.given_name, join_request.answer) == (
        "avdeling",
        "Per",
        "pending",
    )
    coordinator = client_as(User.objects.get(username="koordinator"))
    page = coordinator.get(reverse("plans:plan_detail", args=[join_request.plan_id])).content.decode()
    assert "Requests to take part" in page and "Pia Berg" in page
    # The agreement between Bodø and the hospital shows where the hospital's units take part.
    agreement = CollaborationAgreement.objects.get()
    assert agreement.in_force_on(timezone.localdate())
    assert agreement.title in page
    assert reverse("registry:agreement_document", args=[agreement.pk]) in page
    # (The file itself is stored where the demo was loaded: each test here has a media folder of its own.)
    assert agreement_pdf("Avtale", ["Partene"]).startswith(b"%PDF-1.4")
    # The ward's nurse sees from the referral that Per has a plan, and that her request waits.
    referral = Referral.objects.get(receiving_unit__kind="rehabilitation_unit", person__given_name="Per")
    nurse = client_as(User.objects.get(username="avdeling"))
    assert nurse.get(reverse("plans:join_request", args=[join_request.plan_id])).status_code == 200
    # The trust's coordinating unit sees the ward's referral counted and the plans its staff take part in.
    trust_page = client_as(User.objects.get(username="kehf")).get(reverse("referrals:trust")).content.decode()
    assert "Per Andersen" in trust_page and referral.receiving_unit.name in trust_page


def test_the_trusts_leader_sees_its_area_and_no_person(demo: None) -> None:
    page = client_as(User.objects.get(username="leder")).get(reverse("indicators:dashboard")).content.decode()
    assert "Nordlandssykehuset" in page and "by age group" in page
    assert "Per Andersen" not in page


def test_the_three_persons_have_plans(demo: None) -> None:
    statuses = dict(IndividualPlan.objects.values_list("person__given_name", "status"))
    assert statuses == {"Per": PlanStatus.ACTIVE, "Emil": PlanStatus.ACTIVE, "Ulrik": PlanStatus.DRAFT}


def test_pers_plan_is_complete_and_shows_half_a_year_of_progress(demo: None) -> None:
    plan = _plan("Per")
    today = timezone.localdate()
    assert plan.missing_elements() == []
    assert 170 <= (today - timezone.localdate(plan.created_at)).days <= 190
    assert plan.next_revision is not None and plan.next_revision > today

    evaluations = list(plan.evaluations.order_by("evaluated_on"))
    assert len(evaluations) >= 2
    scores = [evaluation.t_score for evaluation in evaluations]
    assert None not in scores and scores == sorted(scores) and scores[0] < scores[-1]
    assert (evaluations[-1].evaluated_on - evaluations[0].evaluated_on).days >= 60
    assert all(evaluation.ratings.count() == 3 for evaluation in evaluations)

    reasons = list(plan.versions.order_by("number").values_list("reason", flat=True))
    assert reasons[0] == PlanVersion.Reason.ACTIVATION
    assert reasons.count(PlanVersion.Reason.EVALUATION) >= 2 and PlanVersion.Reason.REVISION in reasons
    frozen = list(plan.versions.order_by("number").values_list("created_at", flat=True))
    assert frozen == sorted(frozen) and frozen[-1] <= timezone.now()

    main_goals = plan.goals.filter(parent__isnull=True)
    assert main_goals.count() == 3
    for goal in main_goals:
        assert all(text for _level, text in goal.scale()), goal
        assert goal.weight and goal.life_area and goal.sub_goals.exists()

    measures = list(plan.measures.all())
    assert 6 <= len(measures) <= 8
    statuses = [measure.status for measure in measures]
    assert "done" in statuses and "ongoing" in statuses
    stopped = [measure for measure in measures if measure.status == "stopped"]
    assert len(stopped) == 1 and stopped[0].refusal_note
    assert all(measure.goals.exists() for measure in measures)
    assert plan.sub_plans.filter(kind="treatment").exists()
    assert PlanNote.objects.filter(plan=plan).count() >= 3
    assert all(note.created_at < timezone.now() - timedelta(days=1) for note in plan.notes.all())


def test_pers_responsibility_group_has_met_through_the_period(demo: None) -> None:
    plan = _plan("Per")
    meetings = list(plan.meetings.order_by("starts_at"))
    now = timezone.now()
    assert len(meetings) >= 5
    held = [m for m in meetings if m.starts_at < now and not m.cancelled]
    assert len(held) >= 3
    assert all(m.minutes_approved_at and m.decisions.exists() for m in held)
    assert all(d.goals.exists() or d.measures.exists() for m in held for d in m.decisions.all())
    assert sum(m.cancelled for m in meetings) == 1
    assert [m for m in meetings if m.starts_at > now and not m.cancelled]
    assert (held[-1].starts_at - held[0].starts_at).days >= 150


def test_per_has_used_his_own_pages_since_the_evaluation(demo: None) -> None:
    plan = _plan("Per")
    per = User.objects.get(username="pasient")
    own = GoalRating.objects.filter(goal__plan=plan, evaluation__isnull=True)
    assert [(rating.rated_by, rating.attainment) for rating in own] == [(per, 2)]
    last_evaluation = plan.evaluations.order_by("-evaluated_on").first()
    assert last_evaluation is not None and own.get().created_at.date() > last_evaluation.evaluated_on
    conversation = list(PlanMessage.objects.filter(plan=plan).order_by("created_at"))
    assert [m.from_person_side for m in conversation] == [False, True, False]
    assert all(m.created_at < timezone.now() for m in conversation)
    # The coordinator was told of Per's message and rating.
    keys = set(Notification.objects.filter(user__username="koordinator").values_list("key", flat=True))
    assert f"message:{conversation[1].pk}" in keys and f"goal-rated:{own.get().pk}" in keys


def test_pers_team_has_access_through_his_consent(demo: None) -> None:
    plan = _plan("Per")
    roles = {
        username: plan_role(User.objects.get(username=username), plan)
        for username in ["koordinator", "fysio", "lege", "ergo", "pasient", "laerer"]
    }
    assert roles == {
        "koordinator": PlanRole.COORDINATOR,
        "fysio": PlanRole.FULL,
        "lege": PlanRole.FULL,
        "ergo": PlanRole.LIMITED,
        "pasient": PlanRole.PERSON,
        "laerer": None,
    }
    assert plan.participants.filter(kind="relative", active=True).exists()
    assert Measure.objects.filter(plan=plan, responsible_participant__user__username="ergo").exists()


def test_emils_plan_has_a_child_coordinator_the_school_and_the_iop(demo: None) -> None:
    plan = _plan("Emil")
    assert CoordinatorAssignment.objects.filter(
        person=plan.person, kind="child_coordinator", active=True
    ).exists()
    assert plan.person.consents.get().given_by == "parent"
    assert plan.sub_plans.filter(kind="education", held_by__kind="school").exists()
    kinds = set(plan.participants.filter(kind="professional").values_list("organisation__kind", flat=True))
    assert {"school", "ppt", "habilitation_unit"} <= kinds
    assert plan.participants.filter(kind="relative", user__username="forelder").exists()
    for username in ["laerer", "ppt", "habilitering"]:
        assert plan_role(User.objects.get(username=username), plan) == PlanRole.FULL
    assert plan_role(User.objects.get(username="forelder"), plan) == PlanRole.REPRESENTATIVE
    assert plan.evaluations.count() == 1
    assert plan.goals.exists() and plan.measures.exists() and plan.meetings.count() >= 3
    assert plan.missing_elements() == []


def test_ulriks_plan_is_a_draft_with_work_to_do(demo: None) -> None:
    plan = _plan("Ulrik")
    assert plan.status == PlanStatus.DRAFT
    assert plan.what_matters and plan.goals.count() == 1
    missing = {letter for letter, _words in plan.missing_elements()}
    assert missing and not missing & {"b", "c", "h"}


def test_emils_mother_reads_of_emil_by_name_and_per_of_himself(demo: None) -> None:
    emil, per = Person.objects.get(given_name="Emil"), Person.objects.get(user__username="pasient")
    mother = client_as(User.objects.get(username="forelder"), language="nb")
    for page in ("portal:home", "portal:plan", "portal:consents"):
        text = html.unescape(mother.get(reverse(page, kwargs={"pk": emil.pk})).content.decode())
        for words in ("Målet mitt", "Målene mine", "for meg", "om deg"):
            assert words not in text, (page, words)
    plan = html.unescape(mother.get(reverse("portal:plan", kwargs={"pk": emil.pk})).content.decode())
    assert "Hva som er viktig for Emil" in plan
    own = client_as(User.objects.get(username="pasient"), language="nb")
    consents = own.get(reverse("portal:consents", kwargs={"pk": per.pk})).content.decode()
    assert "dele opplysninger om deg" in html.unescape(consents)


def test_the_waiting_list_has_a_breach_an_expected_one_a_postponement_and_a_start(demo: None) -> None:
    from vegviser.referrals.models import Assessment
    from vegviser.referrals.waiting import WaitState, state_of

    states = {
        assessment.referral.person.given_name: state_of(assessment)
        for assessment in Assessment.objects.select_related("referral__person").filter(
            referral__person__given_name__in=["Ingrid", "Knut", "Sara", "Ola"]
        )
    }
    assert states == {
        "Ingrid": WaitState.EXPECTED_BREACH,
        "Knut": WaitState.BREACH,
        "Sara": WaitState.POSTPONED,
        "Ola": WaitState.ENDED,
    }
    knut = Assessment.objects.get(referral__person__given_name="Knut").wait
    assert knut.helfo_notified_on and knut.breach_letter_sent_on and knut.helfo_notifier_name == "Hilde Kvam"
    ola = Assessment.objects.get(referral__person__given_name="Ola").wait
    assert ola.end_code == "1" and ola.wait_days and ola.wait_days > 60
    for username in ("henvisning", "vurdering", "kehf"):
        page = client_as(User.objects.get(username=username)).get(reverse("referrals:waiting_list"))
        assert "Knut Aasen" in page.content.decode() and "Ola Pedersen" not in page.content.decode()


def test_per_answers_a_psfs_in_the_portal_every_four_weeks_and_one_is_overdue(demo: None) -> None:
    plan = _plan("Per")
    schedule = Schedule.objects.get(plan=plan, stopped_at__isnull=True)
    assert (schedule.instrument, schedule.every_weeks) == ("psfs", 4)
    sent = list(SentQuestionnaire.objects.filter(schedule=schedule).order_by("sent_on"))
    assert [one.administration_id is not None for one in sent] == [True, True, True, False]
    today = timezone.localdate()
    assert sent[-1].due_on < today and sent[-1].closed_at is None
    answered = [one.administration for one in sent[:3] if one.administration is not None]
    assert all(one.in_portal and one.administered_on < today for one in answered)
    coordinator = User.objects.get(username="koordinator")
    kinds = [entry.kind for entry in follow_up(user=coordinator, language="nb")]
    assert "overdue" in kinds


def test_per_has_instruments_from_admission_discharge_and_three_months_after(demo: None) -> None:
    per = _plan("Per")
    # Recorded by the ward; his PSFS he answers in the portal.
    administered = Administration.objects.filter(plan=per, in_portal=False)
    assert {a.instrument for a in administered} == {"barthel", "mrs", "eq5d-5l", "six-minute-walk"}
    days = sorted({a.administered_on for a in administered})
    assert len(days) == 3
    # Recorded in the episodes' context: the stay at admission and discharge, the follow-up after.
    assert all(a.episode is not None for a in administered)
    assert {a.episode.level_of_care for a in administered if a.administered_on == days[-1]} == {"outpatient"}
    walked = RecordedScore.objects.filter(administration__plan=per, code="six-minute-walk").order_by(
        "administration__administered_on"
    )
    assert [score.value for score in walked] == [110, 230, 350]
    barthel = RecordedScore.objects.filter(administration__plan=per, code="barthel-100").order_by(
        "administration__administered_on"
    )
    assert [score.value for score in barthel] == [45, 75, 95]
    assert RecordedScore.objects.filter(administration__plan=per, code="eq5d-5l-profile").count() == 3


def test_emil_has_a_copm_and_goal_ratings_over_time(demo: None) -> None:
    emil = _plan("Emil")
    performance = RecordedScore.objects.filter(administration__plan=emil, code="copm-performance").order_by(
        "administration__administered_on"
    )
    assert [round(score.value, 2) for score in performance] == [3.0, 5.67]
    ratings = GoalRating.objects.filter(goal__plan=emil)
    assert ratings.filter(evaluation__isnull=True).count() >= 6
    assert len({rating.created_at.date() for rating in ratings}) >= 4
