"""Server time of the plan page, with many plans in the database (DESIGN §4: performance is measured here and
reported in docs/benchmarks.md, never asserted in tests).

Run from the repository root, against a database of its own (it migrates and fills it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vegviser_bench SECRET_KEY=x VEGVISER_TEST_IDENTITIES=1 \\
        .venv/bin/python bench/plan_page.py --plans 100000 --requests 300

The first run seeds the plans (8 minutes for 100 000 on the machine in docs/benchmarks.md); later runs find
them and go straight to the timing. The page is requested through Django's test client, so the time is the
server's: middleware, the view's queries, the template and the session save, without the network or a
browser.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
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

import django  # noqa: E402

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
# The large plan, as in tests/plans/test_plan_queries.py.


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plans", type=int, default=100_000, help="plans in the database (seeded if fewer)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per page first")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="instead of timing, profile N requests of the coordinator's large plan (cProfile) and print "
        "where the time goes",
    )
    parser.add_argument(
        "--parts",
        type=int,
        default=0,
        metavar="N",
        help="instead of timing whole requests, time N requests of each of the coordinator's plans by part "
        "(access and log, plan content, template) and print the CPU time of each",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=0,
        metavar="N",
        help="instead of timing whole requests, time each query of N requests of the coordinator's large "
        "plan (from sending it to having its rows) and print the median of each",
    )
    parser.add_argument(
        "--without-template",
        action="store_true",
        help="time the pages with the template (and its context processors) replaced by an empty page: "
        "the least the page could cost with any template engine",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        # Without it, settings fall back to the development database, which must not get 100 000 plans.
        sys.exit("Set DATABASE_URL to a database for the benchmark (see the docstring).")

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    # No collectstatic manifest here: serve static URLs as the tests do. Everything else is production's.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0, interactive=False)

    seed(args.plans)
    bench = bench_world()
    large = large_plan(bench)
    small = small_plan(bench)
    print_environment()

    if args.profile:
        profile_page(bench.coordinator, large, args.profile, args.warmup)
        return
    if args.parts:
        time_parts(bench.coordinator, {"large": large, "small": small}, args.parts, args.warmup)
        return
    if args.queries:
        time_queries(bench.coordinator, large, args.queries, args.warmup)
        return
    if args.without_template:
        without_template()
    rows = []
    load_before = os.getloadavg()
    for who, user in [("coordinator", bench.coordinator), ("full participant", bench.teacher)]:
        timings = time_pages(user, {"large": large, "small": small}, args.requests, args.warmup)
        rows += [(who, size, timings[size]) for size in ("large", "small")]
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min) before timing {load_before}, after {load_after}")
    report(rows, args.requests)


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
    plan = services.activate_plan(actor=actor, plan=plan)
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


@dataclass
class Timing:
    wall: list[float]
    cpu: list[float]
    # For each request, the machine check's time around it (the mean of the one just before and the one
    # just after): the request's wall-clock time over it is its time in units of a fixed piece of work.
    machine: list[float]
    queries: int

    def in_checks(self) -> list[float]:
        return [wall / machine for wall, machine in zip(self.wall, self.machine, strict=True)]


def signed_in(user: User) -> Client:
    """A client with the second factor given (tests/clients.py)."""
    from django.test import Client
    from tests.clients import sign_in

    client = Client()
    sign_in(client, user)
    return client


def time_pages(user: User, plans: dict[str, IndividualPlan], requests: int, warmup: int) -> dict[str, Timing]:
    """Milliseconds per request for each plan, the plans taken in turn so that any drift in the machine's
    load falls on all of them alike; and the number of queries of one further request.

    Besides the wall-clock time, the CPU time of this process: on a shared machine it shows how much of the
    wall-clock time was waiting for a processor or for PostgreSQL rather than work done here. Around each
    request, the machine check: its median and p95 over the timed rounds say how steady the machine was
    while the pages were timed, and each request is also measured against the checks beside it, which the
    machine's slow spells slow down alike (`Timing.in_checks`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = signed_in(user)
    urls = {size: reverse("plans:plan_detail", args=[plan.pk]) for size, plan in plans.items()}
    samples: dict[str, list[float]] = {size: [] for size in plans}
    cpu: dict[str, list[float]] = {size: [] for size in plans}
    beside: dict[str, list[float]] = {size: [] for size in plans}
    checks: list[float] = []
    check = fixed_work()
    for round_ in range(warmup + requests):
        for size, url in urls.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            # secure: production sends plain HTTP to HTTPS, and the page is what is measured.
            response = client.get(url, secure=True)
            elapsed = (time.perf_counter() - started) * 1000
            elapsed_cpu = (time.process_time() - started_cpu) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            check_before, check = check, fixed_work()
            if round_ >= warmup:
                samples[size].append(elapsed)
                cpu[size].append(elapsed_cpu)
                beside[size].append((check_before + check) / 2)
                checks.append(check)
    print(
        f"machine check while timing as {user.username}: median {statistics.median(checks):.1f} ms, "
        f"p95 {p95(checks):.1f} ms, fastest twentieth under {calm(checks):.1f} ms"
    )
    result = {}
    for size, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        result[size] = Timing(samples[size], cpu[size], beside[size], len(queries.captured_queries))
    return result


