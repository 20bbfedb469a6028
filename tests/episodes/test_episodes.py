"""Episodes of care: what an episode must hold, who may read and write it (and who may not: 404), the
discharge with its summary in the person's language, and the handover to the municipality seen from both
sides."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import Notification, User
from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.core.forms import VersionedForm
from vegviser.core.http import RefusedAsForbidden, RefusedAsNotFound
from vegviser.episodes import services
from vegviser.episodes.models import CarePlace, Episode, IndividualPlanStatus, LevelOfCare, Specialty
from vegviser.intake import services as intake
from vegviser.intake.models import NeedReport, ReportConsent, ReportStatus
from vegviser.plans.selectors import plan_status_for_person
from vegviser.referrals.models import (
    Assessment,
    AssessmentOutcome,
    CareType,
    CriterionGrade,
    Referral,
    ReferralConsent,
    ReferralStatus,
    RightStatus,
)
from vegviser.registry.models import MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import (
    ConsentFactory,
    EpisodeFactory,
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    habilitation_unit,
    rehabilitation_unit,
)
from ..plans.helpers import appoint, plan_for


def member(unit: Organisation, role: str) -> User:
    return MembershipFactory(organisation=unit, role=role).user


def staff_of(unit: Organisation) -> User:
    return member(unit, MembershipRole.EPISODE_STAFF)


def stroke_stay(world: World, **fields: Any) -> Episode:
    """Per's inpatient stay at the rehabilitation unit, admitted three weeks ago."""
    stay: dict[str, Any] = {
        "person": world.patient,
        "unit": rehabilitation_unit(),
        "level_of_care": LevelOfCare.INPATIENT,
        "contact_type": "treatment",
        "specialty": Specialty.PHYSICAL_MEDICINE,
        "main_diagnosis": "Z50.89",
        "secondary_diagnoses": ["I63.5"],
        "procedure_codes": [],
        "admitted_at": timezone.now() - timedelta(days=21),
    }
    return EpisodeFactory(**{**stay, **fields})


def with_right(referral: Referral) -> Referral:
    Assessment.objects.create(
        referral=referral,
        right=RightStatus.RIGHT,
        benefit=CriterionGrade.MET,
        cost_effectiveness=CriterionGrade.MET,
        severity=CriterionGrade.CLEARLY_MET,
        care_deadline=referral.received_on + timedelta(weeks=12),
        care_type=CareType.TREATMENT,
        outcome=AssessmentOutcome.RIGHT_WAITING,
        assessor_name="Vera Lie",
    )
    referral.refresh_from_db()
    return referral


