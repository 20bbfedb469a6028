"""The reporter's own reports: what the reporter typed and whether it was decided, and nothing more."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.urls import reverse

from vegviser.audit.models import AuditRecord
from vegviser.intake.models import NeedReport

from ..conftest import World, english
from ..factories import NeedReportFactory, days_ago
from .test_reports import make_report


def test_the_reporter_sees_the_name_they_typed_and_whether_it_was_decided(world: World) -> None:
    report = make_report(world, given_name="Pelle", family_name="Andersson")
    NeedReport.objects.filter(pk=report.pk).update(
        received_at=days_ago(40), decision_reasons="Trenger mer enn plan"
    )
    html = english(world, "coordinator").get(reverse("intake:my_reports")).content.decode()
    assert "Pelle Andersson" in html
    assert "Not decided yet" in html
    # Not the registry's name for the person.
    assert "Per Andersen" not in html
    detail = english(world, "coordinator").get(reverse("intake:report_detail", kwargs={"pk": report.pk}))
    page = detail.content.decode()
    assert "Pelle Andersson" in page
    assert "Needs help with daily life" in page
    assert "Not decided yet" in page
    for hidden in ["Per Andersen", "has waited more than 30 days", "Trenger mer enn plan", "Officer"]:
        assert hidden not in page, hidden


def test_the_reporter_sees_that_it_was_decided_but_not_the_decision(world: World) -> None:
    report = make_report(world)
    english(world, "ke_officer").post(
        reverse("intake:report_decide", kwargs={"pk": report.pk}),
        {"plan_granted": "on", "decision_reasons": "Koordinator trengs ikke nå"},
    )
    listing = english(world, "coordinator").get(reverse("intake:my_reports")).content.decode()
    assert "Not decided yet" not in listing
    page = english(world, "coordinator").get(reverse("intake:report_detail", kwargs={"pk": report.pk}))
    html = page.content.decode()
    assert "Decided" in html
    for hidden in ["Partly granted", "Koordinator trengs ikke nå", "Decision letter"]:
        assert hidden not in html, hidden
    # The unit sees it all.
    unit = english(world, "ke_officer").get(reverse("intake:report_detail", kwargs={"pk": report.pk}))
    assert "Partly granted" in unit.content.decode()
    assert "Per Andersen" in unit.content.decode()


def test_an_older_report_without_the_typed_name_says_so(world: World) -> None:
    report = NeedReportFactory(person=world.patient, reported_by=world.coordinator, named_as="")
    for url in [reverse("intake:my_reports"), reverse("intake:report_detail", kwargs={"pk": report.pk})]:
        html = english(world, "coordinator").get(url).content.decode()
        assert "Name not recorded" in html
        assert "Per Andersen" not in html


def test_older_reports_get_the_name_typed_when_the_report_registered_the_person(world: World) -> None:
    registered = NeedReportFactory(reported_by=world.coordinator, named_as="")
    AuditRecord.objects.create(
        actor=world.coordinator,
        actor_name="Koordinator",
        action="person.create",
        object_type="registry.person",
        object_id=str(registered.person_id),
        after={"given_name": "Kari", "family_name": "Typet"},
    )
    # Registered by someone else: what this reporter typed is not known.
    known_before = NeedReportFactory(person=world.patient, reported_by=world.coordinator, named_as="")
    AuditRecord.objects.create(
        actor=world.ke_officer,
        actor_name="KE",
        action="person.create",
        object_type="registry.person",
        object_id=str(world.patient.pk),
        after={"given_name": "Per", "family_name": "Andersen"},
    )
    migration = importlib.import_module("vegviser.intake.migrations.0004_named_as_from_the_registration")
    migration.named_as_from_the_registration(apps, None)
    registered.refresh_from_db()
    known_before.refresh_from_db()
    assert (registered.named_as, known_before.named_as) == ("Kari Typet", "")
