"""CPU per request, in one process: the app's own cost of each benchmark endpoint, as a ratio to the ceiling's.

Throughput under load on a shared two-core machine moves with the neighbours; the CPU time the app spends on
one request barely does. This runs every endpoint of `make bench` through Django's test client (the whole
middleware stack, DEBUG off, the benchmark database and cache), after a warm-up, and prints the mean CPU
milliseconds of the app process and of PostgreSQL's backend per request, and their ratio to the ceiling
view's. ``--profile NAME`` prints where one endpoint's time goes (cProfile, 25 costliest functions).

    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/cpu.py
    .venv/bin/python bench/cpu.py --profile "/dashboard/ (100k)"

It reuses (or seeds) the database of bench/load.py: see its docstring for BENCH_DATABASE_URL and the flags.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("API_THROTTLE_WRITES", "1000000/minute")
os.environ.setdefault("API_THROTTLE_AUTH", "1000000/minute")
os.environ.setdefault("STATIC_ROOT", "/tmp/interview-bench-static")

from bench import load


def backend_cpu_seconds(connection) -> float:
    """CPU seconds PostgreSQL's backend for this connection has used (from /proc: same machine only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another user's process or another machine
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--heavy", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="Requests per endpoint, after 5 warm-ups.")
    parser.add_argument("--only", help="Only endpoints whose name contains this.")
    parser.add_argument("--profile", help="The name of one endpoint to profile.")
    args = parser.parse_args()

    load.ensure_database()
    fixture = load.prepare(args.learners, args.attempts, args.heavy)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("collectstatic", "--noinput", verbosity=0)

    client = Client(HTTP_HOST="127.0.0.1")
    recorder_index = 0

    def send(target: dict) -> None:
        nonlocal recorder_index
        headers = {}
        if target["auth"] == "token":
            headers["Authorization"] = f"Token {target['credentials'][0]}"
        elif target["auth"] == "session":
            client.cookies["sessionid"] = target["credentials"][0]
        else:
            client.cookies.pop("sessionid", None)
        if target["kind"] == "check":
            response = client.post(
                target["path"], json.dumps(target["body"]), content_type="application/json", headers=headers
            )
        elif target["kind"] == "record":  # one practice step: next, then its answer
            token = target["credentials"][recorder_index % len(target["credentials"])]
            recorder_index += 1
            headers = {"Authorization": f"Token {token}"}
            shown = client.get(target["path"], headers=headers)
            if shown.status_code == 204:
                return
            body = shown.json()
            response = client.post(
                "/api/v1/attempts/",
                json.dumps(
                    {
                        "question": body["question"]["id"],
                        "token": body["token"],
                        "answer_text": "An answer.",
                        "rating": 3,
                    }
                ),
                content_type="application/json",
                headers=headers,
            )
        else:
            response = client.get(target["path"], headers=headers)
        if response.status_code >= 400:
            raise SystemExit(f"{target['name']}: HTTP {response.status_code}")

    all_targets = load.targets(fixture) + load.growth_targets(fixture)
    if args.profile:
        target = next(t for t in all_targets if t["name"] == args.profile)
        for _ in range(5):
            send(target)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            send(target)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return

    chosen = [t for t in all_targets if t["name"].startswith("ceiling") or (args.only or "") in t["name"]]
    print(f"{'endpoint':40} {'app CPU':>9} {'ratio':>6} {'db CPU':>8} {'wall':>8}")
    ceilings: dict[str, float] = {}
    for target in chosen:
        for _ in range(5):
            send(target)
        backend_before, cpu_before, wall_before = (
            backend_cpu_seconds(connection),
            time.process_time(),
            time.perf_counter(),
        )
        for _ in range(args.requests):
            send(target)
        app = (time.process_time() - cpu_before) * 1000 / args.requests
        wall = (time.perf_counter() - wall_before) * 1000 / args.requests
        database = (backend_cpu_seconds(connection) - backend_before) * 1000 / args.requests
        if target["name"].startswith("ceiling"):
            ceilings[target["auth"]] = app + database
        ceiling = ceilings["token" if target["auth"] == "token" else "session"]
        # A ratio above 1 would be faster than the ceiling: the figure is the ceiling's share of this cost.
        print(
            f"{target['name']:40} {app:7.2f}ms {ceiling / (app + database):6.2f} {database:6.2f}ms {wall:6.2f}ms"
        )


if __name__ == "__main__":
    main()
