from __future__ import annotations

from typing import Any

from django.db import migrations

from vegviser.registry.reference import load_municipalities


def forwards(apps: Any, schema_editor: Any) -> None:
    load_municipalities(
        apps.get_model("registry", "HealthRegion"),
        apps.get_model("registry", "Municipality"),
        apps.get_model("registry", "Organisation"),
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
