"""One endpoint under load, as `bench/load.py` describes it in BENCH_TARGET (JSON).

Each simulated user takes its own credentials (a token or a session cookie) from the target's list, so
concurrent users never share a practice session.
"""

import itertools
import json
import os

from locust import HttpUser, constant, task

TARGET = json.loads(os.environ["BENCH_TARGET"])
_credentials = itertools.cycle(TARGET.get("credentials") or [None])


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        credential = next(_credentials)
        self.client.headers["Host"] = "127.0.0.1"
        if TARGET["auth"] == "token":
            self.client.headers["Authorization"] = f"Token {credential}"
        elif TARGET["auth"] == "session":
            self.client.headers["Cookie"] = f"sessionid={credential}"

    @task
    def visit(self) -> None:
        if TARGET["kind"] == "record":
            self.next_then_record()
        elif TARGET["kind"] == "check":
            self.client.post(TARGET["path"], json=TARGET["body"], name=TARGET["name"])
        else:
            self.client.get(TARGET["path"], name=TARGET["name"])

    def next_then_record(self) -> None:
        """Fetch the next question and answer it: the practice loop of the API."""
        shown = self.client.get(TARGET["path"], name="next (record loop)")
        if shown.status_code != 200:
            return
        data = shown.json()
        self.client.post(
            "/api/v1/attempts/",
            json={
                "question": data["question"]["id"],
                "answer_text": "Bias is error from wrong assumptions; variance is sensitivity to the data.",
                "rating": 3,
                "duration_ms": 30_000,
                "token": data["token"],
            },
            name=TARGET["name"],
        )
