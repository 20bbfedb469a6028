"""Reports sent before the reporter's wording was kept show the name the reporter typed when their report
registered the person: the registration's audit record holds it. Where the person was registered before, what
the reporter typed is not known, and the report says so."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def named_as_from_the_registration(apps: Any, schema_editor: Any) -> None:
    NeedReport = apps.get_model("intake", "NeedReport")
    AuditRecord = apps.get_model("audit", "AuditRecord")
    unnamed = NeedReport.objects.filter(named_as="", reported_by__isnull=False)
    for report in unnamed.iterator():
        registration = (
            AuditRecord.objects.filter(
                action="person.create", object_id=str(report.person_id), actor_id=report.reported_by_id
            )
            .order_by("at")
            .first()
        )
        after = registration.after if registration is not None else None
        if not isinstance(after, dict):
            continue
        typed = f"{after.get('given_name') or ''} {after.get('family_name') or ''}".strip()
        if typed:
            NeedReport.objects.filter(pk=report.pk).update(named_as=typed[:200])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_report_without_a_reporter"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(named_as_from_the_registration, migrations.RunPython.noop)]
