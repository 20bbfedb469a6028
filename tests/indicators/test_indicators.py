"""Every indicator on a small hand-built world, its figures worked out by hand; and suppression on real
tables.

The world lives in Bodø (1804, 53 712 inhabitants on 1 January 2024) and Tromsø (5501, 78 745), both in Helse
Nord (487 744 inhabitants); Norway had 5 550 203 (Statistics Norway table 07459, as in the shipped
municipality data). The period is the first quarter of 2026, counted on 31 March 2026.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from vegviser.indicators.catalogue import CATALOGUE, Kind, indicator
from vegviser.indicators.dimensions import NATION, Area, Geography, Period, PeriodKind, periods_between
from vegviser.indicators.suppression import SUPPRESSED
from vegviser.indicators.tables import _Cube, indicator_table
from vegviser.intake.models import CoordinatorKind, ReportStatus
from vegviser.plans.models import Evaluation, Goal, GoalStatus, IndividualPlan, PlanStatus, PlanVersion
from vegviser.registry.models import Municipality

from ..factories import (
    CoordinatorAssignmentFactory,
    IndividualPlanFactory,
    NeedReportFactory,
    PersonFactory,
    UserFactory,
)
from .test_suppression import recovered_by_any_combination, recovered_by_subtraction

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)
Q1 = Period.containing(PeriodKind.QUARTER, AS_OF)
BODO = ("municipality", "1804")
TROMSO = ("municipality", "5501")
BODO_PEOPLE, TROMSO_PEOPLE, NORD_PEOPLE, NORWAY_PEOPLE = 53712, 78745, 487744, 5550203


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def aged(years: int) -> date:
    """Born on 1 January: `years` old on 31 March 2026."""
    return date(2026 - years, 1, 1)


@pytest.fixture
def bodo() -> Municipality:
    return Municipality.objects.get(number="1804")


@pytest.fixture
def tromso() -> Municipality:
    return Municipality.objects.get(number="5501")


@pytest.fixture
def geography() -> Geography:
    return Geography.load()


def helse_nord(geography: Geography) -> Area:
    return next(area for area in geography.regions.values() if area.name == "Helse Nord")


def table(code: str, geography: Geography, *, minimum: int = 1, period: Period = Q1, as_of: date = AS_OF):
    # A minimum of 1 hides nothing: the figures themselves are checked first, suppression after.
    return indicator_table(indicator(code), period, as_of=as_of, minimum=minimum, geography=geography)


def plan(municipality: Municipality, *, age: int | None = 40, **fields: object) -> IndividualPlan:
    # No identity number: the persons of a test share birth dates, and the numbers would collide.
    person = PersonFactory(
        municipality=municipality, birth_date=aged(age) if age is not None else None, national_id=""
    )
    return IndividualPlanFactory(person=person, municipality=municipality, **fields)


def evaluate(
    target: IndividualPlan, evaluated_on: date, next_revision: date, t_score: float | None = None
) -> None:
    number = PlanVersion.objects.filter(plan=target).count() + 1
    version = PlanVersion.objects.create(plan=target, number=number, reason="evaluation", snapshot={})
    Evaluation.objects.create(
        plan=target,
        evaluated_on=evaluated_on,
        next_revision=next_revision,
        plan_version=version,
        t_score=t_score,
    )


def test_the_catalogue_names_and_defines_each_indicator() -> None:
    codes = [entry.code for entry in CATALOGUE]
    assert codes == [
        "IP-PER-1000",
        "COORDINATOR-PER-1000",
        "DAYS-TO-DECISION",
        "DAYS-TO-COORDINATOR",
        "DECIDED-WITHIN-30-DAYS",
        "REVISED-ON-TIME",
        "GOAL-BY-PERSON",
        "IDLE-90-DAYS",
        "GAS-T-SCORE",
        "GAS-T-SCORE-50",
    ]
    for entry in CATALOGUE:
        for text in (entry.title, entry.definition, entry.numerator, entry.denominator, entry.period):
            assert str(text).strip()
        assert entry.sources
    with pytest.raises(KeyError):
        indicator("EQ5D-CHANGE")  # no instrument data yet: not in the catalogue


def test_periods() -> None:
    assert (Q1.start, Q1.end, str(Q1)) == (date(2026, 1, 1), date(2026, 3, 31), "2026-Q1")
    february = Period.containing("month", date(2028, 2, 10))
    assert (february.end, str(february)) == (date(2028, 2, 29), "2028-02")
    year = Period.containing(PeriodKind.YEAR, date(2025, 7, 1))
    assert (year.start, year.end, str(year.following())) == (date(2025, 1, 1), date(2025, 12, 31), "2026")
    months = [str(period) for period in periods_between("month", date(2025, 11, 15), date(2026, 2, 1))]
    assert months == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_persons_with_a_plan_per_1000(bodo: Municipality, tromso: Municipality, geography: Geography) -> None:
    plan(bodo, age=10, status=PlanStatus.ACTIVE, activated_at=at(date(2026, 1, 10)))
    # Paused: still counted, the model keeps no dates for pauses.
    plan(bodo, age=40, status=PlanStatus.PAUSED, activated_at=at(date(2025, 6, 1)))
    # Closed before the end of the quarter; a draft never made active; one made active after the quarter.
    plan(
        bodo,
        age=70,
        status=PlanStatus.CLOSED,
        activated_at=at(date(2025, 1, 1)),
        closed_at=at(date(2026, 3, 15)),
        closed_reason="Flyttet",
    )
    plan(bodo, age=30)
    plan(bodo, age=30, status=PlanStatus.ACTIVE, activated_at=at(date(2026, 4, 1), 0, 5))
    plan(tromso, age=50, status=PlanStatus.ACTIVE, activated_at=at(date(2026, 2, 1)))
    # No birth date: in the totals, in a group of its own.
    plan(tromso, age=None, status=PlanStatus.ACTIVE, activated_at=at(date(2026, 3, 31), 23, 59))

    result = table("IP-PER-1000", geography)
    assert result.row(BODO).figures == {"count": 2, "population": BODO_PEOPLE, "per_1000": 2000 / BODO_PEOPLE}
    assert result.row(BODO, "0-17").figures == {"count": 1}
    assert result.row(BODO, "18-66").figures["count"] == 1
    assert result.row(BODO, "67+").figures["count"] == 0
    assert result.row(TROMSO, "unknown").figures["count"] == 1
    assert result.row(TROMSO).figures["per_1000"] == 2000 / TROMSO_PEOPLE
    assert result.row(helse_nord(geography)).figures["per_1000"] == 4000 / NORD_PEOPLE
    assert result.row(NATION).figures == {
        "count": 4,
        "population": NORWAY_PEOPLE,
        "per_1000": 4000 / NORWAY_PEOPLE,
    }
    nordland = next(area for area in geography.trusts.values() if area.name == "Nordlandssykehuset HF")
    assert result.row(nordland).figures["count"] == 2
    assert result.row(nordland).figures["population"] == 140226
    assert not any(row.suppressed for row in result.rows)


def test_persons_with_a_coordinator_per_1000(
    bodo: Municipality, tromso: Municipality, geography: Geography
) -> None:
    first = PersonFactory(municipality=bodo, birth_date=aged(8), national_id="")
    CoordinatorAssignmentFactory(person=first, started_on=date(2026, 1, 5))
    # A child coordinator as well: the person counts once.
    CoordinatorAssignmentFactory(
        person=first, kind=CoordinatorKind.CHILD_COORDINATOR, started_on=date(2026, 2, 1)
    )
    # Ended before the quarter's last day.
    CoordinatorAssignmentFactory(
        person__municipality=bodo, started_on=date(2025, 1, 1), ended_on=date(2026, 2, 28), active=False
    )
    # Ended on the last day: still the coordinator that day.
    CoordinatorAssignmentFactory(
        person__municipality=bodo, started_on=date(2025, 12, 1), ended_on=date(2026, 3, 31), active=False
    )
    CoordinatorAssignmentFactory(person__municipality=tromso, started_on=date(2026, 3, 31))
    CoordinatorAssignmentFactory(person__municipality=tromso, started_on=date(2026, 4, 1))

    result = table("COORDINATOR-PER-1000", geography)
    assert result.row(BODO).figures["count"] == 2
    assert result.row(BODO).figures["per_1000"] == 2000 / BODO_PEOPLE
    assert result.row(BODO, "0-17").figures["count"] == 1
    assert result.row(TROMSO).figures["count"] == 1
    assert result.row(NATION).figures["per_1000"] == 3000 / NORWAY_PEOPLE


def report(municipality: Municipality, received: datetime, decided: datetime | None = None, **fields: object):
    person = PersonFactory(municipality=municipality)
    if decided is None:
        return NeedReportFactory(person=person, received_at=received, **fields)
    return NeedReportFactory(person=person, received_at=received, decided=True, decided_at=decided, **fields)


@pytest.fixture
def reports(bodo: Municipality, tromso: Municipality) -> dict[str, object]:
    return {
        "R1": report(bodo, at(date(2026, 1, 2), 10), at(date(2026, 1, 12), 9)),  # 10 days
        "R2": report(bodo, at(date(2025, 12, 20)), at(date(2026, 1, 19))),  # 30 days; received last year
        "R3": report(bodo, at(date(2026, 2, 1)), at(date(2026, 3, 18))),  # 45 days
        "R4": report(bodo, at(date(2026, 3, 1)), at(date(2026, 3, 6))),  # 5 days
        # An hour apart, but on two days in Norway: 1 day.
        "R6": report(bodo, at(date(2026, 3, 30), 23, 30), at(date(2026, 3, 31), 0, 30)),
        # Undecided, and its 30 days ran out on 22 March.
        "R5": report(bodo, at(date(2026, 2, 20))),
        # Undecided, still inside its 30 days: no outcome yet.
        "R8": report(bodo, at(date(2026, 3, 15)), status=ReportStatus.ASSESSING),
        # Decided after the quarter.
        "R10": report(bodo, at(date(2026, 3, 20)), at(date(2026, 4, 2))),
        "R7": report(tromso, at(date(2026, 1, 5)), at(date(2026, 1, 25))),  # 20 days
        "R9": report(tromso, at(date(2026, 1, 10)), at(date(2026, 2, 9))),  # 30 days: within
    }


def test_days_from_report_to_decision(reports: dict, geography: Geography) -> None:
    result = table("DAYS-TO-DECISION", geography)
    # Bodø: 1, 5, 10, 30, 45 → median 10; 90th percentile at rank 0.9 × 4 = 3.6: 30 + 0.6 × (45 − 30) = 39.
    assert result.row(BODO).figures == {"n": 5, "median": 10, "p90": pytest.approx(39.0)}
    # Tromsø: 20, 30 → median 25; 20 + 0.9 × 10 = 29.
    assert result.row(TROMSO).figures == {"n": 2, "median": 25, "p90": pytest.approx(29.0)}
    # Norway: 1, 5, 10, 20, 30, 30, 45 → median 20; rank 0.9 × 6 = 5.4: 30 + 0.4 × 15 = 36.
    assert result.row(NATION).figures == {"n": 7, "median": 20, "p90": pytest.approx(36.0)}


def test_share_decided_within_30_days(reports: dict, geography: Geography) -> None:
    result = table("DECIDED-WITHIN-30-DAYS", geography)
    # Bodø: received in the quarter R1 ✓, R3 ✗, R4 ✓, R6 ✓, R5 ✗ (undecided past 30 days), R10 ✗ (13 days
    # undecided on 31 March, but decided since: decided after 13 days ✓); R8 has no outcome yet.
    assert result.row(BODO).figures == {"numerator": 4, "denominator": 6, "percent": pytest.approx(400 / 6)}
    assert result.row(TROMSO).figures == {"numerator": 2, "denominator": 2, "percent": 100}
    assert result.row(NATION).figures["percent"] == pytest.approx(600 / 8)


def test_days_from_report_to_coordinator(reports: dict, geography: Geography) -> None:
    def appoint(name: str, started_on: date, kind: str = CoordinatorKind.COORDINATOR) -> None:
        need = reports[name]
        CoordinatorAssignmentFactory(person=need.person, need_report=need, started_on=started_on, kind=kind)

    appoint("R1", date(2026, 1, 20))  # 18 days
    appoint("R1", date(2026, 2, 1), CoordinatorKind.CHILD_COORDINATOR)  # not the first on R1
    appoint("R3", date(2026, 3, 3))  # 30 days
    appoint("R2", date(2026, 1, 4))  # 15 days
    appoint("R7", date(2026, 4, 2))  # after the quarter
    CoordinatorAssignmentFactory(started_on=date(2026, 2, 2))  # on no report

    result = table("DAYS-TO-COORDINATOR", geography)
    # 15, 18, 30 → median 18; rank 0.9 × 2 = 1.8: 18 + 0.8 × 12 = 27.6.
    assert result.row(BODO).figures == {"n": 3, "median": 18, "p90": pytest.approx(27.6)}
    assert result.row(TROMSO).figures == {"n": 0, "median": None, "p90": None}


def test_share_of_revision_dates_met(bodo: Municipality, tromso: Municipality, geography: Geography) -> None:
    active = {"status": PlanStatus.ACTIVE, "activated_at": at(date(2025, 1, 1))}
    met = plan(bodo, **active)
    evaluate(met, date(2025, 10, 1), date(2026, 1, 15))  # due in the quarter, met on 10 January
    evaluate(met, date(2026, 1, 10), date(2026, 7, 1))  # due after the quarter
    late = plan(bodo, **active)
    evaluate(late, date(2025, 11, 1), date(2026, 2, 1))  # due 1 February, evaluated 10 February: missed
    evaluate(late, date(2026, 2, 10), date(2026, 3, 10))  # due 10 March, not evaluated since: missed
    plan(bodo, next_revision=date(2026, 3, 1), **active)  # never evaluated: missed
    closed = plan(
        bodo,
        status=PlanStatus.CLOSED,
        activated_at=at(date(2025, 1, 1)),
        closed_at=at(date(2026, 1, 20)),
        closed_reason="Ikke lenger behov",
    )
    evaluate(closed, date(2025, 9, 1), date(2026, 2, 15))  # closed before it fell due: left out
    plan(bodo, next_revision=date(2026, 4, 15), **active)  # due after the quarter
    same_day = plan(tromso, **active)
    evaluate(same_day, date(2025, 12, 1), date(2026, 3, 31))
    evaluate(same_day, date(2026, 3, 31), date(2026, 9, 30))  # on the day itself: met

    result = table("REVISED-ON-TIME", geography)
    assert result.row(BODO).figures == {"numerator": 1, "denominator": 4, "percent": 25}
    assert result.row(TROMSO).figures == {"numerator": 1, "denominator": 1, "percent": 100}
    assert result.row(NATION).figures == {"numerator": 2, "denominator": 5, "percent": 40}


def test_share_of_plans_with_a_goal_written_by_the_person(
    bodo: Municipality, tromso: Municipality, geography: Geography
) -> None:
    active = {"status": PlanStatus.ACTIVE, "activated_at": at(date(2025, 6, 1))}

    def with_goal(municipality: Municipality, *, by_person: bool, **goal: object) -> IndividualPlan:
        target = plan(municipality, **active if "draft" not in goal else {})
        goal.pop("draft", None)
        target.person.user = UserFactory()
        target.person.save()
        writer = target.person.user if by_person else UserFactory()
        created_at = goal.pop("created_at", at(date(2026, 2, 1)))
        written = Goal.objects.create(plan=target, text="Gå til butikken selv", written_by=writer, **goal)
        Goal.objects.filter(pk=written.pk).update(created_at=created_at)
        return target

    with_goal(bodo, by_person=True)
    with_goal(bodo, by_person=False)  # the coordinator wrote it
    with_goal(bodo, by_person=True, status=GoalStatus.CANCELLED)
    with_goal(tromso, by_person=True, created_at=at(date(2026, 4, 10)))  # written after the quarter
    with_goal(tromso, by_person=True, draft=True)  # a draft is not in force

    result = table("GOAL-BY-PERSON", geography)
    assert result.row(BODO).figures == {"numerator": 1, "denominator": 3, "percent": pytest.approx(100 / 3)}
    assert result.row(TROMSO).figures == {"numerator": 0, "denominator": 1, "percent": 0}
    assert result.row(NATION).figures["percent"] == 25


def test_share_of_plans_without_activity_for_90_days(
    bodo: Municipality, tromso: Municipality, geography: Geography
) -> None:
    def open_plan(municipality: Municipality, last: datetime, **fields: object) -> None:
        target = plan(municipality, **fields)
        IndividualPlan.objects.filter(pk=target.pk).update(last_activity_at=last)

    open_plan(bodo, at(date(2025, 12, 30)), status=PlanStatus.ACTIVE)  # 91 days: idle
    open_plan(bodo, at(date(2025, 12, 31), 23), status=PlanStatus.DRAFT)  # 90 days: not yet
    open_plan(bodo, at(date(2025, 6, 1)), status=PlanStatus.PAUSED)  # idle
    open_plan(bodo, at(date(2025, 1, 1)), status=PlanStatus.CLOSED, closed_reason="Ferdig")  # not open
    open_plan(tromso, at(date(2026, 3, 1)), status=PlanStatus.ACTIVE)

    result = table("IDLE-90-DAYS", geography)
    assert result.row(BODO).figures == {"numerator": 2, "denominator": 3, "percent": pytest.approx(200 / 3)}
    assert result.row(TROMSO).figures == {"numerator": 0, "denominator": 1, "percent": 0}
    assert result.row(NATION).figures["percent"] == 50
    # Only today can be counted: a past quarter has nothing.
    past = table("IDLE-90-DAYS", geography, period=Period.containing("quarter", date(2025, 12, 1)))
    assert past.row(NATION).figures == {"numerator": 0, "denominator": 0, "percent": None}


def test_goal_attainment_t_scores(bodo: Municipality, tromso: Municipality, geography: Geography) -> None:
    active = {"status": PlanStatus.ACTIVE, "activated_at": at(date(2025, 6, 1))}
    for score in (35.0, 50.0, 50.0, 62.5, 71.0, None):
        evaluate(plan(bodo, **active), date(2026, 2, 1), date(2026, 8, 1), score)
    evaluate(plan(bodo, **active), date(2025, 12, 31), date(2026, 6, 1), 55.0)  # the quarter before
    evaluate(plan(tromso, **active), date(2026, 3, 31), date(2026, 9, 1), 49.9)

    distribution = table("GAS-T-SCORE", geography)
    counts = {
        label: distribution.row(BODO, category=label).figures["count"]
        for label in ("<30", "30-39", "40-49", "50-59", "60-69", ">=70", "all")
    }
    assert counts == {"<30": 0, "30-39": 1, "40-49": 0, "50-59": 2, "60-69": 1, ">=70": 1, "all": 5}
    assert distribution.row(TROMSO, category="40-49").figures["count"] == 1
    assert distribution.row(NATION, category="all").figures["count"] == 6

    share = table("GAS-T-SCORE-50", geography)
    assert share.row(BODO).figures == {"numerator": 4, "denominator": 5, "percent": 80}
    assert share.row(TROMSO).figures == {"numerator": 0, "denominator": 1, "percent": 0}
    assert share.row(NATION).figures["percent"] == pytest.approx(400 / 6)


def test_small_counts_are_suppressed_in_every_total(
    bodo: Municipality, tromso: Municipality, geography: Geography
) -> None:
    active = {"status": PlanStatus.ACTIVE, "activated_at": at(date(2025, 6, 1))}
    for age in (5, 12, 20, 30, 40, 50, 60, 66, 67, 70, 80, 90):
        plan(bodo, age=age, **active)
    for _ in range(7):
        plan(tromso, age=35, **active)

    result = table("IP-PER-1000", geography, minimum=5)
    # Bodø: 2 children, 6 adults, 4 aged 67 or over. The 2 and the 4 are too small; together they are 6, so
    # each could be anything from 1 to 5: no third cell is needed. The same 2 and 4 are the children and the
    # elderly of Nordlandssykehuset, of Helse Nord and of Norway (nobody else has a plan), hidden there too.
    nord = helse_nord(geography)
    nordland = next(area for area in geography.trusts.values() if area.name == "Nordlandssykehuset HF")
    hidden = {(row.area.key, row.age_group) for row in result.rows if row.suppressed}
    assert hidden == {
        (area, age) for area in (BODO, nordland.key, nord.key, NATION.key) for age in ("0-17", "67+")
    }
    assert result.row(BODO, "0-17").figures == {"count": SUPPRESSED}
    assert result.row(NATION, "67+").figures["count"] is SUPPRESSED
    # The totals and the adults are published, the population with them.
    assert result.row(BODO).figures == {
        "count": 12,
        "population": BODO_PEOPLE,
        "per_1000": 12000 / BODO_PEOPLE,
    }
    assert result.row(BODO, "18-66").figures == {"count": 6}
    assert result.row(TROMSO, "18-66").figures == {"count": 7}
    assert result.row(TROMSO, "0-17").figures == {"count": 0}  # a 0 is published


def test_a_small_share_is_suppressed_with_its_complement(bodo: Municipality, geography: Geography) -> None:
    active = {"status": PlanStatus.ACTIVE, "activated_at": at(date(2025, 6, 1))}
    # Eight plans in Bodø, all of adults, revised late but one: 1 of 8 met.
    for index in range(8):
        target = plan(bodo, age=30, **active)
        evaluate(target, date(2025, 12, 1), date(2026, 2, 1))
        if index == 0:
            evaluate(target, date(2026, 1, 20), date(2026, 7, 1))
    result = table("REVISED-ON-TIME", geography, minimum=5)
    row = result.row(BODO)
    assert row.suppressed
    assert row.figures == {"numerator": SUPPRESSED, "denominator": SUPPRESSED, "percent": SUPPRESSED}
    # Its age group (the same 1 of 8) and every area above it are hidden with it; the empty age groups are
    # published as they are.
    assert result.row(BODO, "18-66").suppressed
    assert result.row(NATION).suppressed
    assert result.row(BODO, "67+").figures == {"numerator": 0, "denominator": 0, "percent": None}


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.code)
def test_every_indicator_answers_on_an_empty_world(entry: object, geography: Geography) -> None:
    result = indicator_table(entry, Q1, as_of=AS_OF, geography=geography)
    assert not any(row.suppressed for row in result.rows)
    assert len({row.area.key for row in result.rows}) == len(geography.areas())
    figures = result.row(NATION).figures
    assert figures.get("count", figures.get("numerator", figures.get("n"))) == 0
    if entry.kind == Kind.DISTRIBUTION:
        assert result.row(NATION, category="all").figures == {"count": 0}


def test_no_hidden_figure_of_a_published_table_can_be_worked_out(geography: Geography) -> None:
    # Plans spread over five municipalities of two regions, in every age group, many of them small counts.
    active = {"status": PlanStatus.ACTIVE, "activated_at": at(date(2025, 6, 1))}
    spread = {"1804": (1, 6, 2), "5501": (3, 9, 0), "1820": (0, 2, 1), "0301": (4, 12, 7), "3201": (0, 0, 3)}
    for number, counts in spread.items():
        municipality = Municipality.objects.get(number=number)
        for age, count in zip((10, 40, 80), counts, strict=True):
            for _ in range(count):
                plan(municipality, age=age, **active)
    result = table("IP-PER-1000", geography, minimum=5)
    published = {
        (*row.area.key, row.age_group, row.category): row.figures["count"]
        for row in result.rows
        if not row.suppressed
    }
    hidden = frozenset((*row.area.key, row.age_group, row.category) for row in result.rows if row.suppressed)
    assert hidden  # the 1s, 2s, 3s and 4s
    relations = _Cube(geography, ["0-17", "18-66", "67+"], []).relations()
    assert recovered_by_subtraction(published, relations, hidden) == {}
    assert recovered_by_any_combination(relations, hidden) == set()
    # Every count from 1 to 4 is among the hidden ones.
    for number, counts in spread.items():
        for age, count in zip(("0-17", "18-66", "67+"), counts, strict=True):
            if 0 < count < 5:
                assert ("municipality", number, age, "") in hidden
