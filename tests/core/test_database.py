"""The database connection: on PostgreSQL a query that runs again and again is prepared, so that the server
keeps its plan instead of planning it on every request (settings.py, docs/benchmarks.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from vegviser.registry.models import Municipality

from .test_deploy import PRODUCTION, run

OPTIONS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "o = s.DATABASES['default'].get('OPTIONS', {}); "
    "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
)
POSTGRESQL = dict(
    PRODUCTION,
    DATABASE_URL="postgres://vegviser@db.example.no:5432/vegviser",
    DATABASE_PREPARE_THRESHOLD="",
)


def test_postgresql_prepares_a_query_after_five_runs_unless_told_not_to() -> None:
    assert run(OPTIONS, **POSTGRESQL).stdout.split() == ["True", "5"]
    assert run(OPTIONS, **dict(POSTGRESQL, DATABASE_PREPARE_THRESHOLD="2")).stdout.split() == ["True", "2"]
    # Behind a connection pooler in transaction mode.
    off = dict(POSTGRESQL, DATABASE_PREPARE_THRESHOLD="off")
    assert run(OPTIONS, **off).stdout.split() == ["True", "None"]


def test_sqlite_is_left_as_it_is() -> None:
    sqlite = dict(PRODUCTION, DATABASE_URL="sqlite:///vegviser.sqlite3")
    assert run(OPTIONS, **sqlite).stdout.split() == ["None", "None"]


@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared_on_postgresql() -> None:
    for _ in range(6):
        assert Municipality.objects.filter(number="1804").exists()
    if connection.vendor != "postgresql":
        # SQLite has no prepared statements to keep: nothing to configure.
        assert "prepare_threshold" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("registry_municipality" in statement for statement in prepared), prepared
