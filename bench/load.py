"""Load benchmark (`make bench`): gunicorn on PostgreSQL, locust against each endpoint, ratios to a ceiling.

It seeds a PostgreSQL database with seed_demo (1,000 learners and 1,000,000 attempts by default, reused
when already there), adds learners with exactly 100 / 1,000 / 10,000 / 20,000 / 100,000 attempts, starts
gunicorn (2 sync workers, DEBUG off) on 127.0.0.1, and runs locust headless against one endpoint at a time,
interleaved and repeated. Every throughput is divided by the "ceiling" view's (same middleware and
authentication, one indexed read) measured in the same round, so the figures survive a noisy machine.

    .venv/bin/python bench/load.py                 # the full run (about 25 minutes with seeding)
    .venv/bin/python bench/load.py --quick         # a smaller database and shorter runs, to try it
    .venv/bin/python bench/load.py --growth-only   # only the dashboard and stats growth curve
    REDIS_URL=redis://127.0.0.1:6379/0 ...         # throttles in Redis, as in production
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/load.py

Only 127.0.0.1 is ever contacted. Each locust run is bounded in time.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://interview:interview@127.0.0.1:5432/interview_bench"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# Sessions made here are signed with the key the server will check them with.
os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
GROWTH = (100, 1_000, 10_000, 20_000, 100_000)
RECORDERS = 8


def ensure_database() -> None:
    """Create the benchmark database when it does not exist yet (never the app's or the tests')."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Fixture:
    """Who the load runs as: tokens, session cookies and the ids the endpoints need."""

    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    recorder_tokens: list[str] = field(default_factory=list)
    question_id: int = 0
    topic_slug: str = ""
    cohort_id: int = 0
    big_cohort_id: int = 0
    assignment_id: int = 0
    seed_seconds: float | None = None


def prepare(learners: int, attempts: int, heavy: int) -> Fixture:
    import django

    django.setup()
    import random

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone
    from fsrs import Scheduler
    from knox.models import AuthToken

    from accounts.models import User
    from interview.bulk import bulk_insert
    from interview.demo import DEMO_DOMAIN, simulate_learner
    from interview.management.commands.seed_demo import analyze_tables
    from interview.models import (
        Assignment,
        Attempt,
        Cohort,
        DailyActivity,
        Membership,
        Question,
        ReviewState,
        Topic,
    )
    from interview.services.activity import activity_rebuild

    call_command("migrate", verbosity=0)
    call_command("import_guide", "fixtures/guides/ml-engineer.txt", slug="ml-engineer", verbosity=0)
    fixture = Fixture()
    demo = User.objects.filter(email__startswith="learner", email__endswith=f"@{DEMO_DOMAIN}")
    seeded = Attempt.objects.filter(user__in=demo).count()
    if demo.count() != learners or seeded != attempts:
        began = time.perf_counter()
        call_command("seed_demo", learners=learners, attempts=attempts, heavy=heavy, stdout=sys.stderr)
        fixture.seed_seconds = time.perf_counter() - began
    elif not DailyActivity.objects.filter(user__in=demo).exists():  # seeded before the rollup existed
        activity_rebuild(users=demo)

    now = timezone.now()
    question_ids = list(Question.objects.public().values_list("pk", flat=True))
    rng = random.Random(5)
    scheduler = Scheduler(enable_fuzzing=False)
    wanted = {f"growth{count}@{DEMO_DOMAIN}": count for count in GROWTH}
    wanted |= {f"recorder{index}@{DEMO_DOMAIN}": 1_000 for index in range(RECORDERS)}
    for email, count in wanted.items():
        user, created = User.objects.get_or_create(
            email=email, defaults={"daily_new_limit": 200, "daily_review_limit": 1000}
        )
        if created or Attempt.objects.filter(user=user).count() < count:
            Attempt.objects.filter(user=user).delete()
            ReviewState.objects.filter(user=user).delete()
            history = simulate_learner(
                user=user,
                question_ids=question_ids,
                attempts=count,
                start=now - timezone.timedelta(days=360),
                end=now,
                rng=rng,
                scheduler=scheduler,
            )
            bulk_insert(Attempt, history.attempts)
            bulk_insert(ReviewState, history.states)
            activity_rebuild(users=[user])

    analyze_tables()  # planner statistics after the bulk inserts, as seed_demo leaves them

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    for count in GROWTH:
        user = User.objects.get(email=f"growth{count}@{DEMO_DOMAIN}")
        fixture.tokens[str(count)] = AuthToken.objects.create(user=user)[1]
        fixture.sessions[str(count)] = session_for(user)
    fixture.recorder_tokens = [
        AuthToken.objects.create(user=User.objects.get(email=f"recorder{index}@{DEMO_DOMAIN}"))[1]
        for index in range(RECORDERS)
    ]
    cohort = (
        Cohort.objects.filter(name__startswith="Demo cohort")
        .annotate(learners=Count("memberships"))
        .filter(learners=31)
        .first()
    )
    mentor = User.objects.get(memberships__cohort=cohort, memberships__role=Membership.Role.MENTOR)
    fixture.sessions["mentor"] = session_for(mentor)
    fixture.cohort_id = cohort.pk
    fixture.assignment_id = Assignment.objects.filter(cohort=cohort).values_list("pk", flat=True)[0]
    big, created = Cohort.objects.get_or_create(name="Bench cohort of 500")
    if created:
        Membership.objects.create(cohort=big, user=mentor, role=Membership.Role.MENTOR)
        Membership.objects.bulk_create(
            Membership(cohort=big, user=learner, role=Membership.Role.LEARNER) for learner in demo[:500]
        )
    fixture.big_cohort_id = big.pk
    fixture.question_id = question_ids[0]
    fixture.topic_slug = Topic.objects.filter(questions__pk=question_ids[0]).values_list("slug", flat=True)[0]
    return fixture


