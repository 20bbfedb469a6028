"""The person's own pages: who may open and do what on them (Helsenorge's representation rules), what a
refusal says, the read each page logs, and switching between the people a user acts for."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from vegviser.access import policy
from vegviser.access.models import Consent
from vegviser.access.policy import PlanRole
from vegviser.access.services import withdraw_own_consent
from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord, Channel, ReadPurpose
from vegviser.plans import services
from vegviser.plans.models import Goal, GoalRating, IndividualPlan, PlanMessage
from vegviser.portal.selectors import NoLongerRepresented
from vegviser.registry.models import Person, RelationKind

from ..conftest import World, client_as
from ..factories import PersonFactory, PersonRelationFactory, UserFactory, born_years_ago
from ..plans.helpers import english_messages, plan_for
from .helpers import family, goal_of, goal_written_by, plan_of_person, url, young_person

pytestmark = pytest.mark.usefixtures(english_messages.__name__)

# Pages of the person (keyed by the person), of one of their goals, and of one of their consents.
PERSON_PAGES = [
    "home",
    "plan",
    "what_matters",
    "goal_add",
    "messages",
    "consents",
    "access_log",
    "ask_for_help",
]
GOAL_PAGES = ["goal_edit", "goal_rate"]
CONSENT_PAGES = ["consent_withdraw", "consent_renew"]
ALL_PAGES = PERSON_PAGES + GOAL_PAGES + CONSENT_PAGES
# What a parent of a 12–15-year-old may open: they read and consent, but write nothing in the plan for the
# young person, and the log of who has seen it is the young person's and their representatives'.
YOUTH_PARENT_PAGES = {
    "home",
    "plan",
    "messages",
    "consents",
    "ask_for_help",
    "consent_withdraw",
    "consent_renew",
}


@dataclass
class Case:
    user: User
    person: Person
    plan: IndividualPlan
    role: str | None
    allowed: set[str]
    # How a refusal of a page of the person reads: 404 (existence not told), or 403 saying the user no longer
    # acts for the person.
    refused_status: int = 404


def _adult(world: World) -> Case:
    plan = plan_of_person(world, world.patient)
    return Case(world.patient_user, world.patient, plan, PlanRole.PERSON, set(ALL_PAGES))


def _sixteen(world: World) -> Case:
    user, person, plan = young_person(world, age=16)
    return Case(user, person, plan, PlanRole.PERSON, set(ALL_PAGES))


def _parent_of(age: int) -> Callable[[World], Case]:
    def make(world: World) -> Case:
        found = family(world, age=age)
        if age < 12:
            return Case(
                found.relative_user, found.person, found.plan, PlanRole.REPRESENTATIVE, set(ALL_PAGES)
            )
        if age < 16:
            return Case(
                found.relative_user, found.person, found.plan, PlanRole.PARENT_OF_YOUTH, YOUTH_PARENT_PAGES
            )
        return Case(found.relative_user, found.person, found.plan, None, set(), refused_status=403)

    return make


def _mandate(kind: str, *, ended: bool = False, covers_health: bool = True) -> Callable[[World], Case]:
    """A guardian or power-of-attorney holder for an adult: they act within the mandate's period and scope."""

    def make(world: World) -> Case:
        found = family(world, age=40, kind=kind, relation_ended=ended, covers_health=covers_health)
        if ended or not covers_health:
            return Case(found.relative_user, found.person, found.plan, None, set(), refused_status=403)
        return Case(found.relative_user, found.person, found.plan, PlanRole.REPRESENTATIVE, set(ALL_PAGES))

    return make


def _confidential_child(world: World) -> Case:
    found = family(world, age=7, confidential=True)
    # Refused as if there were nothing there: even "you no longer act for this person" would hint at the code.
    return Case(found.relative_user, found.person, found.plan, None, set())


def _professional(persona: str) -> Callable[[World], Case]:
    def make(world: World) -> Case:
        plan = plan_of_person(world, world.patient)
        return Case(getattr(world, persona), world.patient, plan, None, set())

    return make


CASES: dict[str, Callable[[World], Case]] = {
    "adult": _adult,
    "sixteen_year_old": _sixteen,
    "parent_of_7": _parent_of(7),
    "parent_of_14": _parent_of(14),
    "parent_of_16": _parent_of(16),
    "guardian": _mandate(RelationKind.GUARDIAN),
    "guardian_ended": _mandate(RelationKind.GUARDIAN, ended=True),
    "guardian_for_money_only": _mandate(RelationKind.GUARDIAN, covers_health=False),
    "power_of_attorney": _mandate(RelationKind.POWER_OF_ATTORNEY),
    "power_of_attorney_ended": _mandate(RelationKind.POWER_OF_ATTORNEY, ended=True),
    "parent_of_confidential_child": _confidential_child,
    # The coordinator reads the plan, but the person's own pages are not theirs (plans:* are).
    "coordinator": _professional("coordinator"),
    "team_member": _professional("team_member"),
    "system_admin": _professional("system_admin"),
}


