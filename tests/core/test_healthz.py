from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..conftest import World, sign_in
from .test_deploy import PRODUCTION, run


@pytest.mark.django_db
def test_healthz_reports_a_working_database(client: Client) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client: Client, monkeypatch: Any) -> None:
    from vegviser.core import health

    class Broken:
        def cursor(self) -> None:
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Broken())
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 301


@pytest.mark.django_db
def test_healthz_does_not_load_the_session_of_a_signed_in_monitor(world: World) -> None:
    """A session cookie does not make the check wait for the session and the user to be loaded: it asks the
    database one thing."""
    client = Client()
    sign_in(client, world.ke_officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert [query["sql"] for query in queries.captured_queries] == ["SELECT 1"]


@pytest.mark.django_db
def test_healthz_answers_503_to_a_signed_in_monitor_when_the_database_is_unreachable(
    world: World, monkeypatch: Any
) -> None:
    from vegviser.core import health

    client = Client()
    sign_in(client, world.ke_officer)

    class Broken:
        def cursor(self) -> None:
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Broken())
    assert client.get(reverse("core:healthz")).status_code == 503


# A PostgreSQL server that accepts the connection and never answers: the kernel completes the handshake for
# the listening socket, and no one reads from it.
SILENT_SERVER = """
import django, socket
silent = socket.socket()
silent.bind(("127.0.0.1", 0))
silent.listen(8)
port = silent.getsockname()[1]
import os
os.environ["DATABASE_URL"] = f"postgres://vegviser@127.0.0.1:{port}/vegviser"
django.setup()
from django.test import Client
client = Client(HTTP_HOST="vegviser.example.no", raise_request_exception=False)
client.cookies["sessionid"] = "a" * 32
health = client.get("/healthz")
page = client.get("/", secure=True)
print(health.status_code, page.status_code, "Noe gikk galt" in page.content.decode())
"""


def test_a_database_that_does_not_answer_gives_503_and_the_error_page_in_time() -> None:
    """Without a connect timeout both requests would wait for the silent server for good (the run below
    gives up after two minutes and the test fails)."""
    result = run(SILENT_SERVER, **dict(PRODUCTION, DATABASE_CONNECT_TIMEOUT="2"))
    assert result.stdout.split() == ["503", "500", "True"], result.stderr[-2000:]


OPTIONS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "o = s.DATABASES['default'].get('OPTIONS', {}); "
    "print(o.get('connect_timeout'), o.get('options'), sep='|')"
)
POSTGRESQL = dict(PRODUCTION, DATABASE_URL="postgres://vegviser@db.example.no:5432/vegviser")


def test_postgresql_connections_give_up_in_time() -> None:
    assert run(OPTIONS, **POSTGRESQL).stdout.split("|") == ["3", "-c statement_timeout=20s\n"]
    given = dict(POSTGRESQL, DATABASE_CONNECT_TIMEOUT="5", DATABASE_STATEMENT_TIMEOUT="9")
    assert run(OPTIONS, **given).stdout.split("|") == ["5", "-c statement_timeout=9s\n"]
    # Behind a pooler that refuses startup parameters, the limit is set on the role instead.
    off = dict(POSTGRESQL, DATABASE_STATEMENT_TIMEOUT="off")
    assert run(OPTIONS, **off).stdout.split("|") == ["3", "None\n"]


@pytest.mark.django_db
def test_a_statement_over_the_limit_is_cancelled_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        # SQLite has no statement timeout: nothing is passed to it.
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("20s",)
    # The savepoint is rolled back with the cancelled statement, and the shorter limit with it.
    with (
        pytest.raises(OperationalError, match="statement timeout"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = '100ms'")
        cursor.execute("SELECT pg_sleep(5)")