def profile_page(user: User, plan: IndividualPlan, requests: int, warmup: int) -> None:
    """The functions that take the time of `requests` requests for the plan, by own time and by time
    including what they call. Profiling slows Python down unevenly: read it for where the time goes, and
    time a change without it."""
    import cProfile
    import pstats

    from django.urls import reverse

    client = signed_in(user)
    url = reverse("plans:plan_detail", args=[plan.pk])
    for _round in range(warmup):
        client.get(url, secure=True)
    profiler = cProfile.Profile()
    profiler.enable()
    for _round in range(requests):
        client.get(url, secure=True)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    print(f"\n{requests} requests of the large plan as its coordinator\n")
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(80)


def time_parts(user: User, plans: dict[str, IndividualPlan], requests: int, warmup: int) -> None:
    """CPU milliseconds of each part of the plan page's request (median and p95 of `requests`), by wrapping
    the functions the view calls in a timer; the rest is the middleware, the policy's questions about links,
    arranging rows (plans/page.py) and the test client."""
    from django.urls import reverse

    from vegviser.plans import selectors
    from vegviser.plans.views import plan as view

    spent: dict[str, list[float]] = {}

    def timed(module: object, name: str, part: str) -> None:
        function = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent.setdefault(part, []).append((time.process_time() - started) * 1000)

        setattr(module, name, wrapper)

    timed(selectors, "get_plan", "access check and access record (get_plan)")
    timed(selectors, "plan_content", "what the user may see (plan_content)")
    timed(view, "render", "template, with the context processors (render)")
    client = signed_in(user)
    for size, plan in plans.items():
        url = reverse("plans:plan_detail", args=[plan.pk])
        for _round in range(warmup):
            client.get(url, secure=True)
        spent.clear()
        whole = []
        for _round in range(requests):
            started = time.process_time()
            client.get(url, secure=True)
            whole.append((time.process_time() - started) * 1000)
        print(f"\n{size} plan, {requests} requests as its coordinator: CPU milliseconds, median and p95\n")
        print("| part | median | p95 |\n|---|---:|---:|")
        for part, samples in [*spent.items(), ("whole request", whole)]:
            print(f"| {part} | {statistics.median(samples):.1f} | {p95(samples):.1f} |")


def time_queries(user: User, plan: IndividualPlan, requests: int, warmup: int) -> None:
    """Wall-clock milliseconds of each of the page's queries, from sending it to PostgreSQL to having its
    rows (not turning them into objects): the time the request waits for the database, query by query."""
    from django.db import connection
    from django.urls import reverse

    spent: dict[str, list[float]] = {}

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.setdefault(sql, []).append((time.perf_counter() - started) * 1000)

    client = signed_in(user)
    url = reverse("plans:plan_detail", args=[plan.pk])
    for _round in range(warmup):
        client.get(url, secure=True)
    with connection.execute_wrapper(timed):
        for _round in range(requests):
            client.get(url, secure=True)
    print(f"\n{requests} requests of the large plan as its coordinator: milliseconds per query\n")
    print("| query | runs per request | median | p95 |\n|---|---:|---:|---:|")
    total = 0.0
    for sql, samples in spent.items():
        # The session's renewal runs once in several hundred requests: not part of the typical request.
        if len(samples) < requests:
            continue
        total += statistics.median(samples) * len(samples) / requests
        words = sql.split()
        # Named by its table; a statement without one (SAVEPOINT, SELECT 1) by itself.
        table = next((word for before, word in itertools.pairwise(words) if before in ("FROM", "INTO")), "")
        print(
            f"| {words[0]} {table} | {len(samples) // requests} | {statistics.median(samples):.2f} "
            f"| {p95(samples):.2f} |"
        )
    print(f"| all, summed medians | | {total:.1f} | |")