def _target(case: Case, name: str) -> str:
    if name in GOAL_PAGES:
        goal = goal_written_by(case.plan, case.user) if name == "goal_edit" else goal_of(case.plan)
        return url(name, goal.pk)
    if name in CONSENT_PAGES:
        return url(name, Consent.objects.filter(person=case.person).latest("created_at").pk)
    return url(name, case.person.pk)


@pytest.mark.parametrize("who", list(CASES))
def test_who_may_open_each_page(world: World, who: str) -> None:
    case = CASES[who](world)
    assert policy.portal_role(case.user, case.person) == case.role
    client = client_as(case.user)
    for name in ALL_PAGES:
        target = _target(case, name)
        method = client.post if name == "consent_renew" else client.get
        response = method(target)
        if name in case.allowed:
            expected = 302 if name == "consent_renew" else 200
            assert response.status_code == expected, f"{who} {name}: {response.status_code}"
            continue
        # Refused. A page of the person (or their consent) tells a former representative why; everything
        # else answers as if nothing were there.
        expected = case.refused_status if name not in GOAL_PAGES else 404
        assert response.status_code == expected, f"{who} {name}: {response.status_code}"
        body = html.unescape(response.content.decode())
        if expected == 403:
            assert str(NoLongerRepresented.message) in body, f"{who} {name}: the refusal does not say why"
        assert case.person.address not in body and "code 6" not in body.lower()
    # A refused user changed nothing: no renewed consent, no goal, no rating, no message.
    if "consent_renew" not in case.allowed:
        assert Consent.objects.filter(person=case.person).count() == 1


def test_a_parent_of_a_16_year_old_is_told_plainly_and_the_young_person_opens_their_own(world: World) -> None:
    young = UserFactory()
    found = family(world, age=16, person_user=young)
    parent = client_as(found.relative_user)
    response = parent.get(url("home", found.person.pk))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You can no longer act for this person" in page and "turns 16" in page
    assert "Gå 1 km uten hjelp" not in page and found.person.full_name not in page
    # Nothing of the young person is offered to the parent any more: only the parent's own page is left.
    index = parent.get(reverse("portal:index"), follow=True)
    assert index.redirect_chain == [(url("home", found.relative.pk), 302)]
    assert found.person.full_name not in index.content.decode()
    # The young person reads their own plan.
    own = client_as(young).get(url("plan", found.person.pk))
    assert own.status_code == 200 and "Gå 1 km uten hjelp" in own.content.decode()


def test_the_16th_birthday_hands_the_pages_over(world: World) -> None:
    """The day before the 16th birthday the parent acts and the young person has no page of their own; on the
    day, the other way round."""
    young = UserFactory()
    found = family(world, age=15, person_user=young)
    birthday = found.person.birth_date.replace(year=found.person.birth_date.year + 16)
    with mock.patch("django.utils.timezone.localdate", return_value=birthday - timedelta(days=1)):
        assert policy.portal_role(found.relative_user, found.person) == PlanRole.PARENT_OF_YOUTH
        assert policy.portal_role(young, found.person) is None
    with mock.patch("django.utils.timezone.localdate", return_value=birthday):
        assert policy.portal_role(found.relative_user, found.person) is None
        assert policy.portal_role(young, found.person) == PlanRole.PERSON


