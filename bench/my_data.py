"""The person's own copy of everything stored about them ("My data", GDPR art. 15) as a PDF and as JSON, for
persons whose history holds 100, 1 000 and 10 000 access records and as many plan events, timed with pyperf
against the 100-record copy of the same run (DESIGN §4: performance is measured here and reported in
docs/benchmarks.md, never asserted in tests).

Run from the repository root, against a database of its own (it migrates and fills it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vegviser_bench_my_data SECRET_KEY=x \\
        VEGVISER_TEST_IDENTITIES=1 .venv/bin/python bench/my_data.py --fast -o my_data.json

The first run seeds the three persons; later runs find them and go straight to the timing. What is timed is
the work of the job that prepares the copy (`vegviser.portal.export.build`): the queries, the document's
HTML and WeasyPrint's PDF, or the JSON. pyperf's own options apply (--fast, --rigorous, -p, -n, --profile
FILE, ...); see bench/README.md.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "src"))
sys.path.insert(0, str(REPOSITORY))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vegviser.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402
import pyperf  # noqa: E402

warnings.filterwarnings("ignore", "No directory at", UserWarning)

if TYPE_CHECKING:
    from vegviser.registry.models import Person

# The sizes of history measured: access records, and as many plan events.
SIZES = (100, 1_000, 10_000)
BASELINE = SIZES[0]
# The measured persons are found again by this family name and the size in their given name.
FAMILY_NAME = "Historikk"
BATCH = 2000


def main() -> None:
    runner = pyperf.Runner(add_cmdline_args=pass_own_options)
    runner.argparser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="the sizes of history to time, comma-separated; the first is the baseline",
    )
    runner.argparser.add_argument(
        "--only", default="", metavar="TEXT", help="time only the benchmarks whose name contains TEXT"
    )
    args = runner.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database for the benchmark (see the docstring).")
    args.copy_env = True
    sizes = [int(size) for size in args.sizes.split(",")]

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    if not args.worker:
        call_command("migrate", verbosity=0, interactive=False)
        for size in sizes:
            seed(size)
    runner.metadata.update(machine())
    benchmarks = [(f"{kind}-{size}", kind, size) for size in sizes for kind in ("pdf", "json")]
    benchmarks = [bench for bench in benchmarks if args.only in bench[0]]
    if not args.worker:
        print(", ".join(f"{key} {value}" for key, value in runner.metadata.items()))
        load_before = load_average()
    results = {name: runner.bench_time_func(name, time_builds, kind, size) for name, kind, size in benchmarks}
    if not args.worker:
        print(f"load average (1, 5, 15 min) before timing {load_before}, after {load_average()}")
        if args.append:
            suite = pyperf.BenchmarkSuite.load(args.append)
            results = {name: suite.get_benchmark(name) for name in results}
        report(results, sizes[0])


def pass_own_options(command: list[str], args: Any) -> None:
    command += ["--sizes", args.sizes, "--only", args.only]


# Seeding


def person_of(size: int) -> Person | None:
    from vegviser.registry.models import Person

    return Person.objects.filter(family_name=FAMILY_NAME, given_name=f"Historikk {size}").first()


def seed(size: int) -> Person:
    """A person of 30 with an active plan built through the services (consent, coordinator, a teacher, a
    goal and a measure), then `size` access records and `size` plan events written with bulk_create: a
    quarter each of messages, the person's own ratings with a comment, meetings with minutes and a decision,
    and changes in the audit log. What matters here is how many rows the copy holds, and the services would
    take long for tens of thousands."""
    from django.db import connection, transaction
    from tests.plans.large_plan import first_plan

    from vegviser.access.services import record_consent
    from vegviser.accounts.services import create_user
    from vegviser.audit.models import AccessRecord, AuditAction, AuditRecord, Channel, ReadPurpose
    from vegviser.intake.services import appoint_coordinator
    from vegviser.plans import services
    from vegviser.plans.models import GoalRating, Meeting, MeetingDecision, PlanMessage
    from vegviser.registry import services as registry
    from vegviser.registry.identity import synthetic_national_id
    from vegviser.registry.models import Municipality

    found = person_of(size)
    if found is not None:
        print(f"the person with {size} records found")
        return found
    started = time.perf_counter()
    with transaction.atomic():
        bodo = Municipality.objects.get(number="1804")
        physio = registry.create_organisation(
            actor=None,
            data={"name": f"Fysioterapitjenesten ({size})", "kind": "physiotherapy", "municipality": bodo},
        )
        school = registry.create_organisation(
            actor=None, data={"name": f"Skolen ({size})", "kind": "school", "municipality": bodo}
        )
        coordinator = create_user(
            actor=None,
            data={"username": f"bench-my-data-coordinator-{size}", "first_name": "Kari", "last_name": "K"},
            organisation=physio,
            role="coordinator",
        )
        teacher = create_user(
            actor=None,
            data={"username": f"bench-my-data-teacher-{size}", "first_name": "Lars", "last_name": "L"},
            organisation=school,
            role="team_member",
        )
        own_user = create_user(
            actor=None,
            data={"username": f"bench-my-data-person-{size}", "first_name": "Historikk", "last_name": "P"},
        )
        born = date(1996, 1, 1) + timedelta(days=SIZES.index(size) if size in SIZES else size % 300)
        person = registry.create_person(
            actor=None,
            data={
                "given_name": f"Historikk {size}",
                "family_name": FAMILY_NAME,
                "national_id": synthetic_national_id(born, 0),
                "address": "Storgata 1",
                "postal_code": "8006",
                "postal_town": "Bodø",
                "municipality": bodo,
            },
        )
        person.user = own_user
        person.save(update_fields=["user"])
        record_consent(
            actor=None,
            person=person,
            data={
                "given_by": "person",
                "valid_from": date(2026, 1, 1),
                "evidence": "oral",
                "journal_reference": "J-1",
            },
            shared_with=[physio, school],
        )
        appoint_coordinator(
            actor=None,
            person=person,
            coordinator=coordinator,
            organisation=physio,
            kind="coordinator",
            started_on=date(2026, 1, 1),
        )
        plan = first_plan(person, actor=coordinator, teacher=teacher, organisation=school)
        plan.refresh_from_db()
        plan = services.activate_plan(actor=coordinator, plan=plan)
        goal = plan.goals.get()

        first = datetime(2024, 1, 1, 8, tzinfo=UTC)
        readers = [coordinator, teacher]
        purposes = list(ReadPurpose)
        for start in range(0, size, BATCH):
            rows = range(start, min(start + BATCH, size))
            AccessRecord.objects.bulk_create(
                [
                    AccessRecord(
                        actor=readers[n % 2],
                        actor_name=readers[n % 2].display_name,
                        actor_role="plan:coordinator" if n % 2 == 0 else "plan:full",
                        actor_organisation=(physio if n % 2 == 0 else school).name,
                        person_id=person.pk,
                        object_type="plans.individualplan",
                        object_id=str(plan.pk),
                        purpose=purposes[n % len(purposes)],
                        channel=Channel.WEB,
                    )
                    for n in rows
                ]
            )
        # auto_now_add: the times are given afterwards, one a minute apart, oldest first.
        _spread(AccessRecord.objects.filter(person_id=person.pk), "at", first)

        events = size // 4
        PlanMessage.objects.bulk_create(
            [
                PlanMessage(
                    plan=plan,
                    author=own_user if n % 2 == 0 else coordinator,
                    author_name=(own_user if n % 2 == 0 else coordinator).display_name,
                    from_person_side=n % 2 == 0,
                    text=f"Melding {n}: kan vi snakke om treningen neste uke?",
                )
                for n in range(events)
            ],
            batch_size=BATCH,
        )
        GoalRating.objects.bulk_create(
            [
                GoalRating(
                    goal=goal,
                    attainment=(n % 5) - 2,
                    comment=f"Egen vurdering {n}: det går litt bedre enn sist.",
                    rated_by=own_user,
                    rated_by_name=own_user.display_name,
                )
                for n in range(events)
            ],
            batch_size=BATCH,
        )
        meetings = [
            Meeting(
                plan=plan,
                starts_at=first + timedelta(days=n),
                ends_at=first + timedelta(days=n, hours=1),
                place="Rådhuset",
                agenda="Status og videre plan",
                minutes=f"Referat {n}: gjennomgang av målene og tiltakene.",
                minutes_approved_at=first + timedelta(days=n, hours=2),
                minutes_approved_by=coordinator,
                created_by=coordinator,
            )
            for n in range(events)
        ]
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        MeetingDecision.objects.bulk_create(
            [
                MeetingDecision(meeting=meeting, text=f"Vedtak {n}: tiltaket fortsetter.")
                for n, meeting in enumerate(meetings)
            ],
            batch_size=BATCH,
        )
        actions = list(AuditAction)
        AuditRecord.objects.bulk_create(
            [
                AuditRecord(
                    actor=coordinator,
                    actor_name=coordinator.display_name,
                    action=actions[n % len(actions)],
                    object_type="plans.individualplan",
                    object_id=str(plan.pk),
                    person_id=person.pk,
                )
                for n in range(size - 3 * events)
            ],
            batch_size=BATCH,
        )
        for model, field in ((PlanMessage, "created_at"), (GoalRating, "created_at")):
            _spread(model.objects.filter(**_of_plan(model, plan)), field, first)
        _spread(AuditRecord.objects.filter(person_id=person.pk), "at", first)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"seeded the person with {size} records ({time.perf_counter() - started:.0f} s)", flush=True)
    return person


def _of_plan(model: Any, plan: Any) -> dict[str, Any]:
    return {"goal__plan": plan} if model.__name__ == "GoalRating" else {"plan": plan}


def _spread(rows: Any, field: str, first: datetime) -> None:
    """Give the rows times a minute apart from `first`, in the order they were written."""
    model = rows.model
    order = "id" if model._meta.pk.get_internal_type() != "UUIDField" else field
    changed = []
    for n, row in enumerate(rows.order_by(order).only("pk")):
        setattr(row, field, first + timedelta(minutes=n))
        changed.append(row)
    model.objects.bulk_update(changed, [field], batch_size=BATCH)


# Timing


def time_builds(loops: int, kind: str, size: int) -> float:
    """Seconds for `loops` builds of the person's copy: pyperf's time function."""
    from vegviser.portal import export

    person = person_of(size)
    assert person is not None
    started = time.perf_counter()
    for _build in range(loops):
        export.build(person, kind=kind, language="nb")
    return time.perf_counter() - started


def machine() -> dict[str, str]:
    from django.db import connection

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
    import weasyprint

    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
        "postgresql": server,
    }


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def report(results: dict[str, pyperf.Benchmark | None], baseline: int) -> None:
    """Each build's mean ± standard deviation, and its ratio to the build of the baseline size."""
    print(
        f"\n| benchmark | mean ± std dev (ms) | over {baseline} records | per record, over {baseline} |"
        "\n|---|---:|---:|---:|"
    )
    for name, bench in results.items():
        assert bench is not None
        kind, size = name.rsplit("-", 1)
        base = results.get(f"{kind}-{baseline}")
        ratio = bench.mean() / base.mean() if base else None
        spread = f" ± {bench.stdev() * 1000:.1f}" if bench.get_nvalue() > 1 else ""
        per_record = f"{ratio / (int(size) / baseline):.2f}" if ratio else ""
        print(
            f"| {name} | {bench.mean() * 1000:.1f}{spread} | "
            f"{f'{ratio:.2f}' if ratio else ''} | {per_record} |"
        )


if __name__ == "__main__":
    main()
