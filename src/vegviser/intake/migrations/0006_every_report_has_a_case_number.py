# Every report stored so far has its case number (0005); each new one gets one when it is stored.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_case_numbers_and_interim_replies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="needreport",
            name="case_sequence",
            field=models.PositiveIntegerField(blank=True, editable=False, verbose_name="case sequence"),
        ),
        migrations.AlterField(
            model_name="needreport",
            name="case_year",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, verbose_name="case year"),
        ),
    ]