def test_a_parent_of_a_12_to_15_year_old_reads_but_does_not_write(world: World) -> None:
    found = family(world, age=14)
    private = services.add_goal(
        actor=None, plan=found.plan, data={"text": "Hemmelig mål", "private_to_parents": True}
    )
    Goal.objects.filter(pk=private.pk).update(status="active")
    parent = client_as(found.relative_user)
    for name in ("home", "plan"):
        page = parent.get(url(name, found.person.pk)).content.decode()
        assert "Gå 1 km uten hjelp" in page and "Hemmelig mål" not in page
        # No invitation to write: neither what matters, a goal, nor a rating.
        assert url("what_matters", found.person.pk) not in page
        assert url("goal_add", found.person.pk) not in page
        assert reverse("portal:goal_rate", kwargs={"pk": goal_of(found.plan).pk}) not in page
    # The print-out the portal links to leaves the private goal out too.
    printed = parent.get(reverse("plans:plan_print", kwargs={"pk": found.plan.pk}))
    assert printed.status_code == 200 and "Hemmelig mål" not in printed.content.decode()
    # Writing is refused, whatever is posted.
    version = found.plan.version
    assert (
        parent.post(
            url("what_matters", found.person.pk), {"what_matters": "X", "version": version}
        ).status_code
        == 404
    )
    assert parent.post(url("goal_add", found.person.pk), {"text": "Foreldrenes mål"}).status_code == 404
    rate = reverse("portal:goal_rate", kwargs={"pk": goal_of(found.plan).pk})
    assert parent.post(rate, {"attainment": "0"}).status_code == 404
    assert (
        parent.post(reverse("portal:goal_rate", kwargs={"pk": private.pk}), {"attainment": "0"}).status_code
        == 404
    )
    assert not Goal.objects.filter(text="Foreldrenes mål").exists() and not GoalRating.objects.exists()
    # They may write a message and consent for the young person.
    response = parent.post(url("messages", found.person.pk), {"text": "Hei, kan vi snakke om skolen?"})
    assert response.status_code == 302
    assert PlanMessage.objects.get(plan=found.plan).from_person_side


# Every page read is logged once, for the person, with the role that allowed it


READ_PAGES = [name for name in ALL_PAGES if name not in {"ask_for_help", "consent_renew"}]


@pytest.mark.parametrize("who", ["adult", "parent_of_7"])
def test_each_page_read_writes_one_access_record_for_the_person(world: World, who: str) -> None:
    case = CASES[who](world)
    client = client_as(case.user)
    for name in READ_PAGES:
        target = _target(case, name)
        before = set(AccessRecord.objects.values_list("pk", flat=True))
        assert client.get(target).status_code == 200, name
        new = list(AccessRecord.objects.exclude(pk__in=before))
        assert len(new) == 1, f"{name}: {len(new)} access records"
        assert new[0].person_id == case.person.pk and new[0].actor == case.user
        assert new[0].actor_role == f"plan:{case.role}"


def test_asking_for_help_is_not_a_read_of_health_data(world: World) -> None:
    """The page shows only the person's name and municipality, as the switcher does: nothing is logged."""
    case = _adult(world)
    before = AccessRecord.objects.count()
    assert client_as(case.user).get(url("ask_for_help", case.person.pk)).status_code == 200
    assert AccessRecord.objects.count() == before


# Switching between one's own page and those one acts for


def test_a_parent_with_a_plan_of_their_own_switches_between_theirs_and_their_childs(world: World) -> None:
    parent = world.patient
    own_plan = plan_of_person(world, parent)
    child = PersonFactory(given_name="Emil", family_name="Andersen", birth_date=born_years_ago(7))
    PersonRelationFactory(person=child, relative=parent)
    child_plan = plan_of_person(world, child)
    client = client_as(world.patient_user)

    index = client.get(reverse("portal:index"))
    assert index.status_code == 200
    page = index.content.decode()
    assert url("home", parent.pk) in page and url("home", child.pk) in page
    assert "My own page" in page and "Emil Andersen" in page

    own = client.get(url("home", parent.pk)).content.decode()
    assert "Hello, Per" in own and 'aria-label="Switch to another person"' in own
    assert url("home", child.pk) in own
    childs = client.get(url("home", child.pk)).content.decode()
    assert "You are acting for <strong>Emil Andersen</strong>" in childs
    assert url("home", parent.pk) in childs and "My own page" in childs
    # Each page is of its own plan.
    assert client.get(url("plan", child.pk)).context["plan"] == child_plan
    assert client.get(url("plan", parent.pk)).context["plan"] == own_plan


def test_the_index_goes_straight_to_the_one_page_there_is(world: World) -> None:
    plan_of_person(world, world.patient)
    response = client_as(world.patient_user).get(reverse("portal:index"))
    assert response.status_code == 302 and response.url == url("home", world.patient.pk)
    # A professional with no page of their own is told there is nothing for them here.
    page = client_as(world.coordinator).get(reverse("portal:index"))
    assert page.status_code == 200 and "There is nothing here for you yet" in page.content.decode()


# The services' refusals in the user's language (Nynorsk and English; Bokmål is the default)

SERVICE_MESSAGES = {
    "nn": {
        "level": "Vel eit nivå frå −2 til +2.",
        "inactive": "Framdrift kan berre vurderast på aktive mål.",
        "empty": "Skriv ei melding før du sender.",
        "withdrawn": "Dette samtykket er allereie trekt tilbake.",
    },
    "en": {
        "level": "Choose a level from −2 to +2.",
        "inactive": "Progress can be rated on active goals only.",
        "empty": "Write a message before sending it.",
        "withdrawn": "This consent has already been withdrawn.",
    },
}


