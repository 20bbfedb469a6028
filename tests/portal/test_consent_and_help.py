"""Consent in the person's hands (withdrawn for all or for one organisation, given again), asking the
coordinating unit for help, and seeing who has read the plan."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.models import Consent, ConsentEvidence, ConsentGiver
from vegviser.access.policy import PlanRole
from vegviser.access.services import open_emergency_access, withdraw_own_consent
from vegviser.intake.models import NeedReport, ReportStatus
from vegviser.intake.services import ask_for_help
from vegviser.plans.models import IndividualPlan

from ..conftest import World, client_as
from ..factories import PersonFactory, UserFactory, born_years_ago
from ..plans.helpers import english_messages
from .helpers import family, plan_of_person, url

pytestmark = pytest.mark.usefixtures(english_messages.__name__)


def _content(response: Any) -> str:
    return html.unescape(response.content.decode())


def _withdraw(consent: Consent) -> str:
    return reverse("portal:consent_withdraw", kwargs={"pk": consent.pk})


def _setup(world: World) -> tuple[IndividualPlan, Consent]:
    plan = plan_of_person(world, world.patient)
    return plan, Consent.objects.get(person=world.patient)


# Withdrawing


def test_the_page_says_what_withdrawing_means_and_offers_all_or_one_organisation(world: World) -> None:
    _plan, consent = _setup(world)
    page = _content(client_as(world.patient_user).get(_withdraw(consent)))
    assert "It takes effect at once." in page
    assert "All of this consent" in page
    assert f"Only the sharing with {world.physio.name}" in page
    assert f"Only the sharing with {world.school.name}" in page


def test_withdrawing_for_one_organisation_ends_its_access_at_once(world: World) -> None:
    plan, consent = _setup(world)
    assert policy.plan_role(world.team_member, plan) == PlanRole.FULL
    response = client_as(world.patient_user).post(
        _withdraw(consent), {"organisation": str(world.school.pk)}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("consents", world.patient.pk)
    assert f"{world.school.name} no longer gets information from your plan." in _content(response)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and not consent.in_force
    assert world.school.name in consent.withdrawal_note
    # A new consent, from today, without the school; the rest as before.
    new = Consent.objects.exclude(pk=consent.pk).get(person=world.patient)
    assert new.in_force and new.valid_from == timezone.localdate() and new.valid_to is None
    assert set(new.shared_with.all()) == {world.physio}
    assert (new.covers_plan, new.covers_coordinator) == (consent.covers_plan, consent.covers_coordinator)
    assert (new.evidence, new.given_by, new.recorded_by) == (
        ConsentEvidence.PORTAL,
        ConsentGiver.PERSON,
        world.patient_user,
    )
    # The teacher at the school can no longer open the plan; the coordinator still leads it.
    assert policy.plan_role(world.team_member, plan) is None
    assert (
        client_as(world.team_member).get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).status_code
        == 404
    )
    assert policy.plan_role(world.coordinator, plan) == PlanRole.COORDINATOR
    # The page lists both: the withdrawn one and the one in force.
    page = _content(response)
    assert "Withdrawn " in page and "In force" in page


def test_withdrawing_all_of_it(world: World) -> None:
    plan, consent = _setup(world)
    response = client_as(world.patient_user).post(_withdraw(consent), {"organisation": "all"}, follow=True)
    assert "The consent is withdrawn." in _content(response)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert Consent.objects.filter(person=world.patient).count() == 1
    assert policy.plan_role(world.team_member, plan) is None
    assert policy.plan_role(world.patient_user, plan) == PlanRole.PERSON


def test_a_choice_is_needed(world: World) -> None:
    _plan, consent = _setup(world)
    response = client_as(world.patient_user).post(_withdraw(consent), {})
    assert response.status_code == 200 and "Choose what to withdraw." in _content(response)
    response = client_as(world.patient_user).post(_withdraw(consent), {"organisation": str(world.ke_unit.pk)})
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This consent has already been withdrawn."),
        ("nb", "Dette samtykket er allerede trukket tilbake."),
        ("nn", "Dette samtykket er allereie trekt tilbake."),
    ],
)
@pytest.mark.parametrize("choice", ["all", "school"])
def test_confirming_a_withdrawal_twice_says_it_is_already_withdrawn(
    world: World, language: str, message: str, choice: str
) -> None:
    _plan, consent = _setup(world)
    data = {"organisation": "all" if choice == "all" else str(world.school.pk)}
    client = client_as(world.patient_user, language=language)
    first = client.post(_withdraw(consent), data)
    assert first.status_code == 302
    withdrawn_at = Consent.objects.get(pk=consent.pk).withdrawn_at
    # The same form sent again (a double click, or the back button).
    second = client.post(_withdraw(consent), data, follow=True)
    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == url("consents", world.patient.pk)
    assert message in _content(second)
    # Nothing changed the second time: the withdrawal stands as it was, and no second new consent.
    assert Consent.objects.get(pk=consent.pk).withdrawn_at == withdrawn_at
    assert Consent.objects.filter(person=world.patient).count() == (1 if choice == "all" else 2)


def test_the_service_refuses_a_second_withdrawal(world: World) -> None:
    """Two confirmations at the same moment both pass the page's check: the service refuses the second."""
    _plan, consent = _setup(world)
    withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    with pytest.raises(ValidationError, match=r"This consent has already been withdrawn\."):
        withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert Consent.objects.filter(person=world.patient).count() == 2


