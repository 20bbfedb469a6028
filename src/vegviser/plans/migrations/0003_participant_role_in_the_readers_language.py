from django.db import migrations, models

# The words the person's row was given when a plan was made, in the language of whoever made it. The row now
# keeps no words of its own, and each reader sees the role in their own language.
STORED_DEFAULTS = ["The person the plan is for", "Personen planen gjelder", "Personen planen gjeld"]


def blank_the_persons_role(apps, schema_editor):
    PlanParticipant = apps.get_model("plans", "PlanParticipant")
    PlanParticipant.objects.filter(kind="person", role__in=STORED_DEFAULTS).update(role="")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_plan_messages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="planparticipant",
            name="role",
            field=models.CharField(
                blank=True,
                help_text="For example physiotherapist, teacher, mother.",
                max_length=200,
                verbose_name="role in the plan",
            ),
        ),
        migrations.RunPython(blank_the_persons_role, migrations.RunPython.noop),
    ]