@pytest.mark.parametrize("language", list(SERVICE_MESSAGES))
def test_service_messages_come_out_in_the_users_language(world: World, language: str) -> None:
    plan = plan_of_person(world, world.patient)
    consent = Consent.objects.get(person=world.patient)
    withdraw_own_consent(actor=world.patient_user, consent=consent)
    goal = goal_of(plan)
    proposed = services.propose_goal(actor=world.patient_user, plan=plan, data={"text": "Sykle"})
    expected = SERVICE_MESSAGES[language]
    with translation.override(language):
        refusals = {
            "level": lambda: services.rate_progress(actor=world.patient_user, goal=goal, attainment=3),
            "inactive": lambda: services.rate_progress(actor=world.patient_user, goal=proposed, attainment=0),
            "empty": lambda: services.send_message(actor=world.patient_user, plan=plan, text="  "),
            "withdrawn": lambda: withdraw_own_consent(actor=world.patient_user, consent=consent),
        }
        for key, refuse in refusals.items():
            with pytest.raises(ValidationError) as error:
                refuse()
            assert error.value.messages == [expected[key]], key


def test_without_a_plan_the_pages_say_so_and_offer_to_ask_for_one(world: World) -> None:
    client = client_as(world.patient_user)
    home = client.get(url("home", world.patient.pk))
    page = home.content.decode()
    assert home.status_code == 200 and "There is no individual plan yet." in page
    assert url("ask_for_help", world.patient.pk) in page
    for name in ("plan", "messages", "what_matters", "goal_add"):
        response = client.get(url(name, world.patient.pk), follow=True)
        assert response.redirect_chain == [(url("home", world.patient.pk), 302)], name
        assert "There is no individual plan yet. You can ask for one" in response.content.decode()


def test_who_takes_part_names_the_coordinator_once(world: World) -> None:
    plan = plan_for(world, active=True)
    name = world.coordinator.display_name
    client = client_as(world.patient_user)

    def times_named() -> int:
        page = client.get(url("plan", world.patient.pk)).content.decode()
        section = page[page.index('id="people-heading"') :]
        return html.unescape(section[: section.index("</section>")]).count(name)

    assert times_named() == 1  # the coordinator's own row among those who take part
    row = plan.participants.get(user=world.coordinator)
    services.end_participation(actor=None, participant=row, left_on=timezone.localdate())
    assert times_named() == 1  # still the coordinator, without a row of their own


@pytest.mark.parametrize("page", ["home", "plan"])
def test_the_portal_does_not_load_what_only_professionals_see(world: World, page: str) -> None:
    """The plan's log, linked plans, evaluations and versions are on the professionals' page, not the
    person's: the portal's pages leave them unloaded."""
    plan = plan_for(world, active=True)
    services.add_note(actor=world.coordinator, plan=plan, text="Ringte skolen")
    client = client_as(world.patient_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(page, world.patient.pk))
    assert response.status_code == 200
    assert "Ringte skolen" not in response.content.decode()
    tables = ["plans_plannote", "plans_subplan", "plans_evaluation", "plans_planversion"]
    # Who has agreed to the plan is shown to the person: with the versions' numbers, never their content.
    loaded = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith('SELECT "plans_planagreement"')
    ]
    assert [t for t in tables for sql in loaded if f'FROM "{t}"' in sql] == []


def test_who_has_seen_in_the_portal_puts_others_first_and_the_persons_own_reads_aside(world: World) -> None:
    plan = plan_for(world)
    client = client_as(world.patient_user)
    client.get(url("plan", world.patient.pk))
    client_as(world.team_member).get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    client.get(url("plan", world.patient.pk))
    page = client.get(url("access_log", world.patient.pk)).content.decode()
    table = page.split("<table", 1)[1]
    assert world.team_member.display_name in table and world.patient_user.display_name not in table
    assert 'href="?own=1"' in page
    everyone = (
        client.get(url("access_log", world.patient.pk), {"own": "1"}).content.decode().split("<table", 1)[1]
    )
    assert everyone.index(world.team_member.display_name) < everyone.index(world.patient_user.display_name)
    AccessRecord.objects.bulk_create(
        AccessRecord(
            actor=world.team_member,
            actor_name=world.team_member.display_name,
            person_id=world.patient.pk,
            object_type="plan",
            object_id=str(plan.pk),
            purpose=ReadPurpose.PLAN,
            channel=Channel.WEB,
        )
        for _ in range(50)
    )
    second = client.get(url("access_log", world.patient.pk), {"page": "2"}).content.decode()
    assert "Page 2 of 2" in second and second.split("<table", 1)[1].count(world.team_member.display_name) == 1
