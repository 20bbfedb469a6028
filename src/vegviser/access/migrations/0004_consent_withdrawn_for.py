from django.db import migrations, models


def remember_withdrawn_organisations(apps, schema_editor):
    """A consent made by withdrawing one organisation is told which organisations the person had withdrawn:
    those the consent it replaced shared with, or had been withdrawn for, and it does not share with. The
    audit log names the consents so made; the one each replaced is the person's consent withdrawn last
    before it was made, in the same transaction."""
    Consent = apps.get_model("access", "Consent")
    AuditRecord = apps.get_model("audit", "AuditRecord")
    narrowed = set(
        AuditRecord.objects.filter(
            action="consent.withdraw_organisation", object_type="access.consent"
        ).values_list("object_id", flat=True)
    )
    for consent in Consent.objects.filter(pk__in=list(narrowed)).order_by("created_at"):
        replaced = (
            Consent.objects.filter(
                person_id=consent.person_id,
                withdrawn_at__isnull=False,
                withdrawn_at__lte=consent.created_at,
                created_at__lt=consent.created_at,
            )
            .order_by("-withdrawn_at")
            .first()
        )
        if replaced is None:
            continue
        chosen = set(replaced.shared_with.values_list("pk", flat=True))
        chosen |= set(replaced.withdrawn_for.values_list("pk", flat=True))
        consent.withdrawn_for.set(chosen - set(consent.shared_with.values_list("pk", flat=True)))


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_evidence_content"),
        ("audit", "0004_choices_for_interim_replies"),
        ("registry", "0004_relation_mandate_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="withdrawn_for",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="registry.organisation", verbose_name="sharing withdrawn for"
            ),
        ),
        migrations.RunPython(remember_withdrawn_organisations, migrations.RunPython.noop),
    ]