def without_template() -> None:
    """Replace the plan page's template by an empty page: what remains is everything else the request does
    (middleware, access check and record, loading the plan, arranging rows), a floor that no faster way of
    printing the page could go below."""
    from django.http import HttpResponse

    from vegviser.plans.views import plan as view

    def empty_page(*args: object, **kwargs: object) -> HttpResponse:
        return HttpResponse(b"")

    view.render = empty_page  # type: ignore[assignment]
    print("the template is replaced by an empty page (--without-template)")


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def calm(checks: list[float]) -> float:
    """The machine check's time when nothing slowed it: the fastest twentieth of the checks is under this."""
    return statistics.quantiles(checks, n=20, method="inclusive")[0]


def report(rows: list[tuple[str, str, Timing]], requests: int) -> None:
    calm_check = calm([check for _who, _size, timing in rows for check in timing.machine])
    medians = {(who, size): statistics.median(timing.wall) for who, size, timing in rows}
    print(f"\n{requests} requests per page after warm-up; milliseconds of server time\n")
    # The CPU p95 shows how much the same work's CPU time varies on the machine, apart from any waiting.
    print("| user | plan | median | p95 | max | CPU median | CPU p95 | queries | median large / small |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for who, size, timing in rows:
        ratio = f"{medians[(who, 'large')] / medians[(who, 'small')]:.2f}" if size == "large" else ""
        print(
            f"| {who} | {size} | {statistics.median(timing.wall):.1f} | {p95(timing.wall):.1f} "
            f"| {max(timing.wall):.1f} | {statistics.median(timing.cpu):.1f} | {p95(timing.cpu):.1f} "
            f"| {timing.queries} | {ratio} |"
        )
    # The same requests measured in machine checks, the ratio that the machine's slow spells move least;
    # times the check's calm time, they are what the page takes when the machine runs at its calm speed.
    print(f"\nThe same, over the machine check beside each request (calm: {calm_check:.1f} ms a check)\n")
    print("| user | plan | median, in checks | p95, in checks | median at calm speed | p95 at calm speed |")
    print("|---|---|---:|---:|---:|---:|")
    for who, size, timing in rows:
        in_checks = timing.in_checks()
        print(
            f"| {who} | {size} | {statistics.median(in_checks):.2f} | {p95(in_checks):.2f} "
            f"| {statistics.median(in_checks) * calm_check:.1f} | {p95(in_checks) * calm_check:.1f} |"
        )


def fixed_work() -> float:
    """CPU milliseconds of a fixed piece of pure Python (60 000 dictionary writes): the same on a steady
    machine whatever the code under test, so a slow spell of the machine shows here as well as in the page's
    times, and a slower page does not."""
    started = time.process_time()
    total, table = 0, {}
    for n in range(60_000):
        table[n % 1000] = str(n)
        total += len(table[n % 1000])
    return (time.process_time() - started) * 1000


def machine_speed(rounds: int = 600) -> tuple[float, float]:
    """The fixed work's median and p95 over `rounds`."""
    samples = [fixed_work() for _round in range(rounds)]
    return statistics.median(samples), p95(samples)


def print_environment() -> None:
    from django.db import connection

    from vegviser.plans.models import IndividualPlan
    from vegviser.registry.models import Person

    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        server = cursor.fetchone()[0]
    memory = next(
        (
            line.split(":")[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if "MemTotal" in line
        ),
        "?",
    )
    print(
        f"{connection.vendor} {server}; Python {platform.python_version()}, Django {django.get_version()}; "
        f"{os.cpu_count()} CPUs, {memory} memory"
    )
    print(f"{IndividualPlan.objects.count()} plans, {Person.objects.count()} persons in the database")
    from django.conf import settings
    from django.template import engines

    loaders = [type(loader).__module__ for loader in engines["django"].engine.template_loaders]
    print(f"DEBUG {settings.DEBUG}; template loaders {loaders}; sessions {settings.SESSION_ENGINE}")
    median, slow = machine_speed()
    print(f"machine check (a fixed loop of pure Python): median {median:.1f} ms, p95 {slow:.1f} ms")


if __name__ == "__main__":
    main()
