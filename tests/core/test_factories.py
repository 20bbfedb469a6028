"""The factories (tests/factories.py) make rows the models accept as they stand, so a test that builds one
changes only what it is about."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import models

from ..factories import (
    ConsentFactory,
    CoordinatorAssignmentFactory,
    IndividualPlanFactory,
    MembershipFactory,
    NeedReportFactory,
    OrganisationFactory,
    PersonFactory,
    PersonRelationFactory,
    UserFactory,
)

ROWS: dict[str, Callable[[], models.Model]] = {
    "user": UserFactory,
    "organisation": OrganisationFactory,
    "membership": MembershipFactory,
    "person": PersonFactory,
    "parent": PersonRelationFactory,
    "guardian": lambda: PersonRelationFactory(kind="guardian"),
    "consent": ConsentFactory,
    "consent on paper": lambda: ConsentFactory(signed_on_paper=True),
    "coordinator": CoordinatorAssignmentFactory,
    "report": NeedReportFactory,
    "decided report": lambda: NeedReportFactory(decided=True),
    "plan": IndividualPlanFactory,
}


@pytest.mark.parametrize("row", ROWS)
def test_a_factory_makes_a_row_its_model_accepts(db: None, row: str) -> None:
    ROWS[row]().full_clean()