def targets(fixture: Fixture) -> list[dict]:
    def get(name: str, path: str, auth: str, credential: str | None) -> dict:
        return {"name": name, "kind": "get", "path": path, "auth": auth, "credentials": [credential]}

    token, cookie = fixture.tokens, fixture.sessions
    check = {
        "name": "POST /api/v1/practice/check/",
        "kind": "check",
        "path": "/api/v1/practice/check/",
        "auth": "token",
        "credentials": [token["20000"]],
        "body": {
            "question": fixture.question_id,
            "answer_text": "Bias is error from overly simple assumptions; variance is sensitivity to noise.",
        },
    }
    record = {
        "name": "next + POST /api/v1/attempts/",
        "kind": "record",
        "path": f"/api/v1/practice/next/?mode=topic&topic={fixture.topic_slug}",
        "auth": "token",
        "credentials": fixture.recorder_tokens,
    }
    return [
        get("ceiling (token)", "/bench/ceiling/api/", "token", token["100"]),
        get("ceiling (session)", "/bench/ceiling/page/", "session", cookie["100"]),
        get(
            "GET /api/v1/practice/next/ (20k)",
            f"/api/v1/practice/next/?mode=topic&topic={fixture.topic_slug}",
            "token",
            token["20000"],
        ),
        check,
        record,
        get("GET /api/v1/stats/ (100)", "/api/v1/stats/", "token", token["100"]),
        get("GET /api/v1/stats/ (100k)", "/api/v1/stats/", "token", token["100000"]),
        get("/dashboard/ (100)", "/dashboard/", "session", cookie["100"]),
        get("/dashboard/ (100k)", "/dashboard/", "session", cookie["100000"]),
        get(
            "/mentor/cohorts/<id>/ (30)", f"/mentor/cohorts/{fixture.cohort_id}/", "session", cookie["mentor"]
        ),
        get(
            "/mentor/cohorts/<id>/ (500)",
            f"/mentor/cohorts/{fixture.big_cohort_id}/",
            "session",
            cookie["mentor"],
        ),
        get(
            "/mentor/assignments/<id>/",
            f"/mentor/assignments/{fixture.assignment_id}/",
            "session",
            cookie["mentor"],
        ),
        get("anonymous home", "/", "none", None),
    ]


def growth_targets(fixture: Fixture) -> list[dict]:
    return [
        {
            "name": f"/dashboard/ ({count:,} attempts)",
            "kind": "get",
            "path": "/dashboard/",
            "auth": "session",
            "credentials": [fixture.sessions[str(count)]],
        }
        for count in GROWTH
    ] + [
        {
            "name": f"GET /api/v1/stats/ ({count:,} attempts)",
            "kind": "get",
            "path": "/api/v1/stats/",
            "auth": "token",
            "credentials": [fixture.tokens[str(count)]],
        }
        for count in GROWTH
    ]


def start_server(port: int, static_root: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        # Throttles would turn a load test into a test of the throttle.
        "API_THROTTLE_WRITES": "1000000/minute",
        "API_THROTTLE_AUTH": "1000000/minute",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def single_client(port: int, target: dict, repeat: int = 15) -> tuple[float, int]:
    """Median milliseconds and the query count of one request at a time (no concurrency)."""
    headers = {"Host": "127.0.0.1"}
    credential = target["credentials"][0]
    if target["auth"] == "token":
        headers["Authorization"] = f"Token {credential}"
    elif target["auth"] == "session":
        headers["Cookie"] = f"sessionid={credential}"
    timings, queries = [], 0
    for _ in range(repeat):
        if target["kind"] == "check":
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{target['path']}",
                data=json.dumps(target["body"]).encode(),
                headers={**headers, "Content-Type": "application/json"},
            )
        else:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{target['path']}", headers=headers)
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            queries = int(response.headers.get("X-Queries", 0))
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings), queries


