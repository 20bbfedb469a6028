"""Factories for tests. Identity numbers are synthetic (month + 80), as in the demo."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import factory
from django.utils import timezone

from vegviser.access.models import Consent, ConsentEvidence, ConsentGiver
from vegviser.accounts.models import User
from vegviser.episodes.models import CarePlace, ContactType, Episode, LevelOfCare, Specialty
from vegviser.intake.models import (
    CoordinatorAssignment,
    CoordinatorKind,
    Decision,
    NeedReport,
    ReportChannel,
    ReportConsent,
    ReportStatus,
)
from vegviser.plans.models import IndividualPlan
from vegviser.referrals.models import (
    Assessment,
    AssessmentOutcome,
    CareType,
    CriterionGrade,
    Referral,
    ReferralAttachment,
    ReferralConsent,
    ReferralStatus,
    RightStatus,
)
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import (
    CollaborationAgreement,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    PersonRelation,
    RelationKind,
)

PASSWORD = "correct horse battery"

# The names tests/conftest.py gives the world's persons. Nobody else gets them by chance, so a test can say
# that a person's name is not on a page that also shows other people's made-up names (the user's, say).
WORLD_NAMES = frozenset({"Per", "Andersen", "Tove", "Tromsø"})


def made_up(drawn: str, instead: str) -> factory.LazyAttribute:
    """The name drawn into the hidden parameter `drawn`, or `instead` when it is one of the world's."""
    return factory.LazyAttribute(lambda o: instead if getattr(o, drawn) in WORLD_NAMES else getattr(o, drawn))


def days_ago(days: int, hour: int = 12) -> datetime:
    """A moment `days` calendar days ago in local time, at `hour` o'clock. Not `now - timedelta(days=…)`:
    in the evening, across a change to or from summer time, that lands on another local date."""
    local = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime(local.year, local.month, local.day, hour))


