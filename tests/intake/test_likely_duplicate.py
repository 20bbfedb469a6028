"""A report for the same person and the same need received lately is most likely the same report sent again:
the reporter is warned before a second is stored, and confirms to store it. Another reporter's report is not
the reporter's to know of: that one is stored, and the coordinating unit's queue marks both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vegviser.audit.models import AccessRecord, ReadPurpose
from vegviser.intake.models import LIKELY_DUPLICATE_WITHIN, NeedReport

from ..conftest import World, client_as, english
from ..factories import NeedReportFactory
from .test_reports import report_form

URL = reverse("intake:report_create")


def _earlier(world: World, *, by: Any, days_ago: int = 3, **needs: bool) -> NeedReport:
    report = NeedReportFactory(
        person=world.patient,
        reported_by=by,
        description="Hemmelig beskrivelse fra en annen melder",
        **({"needs_plan": True} | needs),
    )
    report.received_at = timezone.now() - timedelta(days=days_ago)
    report.save(update_fields=["received_at"])
    return report


def test_the_reporters_own_recent_report_is_named_and_nothing_is_stored(world: World) -> None:
    earlier = _earlier(world, by=world.coordinator)
    response = english(world, "coordinator").post(URL, report_form(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This may have been reported already" in page
    assert "You sent a report for this person about the same need on" in page
    assert reverse("intake:my_reports") in page
    # Nothing typed is lost.
    assert "Needs help with daily life after a stroke" in page
    assert NeedReport.objects.count() == 1
    assert AccessRecord.objects.filter(
        actor=world.coordinator,
        person_id=world.patient.pk,
        object_id=str(earlier.pk),
        purpose=ReadPurpose.NEED_REPORT,
    ).exists()


def test_another_reporters_report_is_not_told_of_and_the_unit_sees_both(world: World) -> None:
    earlier = _earlier(world, by=world.team_member)
    response = english(world, "coordinator").post(URL, report_form(world))
    assert response.status_code == 302
    assert NeedReport.objects.count() == 2
    # Nothing of the other report was read on the reporter's behalf.
    assert not AccessRecord.objects.filter(actor=world.coordinator, object_id=str(earlier.pk)).exists()
    queue = english(world, "ke_officer").get(reverse("intake:queue"))
    assert [report.likely_duplicate for report, _age, _overdue in queue.context["rows"]] == [True, True]
    assert queue.content.decode().count("reported more than once") == 2


def test_the_queue_marks_no_report_without_another_for_the_same_need(world: World) -> None:
    _earlier(
        world, by=world.team_member, needs_plan=False, needs_coordinator=False, needs_child_coordinator=True
    )
    assert (
        english(world, "coordinator").post(URL, report_form(world, needs_coordinator="")).status_code == 302
    )
    queue = english(world, "ke_officer").get(reverse("intake:queue"))
    assert [report.likely_duplicate for report, _age, _overdue in queue.context["rows"]] == [False, False]
    assert "reported more than once" not in queue.content.decode()


def test_confirming_stores_the_report(world: World) -> None:
    _earlier(world, by=world.coordinator)
    response = english(world, "coordinator").post(URL, report_form(world, send_anyway="yes"))
    assert response.status_code == 302
    assert NeedReport.objects.filter(reported_by=world.coordinator).count() == 2


@pytest.mark.parametrize(
    ("days_ago", "needs"),
    [
        # Outside the window.
        (LIKELY_DUPLICATE_WITHIN.days + 1, {}),
        # Within it, but for another need.
        (3, {"needs_plan": False, "needs_coordinator": False, "needs_child_coordinator": True}),
    ],
)
def test_an_older_report_or_one_for_another_need_is_no_duplicate(
    world: World, days_ago: int, needs: dict[str, bool]
) -> None:
    _earlier(world, by=world.coordinator, days_ago=days_ago, **needs)
    response = english(world, "coordinator").post(URL, report_form(world, needs_coordinator=""))
    assert response.status_code == 302
    assert NeedReport.objects.count() == 2


def test_a_report_for_another_person_is_no_duplicate(world: World) -> None:
    NeedReportFactory(person=world.person_tromso, reported_by=world.coordinator)
    assert english(world, "coordinator").post(URL, report_form(world)).status_code == 302


def test_without_a_recent_report_nothing_is_read_or_said(world: World) -> None:
    response = english(world, "coordinator").post(URL, report_form(world))
    assert response.status_code == 302
    assert not AccessRecord.objects.filter(purpose=ReadPurpose.NEED_REPORT).exists()


@pytest.mark.parametrize(
    ("language", "heading", "told"),
    [
        ("nb", "Dette kan være meldt allerede", "Du sendte en melding om det samme behovet"),
        ("nn", "Dette kan vere meldt allereie", "Du sende ei melding om det same behovet"),
        (
            "en",
            "This may have been reported already",
            "You sent a report for this person about the same need",
        ),
    ],
)
def test_the_warning_in_each_language(world: World, language: str, heading: str, told: str) -> None:
    _earlier(world, by=world.coordinator)
    page = client_as(world.coordinator, language=language).post(URL, report_form(world)).content.decode()
    assert heading in page and told in page
    assert NeedReport.objects.count() == 1