def test_a_consent_that_has_run_out_is_not_withdrawn_into_a_new_one(world: World) -> None:
    """Withdrawing one organisation gives a new consent for the others from today: from a consent that ran
    out, that would quietly renew it."""
    plan, consent = _setup(world)
    today = timezone.localdate()
    Consent.objects.filter(pk=consent.pk).update(
        valid_from=today - timedelta(days=400), valid_to=today - timedelta(days=35)
    )
    client = client_as(world.patient_user)
    assert _withdraw(consent) not in _content(client.get(url("consents", world.patient.pk)))
    response = client.post(_withdraw(consent), {"organisation": str(world.school.pk)}, follow=True)
    assert "This consent has run out, so there is nothing to withdraw." in _content(response)
    assert Consent.objects.filter(person=world.patient).count() == 1
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
    assert policy.plan_role(world.team_member, plan) is None


def test_a_consent_not_yet_in_force_is_withdrawn_whole(world: World) -> None:
    _plan, consent = _setup(world)
    Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() + timedelta(days=10))
    client = client_as(world.patient_user)
    assert _withdraw(consent) in _content(client.get(url("consents", world.patient.pk)))
    page = _content(client.get(_withdraw(consent)))
    assert "All of this consent" in page and "Only the sharing with" not in page
    refused = client.post(_withdraw(consent), {"organisation": str(world.school.pk)})
    assert refused.status_code == 200 and refused.context["form"].errors["organisation"]
    client.post(_withdraw(consent), {"organisation": "all"})
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    assert Consent.objects.filter(person=world.patient).count() == 1


def test_a_parent_withdraws_for_a_child_and_consents_in_their_own_name(world: World) -> None:
    found = family(world, age=14)
    consent = Consent.objects.get(person=found.person)
    response = client_as(found.relative_user).post(_withdraw(consent), {"organisation": str(world.school.pk)})
    assert response.status_code == 302
    new = Consent.objects.exclude(pk=consent.pk).get(person=found.person)
    assert (new.given_by, new.given_by_person) == (ConsentGiver.PARENT, found.relative)
    assert policy.plan_role(world.team_member, found.plan) is None


# Giving it again


def test_a_withdrawn_consent_is_given_again(world: World) -> None:
    plan, consent = _setup(world)
    client = client_as(world.patient_user)
    client.post(_withdraw(consent), {"organisation": "all"})
    page = _content(client.get(url("consents", world.patient.pk)))
    assert "Give this consent again" in page
    response = client.post(reverse("portal:consent_renew", kwargs={"pk": consent.pk}), follow=True)
    assert "The consent is renewed from today." in _content(response)
    new = Consent.objects.exclude(pk=consent.pk).get(person=world.patient)
    assert new.in_force and set(new.shared_with.all()) == {world.physio, world.school}
    assert policy.plan_role(world.team_member, plan) == PlanRole.FULL


def test_a_consent_running_out_is_renewed_for_as_long_again(world: World) -> None:
    _plan, consent = _setup(world)
    today = timezone.localdate()
    Consent.objects.filter(pk=consent.pk).update(
        valid_from=today - timedelta(days=300), valid_to=today + timedelta(days=65)
    )
    client = client_as(world.patient_user)
    assert "Renew from today" in _content(client.get(url("consents", world.patient.pk)))
    assert client.post(reverse("portal:consent_renew", kwargs={"pk": consent.pk})).status_code == 302
    new = Consent.objects.exclude(pk=consent.pk).get(person=world.patient)
    assert (new.valid_from, new.valid_to) == (today, today + timedelta(days=365))


def test_renewing_needs_a_post(world: World) -> None:
    _plan, consent = _setup(world)
    assert (
        client_as(world.patient_user)
        .get(reverse("portal:consent_renew", kwargs={"pk": consent.pk}))
        .status_code
        == 405
    )


# Asking for help


def _ask(world: World) -> str:
    return url("ask_for_help", world.patient.pk)