def born_years_ago(years: int, *, days: int = 10) -> date:
    """A birth date that makes the person `years` old today: their birthday was `days` days ago."""
    today = timezone.localdate()
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year without one
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=days)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        drawn_first = factory.Faker("first_name", locale="no_NO")
        drawn_last = factory.Faker("last_name", locale="no_NO")

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = made_up("drawn_first", "Ingrid")
    last_name = made_up("drawn_last", "Haugland")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisasjon {n}")
    kind = OrganisationKind.PHYSIOTHERAPY
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(number="1804"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "team_member"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        drawn_given = factory.Faker("first_name", locale="no_NO")
        drawn_family = factory.Faker("last_name", locale="no_NO")

    given_name = made_up("drawn_given", "Ingrid")
    family_name = made_up("drawn_family", "Haugland")
    # A new birth date for each person, so the synthetic numbers never run out.
    birth_date = factory.Sequence(lambda n: date(1950, 1, 1) + timedelta(days=n % 20000))
    national_id = factory.LazyAttributeSequence(lambda o, n: synthetic_national_id(o.birth_date, n // 20000))
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(number="1804"))
    address = "Storgata 1"
    postal_code = "8006"
    postal_town = "Bodø"


class PersonRelationFactory(factory.django.DjangoModelFactory):
    """A parent since the person's birth, unless the test names another kind of relation."""

    class Meta:
        model = PersonRelation

    person = factory.SubFactory(PersonFactory)
    relative = factory.SubFactory(PersonFactory)
    kind = RelationKind.PARENT
    valid_from = factory.LazyAttribute(
        lambda o: o.person.birth_date if o.kind == RelationKind.PARENT else date(2020, 1, 1)
    )


class ConsentFactory(factory.django.DjangoModelFactory):
    """The person's own consent to a plan and a coordinator, given orally this year and in force; shared
    with the organisations passed as `shared_with`. `signed_on_paper=True` gives one with a signed PDF."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    class Params:
        signed_on_paper = factory.Trait(
            evidence=ConsentEvidence.PAPER,
            journal_reference="",
            evidence_file=factory.django.FileField(filename="signed.pdf", data=b"%PDF-1.4"),
        )

    person = factory.SubFactory(PersonFactory)
    given_by = ConsentGiver.PERSON
    valid_from = date(2026, 1, 1)
    evidence = ConsentEvidence.ORAL
    journal_reference = "J-1"

    @factory.post_generation
    def shared_with(obj: Consent, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            obj.shared_with.set(extracted)


class CoordinatorAssignmentFactory(factory.django.DjangoModelFactory):
    """An active coordinator since the start of the year; unless the test names one, a coordinator of the
    organisation made for it."""

    class Meta:
        model = CoordinatorAssignment

    person = factory.SubFactory(PersonFactory)
    kind = CoordinatorKind.COORDINATOR
    organisation = factory.SubFactory(OrganisationFactory)
    coordinator = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation, role=MembershipRole.COORDINATOR).user
    )
    started_on = date(2026, 1, 1)


class NeedReportFactory(factory.django.DjangoModelFactory):
    """A written report, with consent, that the person needs an individual plan, sent to the person's
    municipality; `decided=True` gives one the unit has granted."""

    class Meta:
        model = NeedReport

    class Params:
        decided = factory.Trait(
            status=ReportStatus.DECIDED,
            decision=Decision.GRANTED,
            plan_granted=True,
            decided_at=factory.LazyFunction(timezone.now),
        )

    person = factory.SubFactory(PersonFactory)
    municipality = factory.LazyAttribute(lambda o: o.person.municipality)
    needs_plan = True
    description = "Trenger individuell plan"
    channel = ReportChannel.WRITTEN
    consent_to_report = ReportConsent.YES
    reported_by = factory.SubFactory(UserFactory)
    reporter_name = factory.LazyAttribute(lambda o: o.reported_by.display_name if o.reported_by else "")


class IndividualPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan led by the person's municipality, written directly: for tests that only read plans. A
    plan to work in comes through the services (tests/plans/helpers.py `plan_for`)."""

    class Meta:
        model = IndividualPlan

    person = factory.SubFactory(PersonFactory)
    municipality = factory.LazyAttribute(lambda o: o.person.municipality)


def habilitation_unit() -> Organisation:
    """The adult habilitation unit of the health trust: one per test database, so a clerk made for it and a
    referral made for it meet."""
    unit, _created = Organisation.objects.get_or_create(
        name="Habiliteringstjenesten for voksne, Nordlandssykehuset",
        defaults={"kind": OrganisationKind.HABILITATION_UNIT},
    )
    return unit


class ReferralFactory(factory.django.DjangoModelFactory):
    """A GP's referral to the habilitation unit, received today; its deadline follows from that."""

    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    named_as = factory.LazyAttribute(lambda o: o.person.full_name)
    receiving_unit = factory.LazyFunction(habilitation_unit)
    referrer_name = "Kari Lege"
    referrer_organisation = "Sentrum legekontor"
    received_on = factory.LazyFunction(timezone.localdate)
    seniority_date = factory.LazyAttribute(lambda o: o.received_on)
    reason = "Spørsmål om habilitering"
    diagnosis_codes = factory.LazyFunction(lambda: ["F84.0"])
    consent = ReferralConsent.YES
    registered_by_name = "Kontormedarbeider"


class ReferralAttachmentFactory(factory.django.DjangoModelFactory):
    """An epicrisis sent with the referral, as a PDF."""

    class Meta:
        model = ReferralAttachment

    referral = factory.SubFactory(ReferralFactory)
    title = "Epikrise fra barneavdelingen"
    file = factory.django.FileField(filename="epikrise.pdf", data=b"%PDF-1.4 epikrise")
    content_type = "application/pdf"
    size = 17
    uploader_name = "Kontormedarbeider"


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A right to necessary specialist health care with a deadline twelve weeks after the referral was
    received (the priority guide's for suspected autism in children), written directly: the assessment
    itself is made through its service."""

    class Meta:
        model = Assessment

    referral = factory.SubFactory(ReferralFactory, status=ReferralStatus.ASSESSED)
    right = RightStatus.RIGHT
    benefit = CriterionGrade.MET
    cost_effectiveness = CriterionGrade.MET
    severity = CriterionGrade.MET
    care_deadline = factory.LazyAttribute(lambda o: o.referral.received_on + timedelta(weeks=12))
    care_type = CareType.ASSESSMENT
    outcome = AssessmentOutcome.RIGHT_WAITING
    assessor_name = "Lege i habiliteringstjenesten"


def rehabilitation_unit() -> Organisation:
    """The rehabilitation unit of the health trust: one per test database, like the habilitation unit."""
    unit, _created = Organisation.objects.get_or_create(
        name="Rehabiliteringsavdelingen, Nordlandssykehuset",
        defaults={"kind": OrganisationKind.REHABILITATION_UNIT},
    )
    return unit


class EpisodeFactory(factory.django.DjangoModelFactory):
    """An outpatient assessment at the adult habilitation unit, begun ten days ago and still open."""

    class Meta:
        model = Episode

    person = factory.SubFactory(PersonFactory)
    unit = factory.LazyFunction(habilitation_unit)
    level_of_care = LevelOfCare.OUTPATIENT
    contact_type = ContactType.ASSESSMENT
    place = CarePlace.HOSPITAL
    specialty = Specialty.HABILITATION_ADULTS
    professions = factory.LazyFunction(lambda: ["physician", "psychologist"])
    admitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    main_diagnosis = "F84.0"
    procedure_codes = factory.LazyFunction(lambda: ["WMAA00"])
    starter_name = "Avdelingssykepleier"

    class Params:
        discharged = factory.Trait(
            discharged_at=factory.LazyAttribute(lambda o: o.admitted_at + timedelta(hours=3)),
            course="Tverrfaglig utredning gjennomført.",
            recommendations="Oppfølging hos fastlegen.",
            summary_sent_to="Kari Lege, Sentrum legekontor",
            summary_sent_on=factory.LazyFunction(timezone.localdate),
            discharger_name="Avdelingssykepleier",
        )


class CollaborationAgreementFactory(factory.django.DjangoModelFactory):
    """An agreement in force between Bodø and a new health trust, on both habilitation and rehabilitation."""

    class Meta:
        model = CollaborationAgreement

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(number="1804"))
    health_trust = factory.SubFactory(
        OrganisationFactory, name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST
    )
    title = "Delavtale om habilitering og rehabilitering"
    covers_habilitation = True
    covers_rehabilitation = True
    valid_from = date(2026, 1, 1)
    document = factory.django.FileField(filename="avtale.pdf", data=b"%PDF-1.4 avtale")
