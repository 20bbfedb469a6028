"""Server time of the plan page with many plans in the database, against a bare Django view reading the same
rows (bench/baseline.py), timed with pyperf (DESIGN §4: performance is measured here and reported in
docs/benchmarks.md, never asserted in tests).

Run from the repository root, against a database of its own (it migrates and fills it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vegviser_bench SECRET_KEY=x VEGVISER_TEST_IDENTITIES=1 \\
        .venv/bin/python bench/plan_page.py --plans 100000 -o plan_page.json

The first run seeds the plans; later runs find them and go straight to the timing. Every page is requested
through Django's test client, so the time is the server's: middleware, the view's queries, the template and
the session, without the network or a browser. pyperf's own options apply (--fast, --rigorous, -p, -n,
--profile FILE, ...); see bench/README.md.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "src"))
# The large plan is the one the pinned query test uses (tests/plans/large_plan.py).
sys.path.insert(0, str(REPOSITORY))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vegviser.settings")
# The test client's host name; the benchmark never listens on a network.
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# Every sign-in of a worker process is logged at INFO, between pyperf's lines.
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402
import pyperf  # noqa: E402

# WhiteNoise looks for collected static files, which the page does not need here.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

if TYPE_CHECKING:
    from django.test import Client

    from vegviser.accounts.models import User
    from vegviser.plans.models import IndividualPlan
    from vegviser.registry.models import Organisation

# Seeded persons carry this address, so a later run can count what is already there.
SEED_ADDRESS = "Benkmarkveien 1"
SEED_BATCH = 2000
# Seeded birth dates run from here over this many days (1925–2004); each date gets more than one synthetic
# number when the plans outnumber the days. The two measured persons are adults born after the range.
SEED_FIRST_BIRTH = date(1925, 1, 1)
SEED_DAYS = 29000
# Untimed requests of a page when a worker process first asks for it: the templates are compiled and the
# page's queries prepared on the connection (DATABASE_PREPARE_THRESHOLD) before pyperf's own warm-up.
FIRST_REQUESTS = 10


def main() -> None:
    runner = pyperf.Runner(add_cmdline_args=pass_own_options)
    runner.argparser.add_argument(
        "--plans", type=int, default=100_000, help="plans in the database (seeded if fewer)"
    )
    runner.argparser.add_argument(
        "--only", default="", metavar="TEXT", help="time only the benchmarks whose name contains TEXT"
    )
    args = runner.parse_args()
    if not os.environ.get("DATABASE_URL"):
        # Without it, settings fall back to the development database, which must not get 100 000 plans.
        sys.exit("Set DATABASE_URL to a database for the benchmark (see the docstring).")
    # The worker processes run with the settings the environment gives this one.
    args.copy_env = True

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.urls import reverse

    # No collectstatic manifest here: serve static URLs as the tests do. The site's URLs with the bare view
    # added. Everything else is production's.
    override_settings(
        ROOT_URLCONF="baseline",
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    if not args.worker:
        call_command("migrate", verbosity=0, interactive=False)
        seed(args.plans)
    bench = bench_world()
    plans = {"large": large_plan(bench), "small": small_plan(bench)}
    runner.metadata.update(machine())

    pages = []
    for size, plan in plans.items():
        pages += [
            (f"bare-view-{size}", bench.coordinator, reverse("bare_plan", args=[plan.pk])),
            (f"page-coordinator-{size}", bench.coordinator, reverse("plans:plan_detail", args=[plan.pk])),
            (f"page-participant-{size}", bench.teacher, reverse("plans:plan_detail", args=[plan.pk])),
        ]
    pages = [page for page in pages if args.only in page[0]]
    if not args.worker:
        print(", ".join(f"{key} {value}" for key, value in runner.metadata.items()))
        load_before = load_average()
        queries = {name: count_queries(user, url) for name, user, url in pages}
    results = {
        name: runner.bench_time_func(name, time_requests, user.username, url) for name, user, url in pages
    }
    if not args.worker:
        print(f"load average (1, 5, 15 min) before timing {load_before}, after {load_average()}")
        if args.append:
            # Runs appended to the file, this one and those before it, are reported together.
            suite = pyperf.BenchmarkSuite.load(args.append)
            results = {name: suite.get_benchmark(name) for name in results}
        report(results, queries)


def pass_own_options(command: list[str], args: Any) -> None:
    command += ["--plans", str(args.plans), "--only", args.only]


# Seeding


def seed(plans: int) -> None:
    """Persons with a plan each, spread over all municipalities, each with a consent, a coordinator, two
    goals, two measures and two participants.

    Seed data is written with bulk_create, bypassing the services and their audit records: what matters
    here is the number of rows the page's queries must find their way through, and services would take
    hours."""
    from django.db import connection, transaction

    from vegviser.access.models import Consent
    from vegviser.intake.models import CoordinatorAssignment
    from vegviser.plans.models import (
        Goal,
        IndividualPlan,
        Measure,
        ParticipantKind,
        PlanParticipant,
        PlanStatus,
    )
    from vegviser.registry.identity import synthetic_national_id
    from vegviser.registry.models import Municipality, Person

    done = IndividualPlan.objects.filter(person__address=SEED_ADDRESS).count()
    if done >= plans:
        print(f"{done} seeded plans found")
        return
    municipalities = list(Municipality.objects.order_by("number").values_list("number", flat=True))
    coordinators = seed_coordinators()
    started = time.perf_counter()
    today = date.today()
    for first in range(done, plans, SEED_BATCH):
        indices = range(first, min(first + SEED_BATCH, plans))
        with transaction.atomic():
            persons = [
                Person(
                    given_name=f"Syntetisk {index}",
                    family_name=f"Person{index % 997}",
                    national_id=synthetic_national_id(
                        SEED_FIRST_BIRTH + timedelta(days=index % SEED_DAYS), index // SEED_DAYS
                    ),
                    national_id_kind="synthetic",
                    birth_date=SEED_FIRST_BIRTH + timedelta(days=index % SEED_DAYS),
                    address=SEED_ADDRESS,
                    postal_code="8006",
                    municipality_id=municipalities[index % len(municipalities)],
                )
                for index in indices
            ]
            Person.objects.bulk_create(persons, batch_size=1000)
            Consent.objects.bulk_create(
                [
                    Consent(person=p, given_by="person", valid_from=date(2025, 1, 1), evidence="oral")
                    for p in persons
                ],
                batch_size=1000,
            )
            pairs = [(p, coordinators[i % len(coordinators)]) for i, p in enumerate(persons)]
            CoordinatorAssignment.objects.bulk_create(
                [
                    CoordinatorAssignment(
                        person=p,
                        kind="coordinator",
                        coordinator=user,
                        organisation=organisation,
                        started_on=date(2025, 1, 1),
                    )
                    for p, (user, organisation) in pairs
                ],
                batch_size=1000,
            )
            plan_rows = [
                IndividualPlan(
                    person=p,
                    municipality_id=municipalities[index % len(municipalities)],
                    status=PlanStatus.ACTIVE,
                    what_matters="Å klare meg selv",
                    resources="Familie",
                    needs="Trening",
                    period_start=date(2025, 1, 1),
                    next_revision=today + timedelta(days=180),
                    activated_at=datetime(2025, 1, 2, 11, tzinfo=UTC),
                )
                for index, p in zip(indices, persons, strict=True)
            ]
            IndividualPlan.objects.bulk_create(plan_rows, batch_size=1000)
            participants = []
            for plan, (p, (user, organisation)) in zip(plan_rows, pairs, strict=True):
                participants.append(
                    PlanParticipant(plan=plan, kind=ParticipantKind.PERSON, name=p.full_name, role="Personen")
                )
                participants.append(
                    PlanParticipant(
                        plan=plan,
                        kind=ParticipantKind.PROFESSIONAL,
                        user=user,
                        organisation=organisation,
                        name=user.display_name,
                        role="Koordinator",
                        contribution="Koordinerer",
                    )
                )
            PlanParticipant.objects.bulk_create(participants, batch_size=1000)
            goals = [
                Goal(plan=plan, text=f"Mål {n}", level_0="Som forventet", position=n)
                for plan in plan_rows
                for n in (1, 2)
            ]
            Goal.objects.bulk_create(goals, batch_size=1000)
            measures = [
                Measure(
                    plan=plan,
                    title=f"Tiltak {n}",
                    scope="Ukentlig",
                    how="Hjemme",
                    responsible_organisation=coordinators[i % len(coordinators)][1],
                    starts_on=date(2025, 2, 1),
                )
                for i, plan in enumerate(plan_rows)
                for n in (1, 2)
            ]
            Measure.objects.bulk_create(measures, batch_size=1000)
            Measure.goals.through.objects.bulk_create(
                [
                    Measure.goals.through(measure_id=measure.pk, goal_id=goal.pk)
                    for measure, goal in zip(measures, goals, strict=True)
                ],
                batch_size=1000,
            )
        elapsed = time.perf_counter() - started
        print(f"seeded {indices.stop} of {plans} plans ({elapsed:.0f} s)", flush=True)
    if connection.vendor == "postgresql":
        # As autovacuum would in time: the planner needs statistics of the new rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed_coordinators() -> list[tuple[User, Organisation]]:
    """Fifty coordinators in fifty home-service organisations, shared by the seeded plans."""
    from vegviser.accounts.models import User
    from vegviser.registry.models import Membership, Organisation

    pairs = []
    for n in range(50):
        organisation, _created = Organisation.objects.get_or_create(
            name=f"Hjemmetjenesten {n} (benkmark)", defaults={"kind": "home_services"}
        )
        user, created = User.objects.get_or_create(
            username=f"bench-seed-{n}", defaults={"first_name": "Koordinator", "last_name": str(n)}
        )
        if created:
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, organisation=organisation, role="coordinator")
        pairs.append((user, organisation))
    return pairs


# The measured plans, built through the services as a coordinator would


@dataclass
class BenchWorld:
    coordinator: User
    teacher: User
    physio: Organisation
    school: Organisation
    others: list[tuple[User, Organisation]]


def bench_world() -> BenchWorld:
    from django.db import transaction

    from vegviser.accounts.models import User
    from vegviser.accounts.services import create_user
    from vegviser.registry import services as registry
    from vegviser.registry.models import Municipality, Organisation

    if not User.objects.filter(username="bench-coordinator").exists():
        with transaction.atomic():
            bodo = Municipality.objects.get(number="1804")
            physio = registry.create_organisation(
                actor=None,
                data={
                    "name": "Fysioterapitjenesten (benkmark)",
                    "kind": "physiotherapy",
                    "municipality": bodo,
                },
            )
            school = registry.create_organisation(
                actor=None, data={"name": "Skolen (benkmark)", "kind": "school", "municipality": bodo}
            )
            users = [
                ("bench-coordinator", "Kari", "Koordinator", physio, "coordinator"),
                ("bench-teacher", "Lars", "Lærer", school, "team_member"),
                ("bench-physio-1", "Frida", "Fysio", physio, "team_member"),
                ("bench-school-1", "Siri", "Spesialpedagog", school, "team_member"),
                ("bench-physio-2", "Per", "Ergo", physio, "team_member"),
            ]
            for username, first_name, last_name, organisation, role in users:
                create_user(
                    actor=None,
                    data={"username": username, "first_name": first_name, "last_name": last_name},
                    organisation=organisation,
                    role=role,
                )
    users_by_name = {
        u.username: u
        for u in User.objects.filter(username__startswith="bench-").exclude(
            username__startswith="bench-seed-"
        )
    }
    physio = Organisation.objects.get(name="Fysioterapitjenesten (benkmark)")
    school = Organisation.objects.get(name="Skolen (benkmark)")
    return BenchWorld(
        coordinator=users_by_name["bench-coordinator"],
        teacher=users_by_name["bench-teacher"],
        physio=physio,
        school=school,
        others=[
            (users_by_name["bench-physio-1"], physio),
            (users_by_name["bench-school-1"], school),
            (users_by_name["bench-physio-2"], physio),
        ],
    )


def _plan_with_teacher(bench: BenchWorld, *, given_name: str, born: date) -> tuple[IndividualPlan, bool]:
    """The person's open plan, or a new one as `plan_for` in the tests makes it: consent, coordinator, the
    teacher with full access, one goal and one measure. True if new."""
    from tests.plans.large_plan import first_plan

    from vegviser.access.services import record_consent
    from vegviser.intake.services import appoint_coordinator
    from vegviser.plans import services
    from vegviser.plans.models import IndividualPlan
    from vegviser.registry import services as registry
    from vegviser.registry.identity import synthetic_national_id
    from vegviser.registry.models import Municipality

    national_id = synthetic_national_id(born, 0)
    plan = IndividualPlan.objects.filter(person__national_id=national_id).exclude(status="closed").first()
    if plan is not None:
        return plan, False
    person = registry.create_person(
        actor=None,
        data={
            "given_name": given_name,
            "family_name": "Benkmark",
            "national_id": national_id,
            "address": "Storgata 1",
            "postal_code": "8006",
            "postal_town": "Bodø",
            "municipality": Municipality.objects.get(number="1804"),
        },
    )
    record_consent(
        actor=None,
        person=person,
        data={
            "given_by": "person",
            "valid_from": date(2026, 1, 1),
            "evidence": "oral",
            "journal_reference": "J-1",
        },
        shared_with=[bench.physio, bench.school],
    )
    appoint_coordinator(
        actor=None,
        person=person,
        coordinator=bench.coordinator,
        organisation=bench.physio,
        kind="coordinator",
        started_on=date(2026, 1, 1),
    )
    actor = bench.coordinator
    plan = first_plan(person, actor=actor, teacher=bench.teacher, organisation=bench.school)
    plan.refresh_from_db()
    plan = services.activate_plan(actor=actor, plan=plan, reason="Startes mens resten skrives")
    return plan, True


def small_plan(bench: BenchWorld) -> IndividualPlan:
    from django.db import transaction

    with transaction.atomic():
        plan, _new = _plan_with_teacher(bench, given_name="Liten", born=date(2008, 3, 2))
    return plan


def large_plan(bench: BenchWorld) -> IndividualPlan:
    """The large plan of tests/plans/large_plan.py, built through the services by the coordinator."""
    from django.db import transaction
    from tests.plans import large_plan as large_plan_builder

    with transaction.atomic():
        plan, new = _plan_with_teacher(bench, given_name="Stor", born=date(2008, 3, 1))
        if not new:
            return plan
        plan = large_plan_builder.grow(plan, actor=bench.coordinator, professionals=bench.others)
    shape = tuple(related.count() for related in (plan.goals, plan.measures, plan.participants))
    shape += tuple(related.count() for related in (plan.meetings, plan.versions))
    expected = (
        large_plan_builder.GOALS,
        large_plan_builder.MEASURES,
        large_plan_builder.PARTICIPANTS,
        large_plan_builder.MEETINGS,
        large_plan_builder.VERSIONS,
    )
    assert shape == expected, shape
    return plan


# Timing


def signed_in(username: str) -> Client:
    """A client with the second factor given (tests/clients.py)."""
    from django.test import Client
    from tests.clients import sign_in

    from vegviser.accounts.models import User

    client = Client()
    sign_in(client, User.objects.get(username=username))
    return client


# The signed-in client of each page in this process, once its first requests are made.
clients: dict[str, Client] = {}


def time_requests(loops: int, username: str, url: str) -> float:
    """Seconds for `loops` requests of the page: pyperf's time function."""
    if url not in clients:
        clients[url] = signed_in(username)
        for _request in range(FIRST_REQUESTS):
            clients[url].get(url, secure=True)
    get = clients[url].get
    started = time.perf_counter()
    for _request in range(loops):
        # secure: production sends plain HTTP to HTTPS, and the page is what is measured.
        response = get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return time.perf_counter() - started


