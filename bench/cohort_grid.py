"""Cohort grid scale benchmark: the cohort page for 30 learners and for 500, and the ratio of their times.

Usage (a throwaway database; PostgreSQL gives the production figures):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/cohort_grid.py
It migrates that database, imports the guide, replaces the demo data (seed_demo: 530 learners with realistic
histories), puts 500 of them in one more cohort, and prints figures; it never touches the test database.
Each figure is the fastest of --repeat alternating requests: on a shared machine noise only ever adds time. The
CPU time of this process (the app's share, without the database's) is printed too.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from interview.demo import DEMO_DOMAIN  # noqa: E402
from interview.models import Assignment, AssignmentLearner, Cohort, Membership  # noqa: E402

SORTS = ["name", "-activity", "topic-time-series"]


def big_cohort(mentor: User, size: int) -> Cohort:
    """A cohort of ``size`` demo learners, mentored by ``mentor``, with their first cohort's assignment."""
    cohort = Cohort.objects.create(name=f"Bench cohort of {size}")
    Membership.objects.create(cohort=cohort, user=mentor, role=Membership.Role.MENTOR)
    learners = list(User.objects.filter(email__startswith="learner", email__endswith=DEMO_DOMAIN)[:size])
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=user, role=Membership.Role.LEARNER) for user in learners
    )
    model = Assignment.objects.filter(cohort__memberships__user=mentor).first()
    assignment = Assignment.objects.create(
        question_set=model.question_set,
        title=model.title,
        question_ids=model.question_ids,
        cohort=cohort,
        created_by=mentor,
        due_date=model.due_date,
    )
    AssignmentLearner.objects.bulk_create(
        AssignmentLearner(assignment=assignment, learner=u) for u in learners
    )
    return cohort


def fastest(client: Client, urls: list[str], repeat: int, clock) -> list[float]:
    best = [float("inf")] * len(urls)
    for _ in range(repeat):
        for index, url in enumerate(urls):
            began = clock()
            assert client.get(url).status_code == 200
            best[index] = min(best[index], clock() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("import_guide", "fixtures/guides/ml-engineer.txt", slug="ml-engineer", verbosity=0)
    call_command("seed_demo", learners=args.size + 30, attempts=20_000, verbosity=0)
    mentor = User.objects.get(email=f"mentor0000@{DEMO_DOMAIN}")
    small = Cohort.objects.filter(memberships__user=mentor).get()
    big = big_cohort(mentor, args.size)
    client = Client(HTTP_HOST="localhost")
    client.force_login(mentor)

    print(f"database            {connection.vendor}")
    for sort in SORTS:
        urls = [f"/mentor/cohorts/{small.pk}/?sort={sort}", f"/mentor/cohorts/{big.pk}/?sort={sort}"]
        client.get(urls[0]), client.get(urls[1])
        wall = fastest(client, urls, args.repeat, time.perf_counter)
        cpu = fastest(client, urls, args.repeat, time.process_time)
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts.append(len(queries))
        print(
            f"sort={sort:<18} 30: {wall[0] * 1000:5.0f} ms ({counts[0]} queries)  "
            f"{args.size}: {wall[1] * 1000:5.0f} ms ({counts[1]} queries)  ratio {wall[1] / wall[0]:.2f}  "
            f"(CPU ratio {cpu[1] / cpu[0]:.2f})"
        )


if __name__ == "__main__":
    main()