def run_locust(port: int, target: dict, users: int, seconds: int, workdir: Path) -> dict:
    prefix = workdir / f"run-{secrets.token_hex(4)}"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--exit-code-on-error",
            "0",
        ],
        env={**os.environ, "BENCH_TARGET": json.dumps(target)},
        cwd=ROOT,
        check=True,
        timeout=seconds + 60,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    row = rows[target["name"]]
    return {
        "rps": float(row["Requests/s"]),
        "failures": int(row["Failure Count"]),
        "requests": int(row["Request Count"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def worker_rss_mib(server: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--heavy", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=8, help="Concurrent locust users.")
    parser.add_argument("--seconds", type=int, default=15, help="Length of each locust run.")
    parser.add_argument("--repeats", type=int, default=3, help="Rounds; each reports the median.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--quick", action="store_true", help="A small database and short runs.")
    parser.add_argument(
        "--growth-only", action="store_true", help="Only the ceilings and the dashboard/stats growth curve."
    )
    parser.add_argument("--only", help="Only the endpoints whose name contains this (and the ceilings).")
    args = parser.parse_args()
    if args.quick:
        args.learners, args.attempts, args.heavy, args.seconds, args.repeats = 60, 20_000, 2_000, 5, 1

    ensure_database()
    fixture = prepare(args.learners, args.attempts, args.heavy)
    main_targets, growth = targets(fixture), growth_targets(fixture)
    if args.growth_only:
        main_targets = [target for target in main_targets if target["name"].startswith("ceiling")]
    if args.only:
        main_targets = [t for t in main_targets if t["name"].startswith("ceiling") or args.only in t["name"]]
        growth = [target for target in growth if args.only in target["name"]]
    with tempfile.TemporaryDirectory() as workdir:
        server = start_server(args.port, str(Path(workdir) / "static"))
        try:
            results: dict[str, list[dict]] = {}
            for _ in range(args.repeats):
                for target in main_targets + growth:
                    result = run_locust(args.port, target, args.users, args.seconds, Path(workdir))
                    results.setdefault(target["name"], []).append(result)
            # Kept before the single-client pass, so that a failure there does not lose the load figures.
            Path(workdir, "results.json").write_text(json.dumps(results))
            print(f"load figures: {json.dumps(results)}", file=sys.stderr)
            singles = {target["name"]: single_client(args.port, target) for target in main_targets + growth}
            rss = worker_rss_mib(server)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    def median(name: str, key: str) -> float:
        return statistics.median(result[key] for result in results[name])

    def ratio(name: str) -> float:
        # Token-authenticated calls against the token ceiling, the rest against the session one, per round.
        target = next(t for t in main_targets + growth if t["name"] == name)
        ceiling = "ceiling (token)" if target["auth"] == "token" else "ceiling (session)"
        return statistics.median(
            run["rps"] / base["rps"] for run, base in zip(results[name], results[ceiling], strict=True)
        )

    print(
        f"\ndatabase  {DATABASE_URL.rsplit('@', 1)[-1]}  ·  {args.learners:,} learners, "
        f"{args.attempts + args.heavy:,} seeded attempts  ·  gunicorn 2 sync workers  ·  "
        f"{args.users} users  ·  {args.repeats}×{args.seconds}s each  ·  {os.cpu_count()} CPUs  ·  "
        f"cache: {'Redis' if os.environ.get('REDIS_URL') else 'database (set REDIS_URL for Redis)'}"
    )
    if fixture.seed_seconds is not None:
        print(f"seeding took {fixture.seed_seconds:.0f} s")
    header = f"{'endpoint':38} {'ratio':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'1 client':>9} {'queries':>7} {'fail':>5}"
    print(header)
    print("-" * len(header))
    for target in main_targets + growth:
        name = target["name"]
        single_ms, queries = singles[name]
        print(
            f"{name:38} {ratio(name):6.2f} {median(name, 'rps'):7.1f} {median(name, 'p50'):6.0f} "
            f"{median(name, 'p95'):6.0f} {median(name, 'p99'):6.0f} {single_ms:7.1f}ms {queries:7d} "
            f"{sum(r['failures'] for r in results[name]):5d}"
        )
    for label, path in (("dashboard", "/dashboard/"), ("stats", "GET /api/v1/stats/")):
        smallest, largest = f"{path} ({GROWTH[0]:,} attempts)", f"{path} ({GROWTH[-1]:,} attempts)"
        if smallest in singles and largest in singles:
            print(
                f"{label} growth, {GROWTH[0]:,} → {GROWTH[-1]:,} attempts (1 client): "
                f"{singles[largest][0] / singles[smallest][0]:.2f}×"
            )
    print(f"worker RSS after the run: {', '.join(f'{size:.0f} MiB' for size in rss)}")


if __name__ == "__main__":
    main()