def local(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


# What an episode must hold.


def test_a_discharge_before_the_admission_is_refused_with_a_clear_message(world: World) -> None:
    episode = stroke_stay(world)
    episode.discharged_at = episode.admitted_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as caught:
        episode.full_clean()
    with translation.override("en"):
        message = " ".join(caught.value.message_dict["discharged_at"])
    assert "cannot be before the admission" in message
    assert f"{timezone.localtime(episode.admitted_at):%d.%m.%Y}" in message


def test_unknown_codes_are_named(world: World) -> None:
    episode = stroke_stay(world)
    episode.secondary_diagnoses = ["I63.5", "Q99.99"]
    episode.procedure_codes = ["XYZ123"]
    with pytest.raises(ValidationError) as caught:
        episode.full_clean()
    errors = caught.value.message_dict
    assert "Q99.99" in " ".join(errors["secondary_diagnoses"])
    assert "ICD-10" in " ".join(errors["secondary_diagnoses"])
    assert "XYZ123" in " ".join(errors["procedure_codes"])
    assert "NCMP" in " ".join(errors["procedure_codes"])


def test_codes_are_written_as_the_list_writes_them(world: World) -> None:
    episode = stroke_stay(world, main_diagnosis="z5089")
    episode.secondary_diagnoses = ["i635"]
    episode.full_clean()
    assert (episode.main_diagnosis, episode.secondary_diagnoses) == ("Z50.89", ["I63.5"])


def test_a_rehabilitation_stay_has_a_z50_main_diagnosis(world: World) -> None:
    episode = stroke_stay(world, main_diagnosis="I63.5", secondary_diagnoses=[])
    with pytest.raises(ValidationError) as caught:
        episode.full_clean()
    assert "Z50" in " ".join(caught.value.message_dict["main_diagnosis"])


def test_place_specialty_and_level_fit_together(world: World) -> None:
    ambulant = EpisodeFactory(person=world.patient, place=CarePlace.ELSEWHERE, place_detail="")
    with pytest.raises(ValidationError) as caught:
        ambulant.full_clean()
    assert "place_detail" in caught.value.message_dict
    wrong = stroke_stay(world, specialty=Specialty.HABILITATION_CHILDREN)
    with pytest.raises(ValidationError) as caught:
        wrong.full_clean()
    assert "230" in " ".join(caught.value.message_dict["specialty"])
    at_home = stroke_stay(world, place=CarePlace.HOME)
    with pytest.raises(ValidationError) as caught:
        at_home.full_clean()
    assert "place" in caught.value.message_dict


def test_the_discharge_form_shows_the_error_and_keeps_what_was_written(world: World) -> None:
    episode = stroke_stay(world)
    staff = staff_of(rehabilitation_unit())
    response = client_as(staff).post(
        reverse("episodes:episode_discharge", args=[episode.pk]),
        {
            "version": episode.version,
            "discharged_at": local(episode.admitted_at - timedelta(days=1)),
            "course": "Gangtrening hver dag, går nå uten rullator.",
            "plan_status": IndividualPlanStatus.BEING_MADE,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be before the admission" in page
    assert "Gangtrening hver dag" in page
    episode.refresh_from_db()
    assert episode.is_open


# Who may read and write.


def test_the_units_staff_write_its_episodes(world: World) -> None:
    episode = stroke_stay(world)
    staff = staff_of(rehabilitation_unit())
    for action in [Action.EPISODE_LIST, Action.EPISODE_VIEW, Action.EPISODE_WRITE]:
        assert policy.can(staff, action, episode)
    client = client_as(staff)
    for name in ["episodes:episode_detail", "episodes:episode_edit", "episodes:episode_discharge"]:
        assert client.get(reverse(name, args=[episode.pk])).status_code == 200, name
    listing = client.get(reverse("episodes:episode_list"))
    assert world.patient.full_name in listing.content.decode()


def test_staff_of_another_unit_see_nothing_of_it(world: World) -> None:
    episode = stroke_stay(world)
    other = staff_of(habilitation_unit())
    client = client_as(other)
    for name in ["episodes:episode_detail", "episodes:episode_edit", "episodes:episode_discharge"]:
        assert client.get(reverse(name, args=[episode.pk])).status_code == 404, name
    listing = client.get(reverse("episodes:episode_list"))
    assert listing.status_code == 200
    assert world.patient.full_name not in listing.content.decode()


def test_the_units_clinician_and_the_trusts_officer_read_but_do_not_write(world: World) -> None:
    trust = OrganisationFactory(name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    unit = rehabilitation_unit()
    unit.parent = trust
    unit.save()
    episode = stroke_stay(world, discharged=True)
    clinician = member(unit, MembershipRole.ASSESSING_CLINICIAN)
    officer = member(trust, MembershipRole.TRUST_COORDINATING_OFFICER)
    for reader in [clinician, officer]:
        client = client_as(reader)
        assert client.get(reverse("episodes:episode_detail", args=[episode.pk])).status_code == 200
        assert client.get(reverse("episodes:discharge_summary", args=[episode.pk])).status_code == 200
        assert client.get(reverse("episodes:episode_edit", args=[episode.pk])).status_code == 404
        assert client.get(reverse("episodes:episode_create")).status_code == 404


def test_the_coordinator_reads_the_discharge_summary_and_nothing_else(world: World) -> None:
    appoint(world)
    episode = stroke_stay(world, discharged=True)
    client = client_as(world.coordinator)
    summary = client.get(reverse("episodes:discharge_summary", args=[episode.pk]))
    assert summary.status_code == 200
    assert "Tverrfaglig utredning" in summary.content.decode()
    assert client.get(reverse("episodes:discharge_summary_pdf", args=[episode.pk])).status_code == 200
    for name in ["episodes:episode_detail", "episodes:episode_edit", "episodes:episode_discharge"]:
        assert client.get(reverse(name, args=[episode.pk])).status_code == 404, name
    assert client.get(reverse("episodes:episode_list")).status_code == 404
    # Not before the discharge: there is no summary yet.
    open_episode = stroke_stay(world)
    assert client.get(reverse("episodes:discharge_summary", args=[open_episode.pk])).status_code == 404


@pytest.mark.parametrize(
    "persona", ["ke_officer", "team_member", "org_admin", "system_admin", "patient_user"]
)
def test_the_municipality_and_others_see_no_episode(world: World, persona: str) -> None:
    episode = stroke_stay(world, discharged=True)
    client = client_as(getattr(world, persona))
    for name in [
        "episodes:episode_detail",
        "episodes:episode_edit",
        "episodes:episode_discharge",
        "episodes:discharge_summary",
        "episodes:discharge_summary_pdf",
    ]:
        assert client.get(reverse(name, args=[episode.pk])).status_code == 404, name
    assert client.get(reverse("episodes:episode_list")).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(world: World) -> None:
    episode = stroke_stay(world, discharged=True)
    response = client_as(None).get(reverse("episodes:discharge_summary", args=[episode.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_services_refuse_those_who_may_not_write(world: World) -> None:
    episode = stroke_stay(world)
    clinician = member(rehabilitation_unit(), MembershipRole.ASSESSING_CLINICIAN)
    before = AuditRecord.objects.count()
    with pytest.raises(RefusedAsForbidden):
        services.update_episode(actor=clinician, episode=episode, data={}, expected_version=episode.version)
    with pytest.raises(RefusedAsForbidden):
        services.start_episode(
            actor=world.ke_officer, person=world.patient, unit=rehabilitation_unit(), data={}
        )
    assert AuditRecord.objects.count() == before


# Starting an episode.


def test_an_episode_starts_from_a_referral_with_a_right(world: World) -> None:
    unit = habilitation_unit()
    staff = staff_of(unit)
    referral = with_right(ReferralFactory(person=world.patient, diagnosis_codes=["F84.0"]))
    client = client_as(staff)
    listing = client.get(reverse("episodes:episode_list")).content.decode()
    assert f"?referral={referral.pk}" in listing
    url = f"{reverse('episodes:episode_create')}?referral={referral.pk}"
    form = client.get(url)
    assert form.status_code == 200
    assert "F84.0" in form.content.decode()
    response = client.post(
        url,
        {
            "level_of_care": LevelOfCare.OUTPATIENT,
            "contact_type": "assessment",
            "place": CarePlace.HOSPITAL,
            "specialty": Specialty.HABILITATION_ADULTS,
            "professions": ["physician", "psychologist"],
            "admitted_at": local(timezone.now() - timedelta(hours=2)),
            "main_diagnosis": "f840",
            "procedure_codes": "WMAA00",
        },
    )
    episode = Episode.objects.get(referral=referral)
    assert response.status_code == 302
    assert (episode.person, episode.unit, episode.main_diagnosis) == (world.patient, unit, "F84.0")
    assert episode.professions == ["physician", "psychologist"]
    assert AuditRecord.objects.filter(action="episode.start", object_id=str(episode.pk)).exists()


def test_the_referral_links_to_a_new_episode_for_the_units_episode_staff(world: World) -> None:
    unit = habilitation_unit()
    referral = with_right(ReferralFactory(person=world.patient))
    link = f"{reverse('episodes:episode_create')}?referral={referral.pk}"
    clinician = member(unit, MembershipRole.ASSESSING_CLINICIAN)
    page = client_as(clinician).get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert link not in page.content.decode()
    # A clinician who also works on the unit's episodes starts one from the referral.
    MembershipFactory(organisation=unit, user=clinician, role=MembershipRole.EPISODE_STAFF)
    page = client_as(clinician).get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert link in page.content.decode()


def test_a_referral_without_a_right_starts_no_episode(world: World) -> None:
    staff = staff_of(habilitation_unit())
    referral = ReferralFactory(person=world.patient)
    response = client_as(staff).get(f"{reverse('episodes:episode_create')}?referral={referral.pk}")
    assert response.status_code == 404


def test_an_episode_starts_for_a_person_found_by_number(world: World) -> None:
    unit = habilitation_unit()
    staff = staff_of(unit)
    client = client_as(staff)
    client.get(reverse("episodes:episode_create"))
    response = client.post(
        reverse("episodes:episode_create"),
        {
            "national_id": world.patient.national_id,
            "given_name": "Per",
            "family_name": "Andersen",
            "municipality": world.bodo.pk,
            "unit": unit.pk,
            "level_of_care": LevelOfCare.OUTPATIENT,
            "contact_type": "video",
            "place": CarePlace.HOSPITAL,
            "specialty": Specialty.HABILITATION_ADULTS,
            "admitted_at": local(timezone.now()),
            "main_diagnosis": "F84.0",
            "secondary_diagnoses": "Q99.99",
        },
    )
    assert response.status_code == 200
    assert "Q99.99" in response.content.decode()
    assert not Episode.objects.exists()


# The discharge and the handover.


def discharge_with_handover(world: World, staff: User, episode: Episode) -> Any:
    client = client_as(staff)
    page = client.get(reverse("episodes:episode_discharge", args=[episode.pk]))
    text = page.content.decode()
    assert "Bodø" in text and "coordinating unit" in text
    assert "is to be discharged on" in text
    return client.post(
        reverse("episodes:episode_discharge", args=[episode.pk]),
        {
            "version": episode.version,
            "discharged_at": local(timezone.now() - timedelta(minutes=5)),
            "course": "Gangtrening hver dag, går nå med stokk.",
            "recommendations": "Fysioterapi to ganger i uken.",
            "plan_status": IndividualPlanStatus.BEING_MADE,
            "report_need": "on",
            "needs_plan": "on",
            "needs_coordinator": "on",
            "description": "Trenger hjelp i hverdagen og trening etter hjerneslag.",
            "consent_to_report": ReportConsent.YES,
        },
    )


def test_the_handover_is_sent_at_discharge_and_both_sides_see_its_state(world: World) -> None:
    unit = rehabilitation_unit()
    staff, colleague = staff_of(unit), staff_of(unit)
    episode = stroke_stay(world)
    response = discharge_with_handover(world, staff, episode)
    assert response.status_code == 302
    episode.refresh_from_db()
    report = NeedReport.objects.get(person=world.patient)
    assert episode.handover == report
    assert not episode.is_open
    # Nothing is recorded as sent at the discharge: nothing has been sent yet.
    assert (episode.summary_sent_to, episode.summary_sent_on) == ("", None)
    # Made by the intake's own service: the staff member reports for the unit.
    assert (report.reported_by, report.reporter_organisation, report.municipality) == (
        staff,
        unit,
        world.bodo,
    )
    assert report.is_inpatient and report.needs_plan and report.needs_coordinator
    assert AuditRecord.objects.filter(action="need_report.create", object_id=str(report.pk)).exists()

    # The coordinating unit finds it in its queue, marked as from the hospital's episode.
    ke = client_as(world.ke_officer)
    queue = ke.get(reverse("intake:queue")).content.decode()
    assert world.patient.full_name in queue and f"at discharge from {unit.name}" in queue
    detail = ke.get(reverse("intake:report_detail", args=[report.pk])).content.decode()
    assert "From an episode of care" in detail and unit.name in detail

    # The ward, the colleague too, sees it received; then assessed; then a coordinator appointed.
    def steps(user: User) -> str:
        return client_as(user).get(reverse("episodes:episode_detail", args=[episode.pk])).content.decode()

    page = steps(colleague)
    assert "Received by the coordinating unit" in page
    assert "Being assessed</span>" not in page
    intake.assign_report(actor=world.ke_officer, report=report, officer=world.ke_officer)
    report.refresh_from_db()
    assert report.status == ReportStatus.ASSESSING
    assert 'Being assessed<span class="ds-sr-only"> – done' in steps(colleague)
    intake.decide_report(
        actor=world.ke_officer, report=report, data={"plan_granted": True, "coordinator_granted": True}
    )
    ConsentFactory(person=world.patient)
    intake.appoint_coordinator(
        actor=world.ke_officer,
        person=world.patient,
        coordinator=world.coordinator,
        organisation=world.physio,
        kind="coordinator",
        started_on=timezone.localdate(),
        need_report=report,
    )
    page = steps(staff)
    assert 'Coordinator appointed<span class="ds-sr-only"> – done' in page
    assert world.coordinator.display_name in page


def test_the_handover_is_for_inpatients_only(world: World) -> None:
    staff = staff_of(habilitation_unit())
    episode = EpisodeFactory(person=world.patient)
    page = client_as(staff).get(reverse("episodes:episode_discharge", args=[episode.pk])).content.decode()
    assert "report_need" not in page
    with pytest.raises(ValidationError):
        services.discharge(
            actor=staff,
            episode=episode,
            data={"discharged_at": timezone.now(), "course": "x", "plan_status": "no_plan"},
            expected_version=episode.version,
            handover={"needs_plan": True, "description": "x", "consent_to_report": "yes"},
        )
    assert not NeedReport.objects.exists()


def test_the_coordinator_is_told_at_discharge(world: World) -> None:
    appoint(world)
    staff = staff_of(rehabilitation_unit())
    episode = stroke_stay(world)
    services.discharge(
        actor=staff,
        episode=episode,
        data={"discharged_at": timezone.now(), "course": "Trening.", "plan_status": "has_plan"},
        expected_version=episode.version,
    )
    notice = Notification.objects.get(user=world.coordinator)
    assert notice.url == reverse("episodes:discharge_summary", args=[episode.pk])
    assert not Notification.objects.filter(user=staff).exists()


# The discharge summary.


@pytest.mark.parametrize(
    ("language", "heading"), [("nb", "Epikrise"), ("nn", "Epikrise"), ("en", "Discharge summary")]
)
def test_the_summary_is_in_the_persons_language(world: World, language: str, heading: str) -> None:
    world.patient.preferred_language = language
    world.patient.save()
    episode = stroke_stay(world, discharged=True)
    staff = staff_of(rehabilitation_unit())
    # The reader's own language is English; the summary is the person's.
    page = client_as(staff, language="en").get(reverse("episodes:discharge_summary", args=[episode.pk]))
    text = page.content.decode()
    assert f'<html lang="{language}">' in text
    assert f"<h1>{heading}</h1>" in text
    assert "Z50.89 Enkel rehabilitering" in text


def test_the_summary_pdf_is_tagged_in_the_persons_language_and_logged_as_print(world: World) -> None:
    world.patient.preferred_language = "nn"
    world.patient.save()
    episode = stroke_stay(world, discharged=True)
    staff = staff_of(rehabilitation_unit())
    response = client_as(staff).get(reverse("episodes:discharge_summary_pdf", args=[episode.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "nn"
    assert "Epikrise" in "".join(page.extract_text() for page in reader.pages)
    assert world.patient.national_id not in response["Content-Disposition"]
    record = AccessRecord.objects.get(object_id=str(episode.pk))
    assert (record.purpose, record.channel) == ("discharge-summary", "print")


# Every read logged.


def test_every_read_is_logged(world: World) -> None:
    staff = staff_of(rehabilitation_unit())
    episode = stroke_stay(world, discharged=True)
    client = client_as(staff)
    client.get(reverse("episodes:episode_list"), {"show": "discharged"})
    client.get(reverse("episodes:episode_detail", args=[episode.pk]))
    client.get(reverse("episodes:discharge_summary", args=[episode.pk]))
    purposes = list(
        AccessRecord.objects.filter(actor=staff, person_id=world.patient.pk)
        .order_by("id")
        .values_list("purpose", flat=True)
    )
    assert purposes == ["episode-list", "episode", "discharge-summary"]
    # A refused read leaves none.
    before = AccessRecord.objects.count()
    client_as(world.ke_officer).get(reverse("episodes:episode_detail", args=[episode.pk]))
    assert AccessRecord.objects.count() == before


# Changing a discharged episode.


def test_moving_the_admission_past_the_discharge_is_refused_by_the_admission(world: World) -> None:
    episode = stroke_stay(world, discharged=True)
    staff = staff_of(rehabilitation_unit())
    client = client_as(staff)
    url = reverse("episodes:episode_edit", args=[episode.pk])
    client.get(url)
    response = client.post(
        url,
        {
            "version": episode.version,
            "level_of_care": episode.level_of_care,
            "contact_type": episode.contact_type,
            "place": episode.place,
            "specialty": episode.specialty,
            "admitted_at": local(episode.discharged_at + timedelta(days=1)),
            "main_diagnosis": episode.main_diagnosis,
            "secondary_diagnoses": "I63.5",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"The admission cannot be after the discharge ({timezone.localtime(episode.discharged_at):%d.%m.%Y}"
        in page
    )
    stored = Episode.objects.get(pk=episode.pk)
    assert stored.admitted_at == episode.admitted_at


class AdmissionOnlyForm(VersionedForm):
    """A form with the admission and not the discharge: the episode's own check names the discharge."""

    class Meta:
        model = Episode
        fields = ["admitted_at"]


def test_an_error_of_a_field_the_form_lacks_is_shown_at_the_top(world: World) -> None:
    episode = stroke_stay(world, discharged=True)
    later = timezone.localtime(episode.discharged_at + timedelta(days=1))
    form = AdmissionOnlyForm(
        {"admitted_at": f"{later:%Y-%m-%d %H:%M}", "version": episode.version}, instance=episode
    )
    with translation.override("en"):
        assert not form.is_valid()
        assert "cannot be before the admission" in " ".join(form.non_field_errors())
    assert "discharged_at" not in form.errors


# Codes the list has since dropped.


def test_a_code_the_list_dropped_does_not_stop_the_discharge(world: World) -> None:
    episode = stroke_stay(world)
    # As after a yearly edition of the lists that no longer has these codes.
    Episode.objects.filter(pk=episode.pk).update(
        secondary_diagnoses=["I63.5", "Q99.99"], procedure_codes=["XYZ123"]
    )
    episode = Episode.objects.get(pk=episode.pk)
    discharged = services.discharge(
        actor=staff_of(rehabilitation_unit()),
        episode=episode,
        data={"discharged_at": timezone.now(), "course": "Trening.", "plan_status": "has_plan"},
        expected_version=episode.version,
    )
    assert not discharged.is_open
    assert discharged.secondary_diagnoses == ["I63.5", "Q99.99"]
    # A change to the codes is checked: the dropped one is named then.
    stored = Episode.objects.get(pk=episode.pk)
    stored.secondary_diagnoses = ["Q99.99", "R47.0"]
    with pytest.raises(ValidationError) as caught:
        stored.full_clean()
    assert "Q99.99" in " ".join(caught.value.message_dict["secondary_diagnoses"])
    assert "procedure_codes" not in caught.value.message_dict


# The person's plan, from the episode.


def test_episode_staff_see_the_plan_and_who_coordinates_from_the_episode(world: World) -> None:
    plan = plan_for(world, active=True)
    episode = stroke_stay(world)
    staff = staff_of(rehabilitation_unit())
    assert policy.units_with_person(staff, world.patient) == [rehabilitation_unit()]
    client = client_as(staff)
    before = AccessRecord.objects.count()
    page = client.get(reverse("episodes:episode_detail", args=[episode.pk])).content.decode()
    assert "The person has an individual plan" in page
    assert world.coordinator.display_name in page
    assert reverse("plans:join_request", args=[plan.pk]) in page
    # One record for the page, which names the person: the plan's status is read within it.
    assert list(AccessRecord.objects.order_by("id")[before:].values_list("purpose", flat=True)) == ["episode"]


def test_who_may_not_see_the_plan_from_an_episode_or_a_referral(world: World) -> None:
    plan_for(world, active=True)
    stroke_stay(world)
    # Episode staff of another unit, where the person has no episode.
    other_unit = staff_of(habilitation_unit())
    assert plan_status_for_person(other_unit, world.patient) is None
    # Staff of a unit whose only referral of the person it rejected, forwarded or had without consent.
    for rejected in [
        {"outcome": AssessmentOutcome.REJECTED},
        {"status": ReferralStatus.FORWARDED},
        {"consent": ReferralConsent.NO},
    ]:
        unit = OrganisationFactory(
            name=f"Habilitering {len(rejected)}{next(iter(rejected.values()))}",
            kind=OrganisationKind.HABILITATION_UNIT,
        )
        outcome = rejected.pop("outcome", None)
        referral = ReferralFactory(person=world.patient, receiving_unit=unit, **rejected)
        if outcome is not None:
            with_right(referral)
            Assessment.objects.filter(referral=referral).update(right=RightStatus.NO_NEED, outcome=outcome)
        staff = staff_of(unit)
        assert plan_status_for_person(staff, world.patient) is None, outcome or rejected
        assert policy.units_with_person(staff, world.patient) == []
        # The same unit's referral still in hand shows it.
        ReferralFactory(person=world.patient, receiving_unit=unit)
        staff = staff_of(unit)
        assert plan_status_for_person(staff, world.patient) is not None
    # A professional of the municipality: not by this way.
    assert plan_status_for_person(world.team_member, world.patient) is None
    assert policy.units_with_person(world.team_member, world.patient) == []


# The discharge summary recorded as sent.


def test_sending_the_summary_is_recorded_by_the_sender_after_the_discharge(world: World) -> None:
    unit = rehabilitation_unit()
    staff = staff_of(unit)
    episode = stroke_stay(world)
    services.discharge(
        actor=staff,
        episode=episode,
        data={
            "discharged_at": timezone.now() - timedelta(days=2),
            "course": "Trening.",
            "plan_status": "no_plan",
        },
        expected_version=episode.version,
    )
    episode.refresh_from_db()
    assert episode.summary_sent_on is None
    client = client_as(staff)
    page = client.get(reverse("episodes:episode_detail", args=[episode.pk])).content.decode()
    assert "Not recorded as sent to anyone." in page
    assert reverse("episodes:summary_sent", args=[episode.pk]) in page
    url = reverse("episodes:summary_sent", args=[episode.pk])
    # Not in the future, and not before the discharge.
    for day, message in [
        (timezone.localdate() + timedelta(days=1), "cannot be in the future"),
        (timezone.localdate() - timedelta(days=3), "on or after the discharge"),
    ]:
        client.get(reverse("episodes:episode_detail", args=[episode.pk]))
        response = client.post(url, {"summary_sent_to": "Kari Lege", "summary_sent_on": day.isoformat()})
        assert response.status_code == 200
        assert message in response.content.decode()
    episode.refresh_from_db()
    assert episode.summary_sent_on is None
    client.get(reverse("episodes:episode_detail", args=[episode.pk]))
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        url, {"summary_sent_to": "Kari Lege, Sentrum legekontor", "summary_sent_on": yesterday.isoformat()}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.summary_sent_to, episode.summary_sent_on) == ("Kari Lege, Sentrum legekontor", yesterday)
    record = AuditRecord.objects.filter(object_id=str(episode.pk), action="episode.update").get()
    assert record.actor == staff


def test_only_the_units_episode_staff_record_the_summary_sent_and_only_after_discharge(world: World) -> None:
    episode = stroke_stay(world)
    staff = staff_of(rehabilitation_unit())
    with pytest.raises(ValidationError):
        services.record_summary_sent(
            actor=staff, episode=episode, sent_to="Kari Lege", sent_on=timezone.localdate()
        )
    discharged = stroke_stay(world, discharged=True)
    clinician = member(rehabilitation_unit(), MembershipRole.ASSESSING_CLINICIAN)
    page = client_as(clinician).get(reverse("episodes:episode_detail", args=[discharged.pk])).content.decode()
    assert reverse("episodes:summary_sent", args=[discharged.pk]) not in page
    for user in [clinician, staff_of(habilitation_unit()), world.coordinator]:
        response = client_as(user).post(
            reverse("episodes:summary_sent", args=[discharged.pk]),
            {"summary_sent_to": "Kari Lege", "summary_sent_on": timezone.localdate().isoformat()},
        )
        assert response.status_code == 404
    with pytest.raises((RefusedAsForbidden, RefusedAsNotFound)):
        services.record_summary_sent(
            actor=clinician, episode=discharged, sent_to="Kari Lege", sent_on=timezone.localdate()
        )
