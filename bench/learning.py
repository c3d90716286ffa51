"""Learning benchmark: simulated learners with known memory parameters practise by the app's schedule.

For each profile it prints the dashboard's forecast readiness on the first morning against the simulated
recall when the interview day starts (calibration error, in points), the forecast answers a day against the
simulated ones, and fitted parameters against the true ones and the defaults (held-out log loss).

Usage (a throwaway database; it is migrated and the guide imported):
    DATABASE_URL=postgres://interview:interview@127.0.0.1:5432/bench_learning .venv/bin/python bench/learning.py
    DATABASE_URL=sqlite:////tmp/bench-learning.sqlite3 .venv/bin/python bench/learning.py --days 14 --seeds 3
It never touches the test database.
"""

import argparse
import os
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import User  # noqa: E402
from interview.memory_fit import Review, evaluate, fit_parameters, review_items, split_latest  # noqa: E402
from interview.scheduling import DEFAULT_MODEL  # noqa: E402
from interview.simulation import PROFILES, run_profile, synthetic_reviews  # noqa: E402

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def forecast_rows(days: int, seeds: int, new_limit: int) -> None:
    print("(* with parameters fitted to its own history; † with its true parameters)")
    print(f"Forecast against simulation ({days} days to the interview, {new_limit} new a day, {seeds} seeds)")
    print(
        f"{'profile':<10} {'forecast %':>10} {'simulated %':>11} {'error pts':>9} {'fc ans/day':>10} {'sim ans/day':>11} {'ratio':>6}"
    )
    # Each profile with the default model, and the forgetful one again with parameters fitted to 150 days of
    # its history (what fit_memory_models would give it).
    forgetful_history = synthetic_reviews(PROFILES["forgetful"], questions=48, days=150, start=START, seed=99)
    forgetful_fit = fit_parameters(
        [item for _, item in review_items([Review(*r) for r in forgetful_history], "UTC")]
    )
    cases = [(name, parameters, None) for name, parameters in PROFILES.items()]
    cases.append(("forgetful*", PROFILES["forgetful"], forgetful_fit))
    # The forecast's own error, apart from the memory model's: the app given the true parameters.
    cases.append(("forgetful†", PROFILES["forgetful"], list(PROFILES["forgetful"])))
    for name, parameters, memory_parameters in cases:
        runs = []
        for seed in range(seeds):
            email = f"bench-{seed}@example.com"
            User.objects.filter(email=email).delete()
            user = User.objects.create_user(
                email, "benchmark-password-1", daily_new_limit=new_limit, memory_parameters=memory_parameters
            )
            runs.append(run_profile(user, parameters, start=START, days=days, seed=seed))
            user.delete()
        forecast = statistics.mean(run.forecast_readiness for run in runs)
        simulated = statistics.mean(run.simulated_readiness for run in runs)
        fc_answers = statistics.mean(run.forecast_answers_per_day for run in runs)
        sim_answers = statistics.mean(run.simulated_answers_per_day for run in runs)
        print(
            f"{name:<10} {forecast:>10.1f} {simulated:>11.1f} {abs(forecast - simulated):>9.1f} "
            f"{fc_answers:>10.1f} {sim_answers:>11.1f} {sim_answers / fc_answers:>6.2f}"
        )


def fit_rows(days: int, seeds: int) -> None:
    print(f"\nFitted parameters on held-out reviews (latest 20 %, {days} days of history, {seeds} seeds)")
    print(f"{'profile':<10} {'reviews':>7} {'fitted':>7} {'defaults':>8} {'true':>7}  fitted beats defaults")
    for name, parameters in PROFILES.items():
        scores = []
        for seed in range(seeds):
            rows = synthetic_reviews(parameters, questions=48, days=days, start=START, seed=seed)
            train, held_out = split_latest(review_items([Review(*row) for row in rows], "UTC"))
            fitted = fit_parameters(train)
            scores.append(
                (
                    len(rows),
                    evaluate(fitted, held_out).log_loss,
                    evaluate(DEFAULT_MODEL.parameters, held_out).log_loss,
                    evaluate(parameters, held_out).log_loss,
                )
            )
        reviews, fitted, defaults, true = (statistics.mean(column) for column in zip(*scores, strict=True))
        wins = sum(1 for score in scores if score[1] < score[2])
        print(f"{name:<10} {reviews:>7.0f} {fitted:>7.3f} {defaults:>8.3f} {true:>7.3f}  {wins} of {seeds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--new", type=int, default=5, help="daily new limit")
    parser.add_argument("--history-days", type=int, default=150)
    args = parser.parse_args()

    settings.FSRS_ENABLE_FUZZING = False  # the forecast runs without fuzz; so does the benchmark
    call_command("migrate", verbosity=0)
    call_command("import_guide", "fixtures/guides/ml-engineer.txt", slug="ml-engineer", verbosity=0)
    forecast_rows(args.days, args.seeds, args.new)
    fit_rows(args.history_days, args.seeds)


if __name__ == "__main__":
    main()