def test_asking_for_help_reaches_the_coordinating_unit_of_the_persons_municipality(world: World) -> None:
    client = client_as(world.patient_user)
    response = client.post(
        _ask(world),
        {
            "needs_plan": "on",
            "needs_coordinator": "on",
            "description": "Jeg trenger hjelp etter hjerneslaget.",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("home", world.patient.pk)
    assert "Your request was sent to the coordinating unit in Bodø" in _content(response)
    report = NeedReport.objects.get(person=world.patient)
    assert report.municipality == world.bodo and report.reported_by == world.patient_user
    assert report.status == ReportStatus.RECEIVED
    assert (report.needs_plan, report.needs_coordinator, report.needs_child_coordinator) == (
        True,
        True,
        False,
    )
    assert report.description == "Jeg trenger hjelp etter hjerneslaget."
    # It is in Bodø's queue, not Tromsø's.
    # By its rows: the officers' own names, made up for each test, are on the page too.
    queue = reverse("intake:queue")
    assert [row[0] for row in client_as(world.ke_officer).get(queue).context["rows"]] == [report]
    assert client_as(world.ke_officer_tromso).get(queue).context["rows"] == []
    # The person sees what they asked for on their page.
    assert "What you have asked for" in _content(response)


def test_asking_needs_something_ticked(world: World) -> None:
    response = client_as(world.patient_user).post(_ask(world), {"description": "Hjelp"})
    assert response.status_code == 200
    assert "Choose at least one thing to ask for." in _content(response)
    assert "Hjelp" in _content(response)
    assert not NeedReport.objects.exists()


def test_a_child_coordinator_is_offered_only_under_18(world: World) -> None:
    adult = _content(client_as(world.patient_user).get(_ask(world)))
    assert 'name="needs_plan"' in adult and 'name="needs_child_coordinator"' not in adult
    # Posted anyway, it is not a request.
    response = client_as(world.patient_user).post(
        _ask(world), {"needs_child_coordinator": "on", "description": "X"}
    )
    assert response.status_code == 200 and not NeedReport.objects.exists()

    found = family(world, age=7)
    child_page = client_as(found.relative_user).get(url("ask_for_help", found.person.pk))
    assert 'name="needs_child_coordinator"' in child_page.content.decode()
    client_as(found.relative_user).post(
        url("ask_for_help", found.person.pk), {"needs_child_coordinator": "on", "description": "Emil trenger"}
    )
    report = NeedReport.objects.get(person=found.person)
    assert report.needs_child_coordinator and report.reported_by == found.relative_user

    seventeen = UserFactory()
    person = PersonFactory(birth_date=born_years_ago(17), user=seventeen)
    assert (
        'name="needs_child_coordinator"'
        in client_as(seventeen).get(url("ask_for_help", person.pk)).content.decode()
    )


def test_the_service_refuses_a_child_coordinator_for_an_adult(world: World) -> None:
    with pytest.raises(ValidationError, match=r"A child coordinator is for children under 18\."):
        ask_for_help(
            actor=world.patient_user,
            person=world.patient,
            data={"needs_child_coordinator": True, "description": "X"},
        )


def test_without_a_municipality_the_person_is_told_whom_to_call(world: World) -> None:
    user = UserFactory()
    person = PersonFactory(municipality=None, user=user)
    response = client_as(user).post(url("ask_for_help", person.pk), {"needs_plan": "on", "description": "X"})
    assert response.status_code == 200
    assert "We do not know which municipality you live in." in _content(response)


# Who has seen it


def test_the_coordinators_read_shows_in_the_persons_list(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    assert (
        client_as(world.coordinator).get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).status_code
        == 200
    )
    page = _content(client_as(world.patient_user).get(url("access_log", world.patient.pk)))
    assert world.coordinator.display_name in page
    assert "Coordinator of the plan" in page and "Individual plan" in page


def test_emergency_access_shows_in_the_persons_list(world: World) -> None:
    plan = plan_of_person(world, world.patient)
    open_emergency_access(actor=world.org_admin, plan=plan, reason="Akutt innlagt", hours=2)
    page = _content(client_as(world.patient_user).get(url("access_log", world.patient.pk)))
    assert "Emergency access" in page and "Akutt innlagt" in page and world.org_admin.display_name in page


def test_the_persons_list_says_in_words_what_was_read(world: World) -> None:
    plan_of_person(world, world.patient)
    client = client_as(world.patient_user)
    for name in ("home", "plan", "messages", "consents"):
        client.get(url(name, world.patient.pk))
    # The person's own reads are set aside until asked for.
    page = _content(client.get(url("access_log", world.patient.pk), {"own": "1"}))
    for code in ("portal (", "portal-plan", "portal-messages", "portal-consent"):
        assert code not in page
    assert "The plan on the person's own page" in page and "Messages on the person's own page" in page


def test_withdrawing_one_organisation_does_not_extend_the_consent(world: World) -> None:
    _plan, consent = _setup(world)
    today = timezone.localdate()
    ends = today + timedelta(days=40)
    Consent.objects.filter(pk=consent.pk).update(valid_from=today - timedelta(days=325), valid_to=ends)
    client_as(world.patient_user).post(_withdraw(consent), {"organisation": str(world.school.pk)})
    new = Consent.objects.exclude(pk=consent.pk).get(person=world.patient)
    assert new.valid_to == ends
