"""Dashboard scale benchmark: build a user with N attempts, then time the dashboard and count its queries.

Usage (a throwaway database; PostgreSQL gives the production figures):
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/dashboard.py --attempts 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/dashboard.py
It migrates that database, imports the guide, and prints figures; it never touches the test database.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from interview.models import ReviewState  # noqa: E402
from interview.selectors.dashboard import dashboard_stats  # noqa: E402
from tests.factories import attempt_history  # noqa: E402


def build(email: str, attempts: int) -> User:
    User.objects.filter(email=email).delete()
    user = User.objects.create_user(email, "benchmark-password-1")
    questions = attempt_history(user, attempts)
    reviewed = timezone.now() - timedelta(days=3)
    ReviewState.objects.bulk_create(
        ReviewState(
            user=user, question=q, phase=2, stability=5, difficulty=5, due=reviewed, last_review=reviewed
        )
        for q in questions
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("import_guide", "fixtures/guides/ml-engineer.txt", slug="ml-engineer", verbosity=0)
    user = build("bench@example.com", args.attempts)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    timings = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        dashboard_stats(user, timezone.now())
        timings.append((time.perf_counter() - began) * 1000)
    # Memory in a separate pass: tracing slows every Python call (SQLite's date functions are Python).
    tracemalloc.start()
    dashboard_stats(user, timezone.now())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with CaptureQueriesContext(connection) as queries:
        page_began = time.perf_counter()
        response = client.get("/dashboard/")
        page_ms = (time.perf_counter() - page_began) * 1000
    assert response.status_code == 200

    print(f"database            {connection.vendor}")
    print(f"attempts            {args.attempts}")
    print(
        f"stats median        {statistics.median(timings):.1f} ms  (p95 {sorted(timings)[int(0.95 * len(timings)) - 1]:.1f} ms)"
    )
    print(f"stats peak memory   {peak / 1024:.0f} KiB")
    print(
        f"dashboard page      {page_ms:.1f} ms, {len(queries)} queries, {len(response.content) / 1024:.0f} KiB"
    )
    User.objects.filter(pk=user.pk).delete()


if __name__ == "__main__":
    main()
