"""`in_model_order` (core/ordering.py) sorts rows in Python exactly as the database sorts them by the model's
`Meta.ordering`: the pages that use it show the same order as every other list of the same rows."""

from __future__ import annotations

from datetime import date

from vegviser.access.models import Consent
from vegviser.access.services import consent_in_force
from vegviser.core.ordering import in_model_order
from vegviser.intake.models import CoordinatorAssignment

from ..conftest import World


def test_consents_come_newest_first_and_the_later_recorded_first_on_the_same_day(world: World) -> None:
    """Two terms, both descending: by `valid_from`, then by when each was recorded."""
    for valid_from in [date(2026, 3, 1), date(2026, 5, 1), date(2026, 3, 1), date(2026, 1, 1)]:
        Consent.objects.create(
            person=world.patient,
            given_by="person",
            valid_from=valid_from,
            evidence="oral",
            journal_reference="J",
        )
    by_the_database = list(Consent.objects.filter(person=world.patient))
    in_python = in_model_order(Consent.objects.filter(person=world.patient))
    assert [c.pk for c in in_python] == [c.pk for c in by_the_database]
    assert [c.valid_from.month for c in in_python] == [5, 3, 3, 1]
    assert in_python[1].created_at > in_python[2].created_at
    # The consent in force is the newest: the one from May.
    assert consent_in_force(world.patient, covering="plan") == in_python[0]


def test_coordinators_come_latest_appointed_first(world: World) -> None:
    for kind, started_on in [("coordinator", date(2026, 2, 1)), ("child_coordinator", date(2026, 6, 1))]:
        CoordinatorAssignment.objects.create(
            person=world.patient,
            kind=kind,
            coordinator=world.coordinator,
            organisation=world.physio,
            started_on=started_on,
        )
    by_the_database = list(CoordinatorAssignment.objects.filter(person=world.patient))
    in_python = in_model_order(CoordinatorAssignment.objects.filter(person=world.patient))
    assert (
        [a.kind for a in in_python]
        == [a.kind for a in by_the_database]
        == ["child_coordinator", "coordinator"]
    )