def count_queries(user: User, url: str) -> int:
    """The queries of one request after the first ones, as the pinned test counts them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(user.username)
    for _request in range(FIRST_REQUESTS):
        client.get(url, secure=True)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    return len(queries.captured_queries)


def machine() -> dict[str, str]:
    """What the figures were measured on, for the printout and pyperf's metadata."""
    from django.db import connection

    from vegviser.plans.models import IndividualPlan

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server,
        "plans": str(IndividualPlan.objects.count()),
    }


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def report(results: dict[str, pyperf.Benchmark | None], queries: dict[str, int]) -> None:
    """Each page's mean ± standard deviation and its ratio to the bare view of the same plan."""
    print("\n| benchmark | queries | mean ± std dev (ms) | over the bare view |\n|---|---:|---:|---:|")
    for name, bench in results.items():
        assert bench is not None
        baseline = results.get("bare-view-" + name.rsplit("-", 1)[1])
        ratio = f"{bench.mean() / baseline.mean():.2f}" if baseline else ""
        spread = f" ± {bench.stdev() * 1000:.1f}" if bench.get_nvalue() > 1 else ""
        print(f"| {name} | {queries[name]} | {bench.mean() * 1000:.1f}{spread} | {ratio} |")


if __name__ == "__main__":
    main()
