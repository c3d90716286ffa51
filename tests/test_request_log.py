"""One JSON log line per request, with its request id, the user id and the duration."""

import json
import logging

import pytest
from django.test import Client
from knox.models import AuthToken

from config.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def request_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "interview.requests"
    ]


def test_each_request_logs_one_json_line_with_its_id_user_and_duration(caplog, learner_client, learner):
    with caplog.at_level(logging.INFO, logger="interview.requests"):
        response = learner_client.get("/dashboard/?secret=not-logged")
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert (line["method"], line["path"], line["status"], line["user_id"]) == (
        "GET",
        "/dashboard/",
        200,
        learner.pk,
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert "not-logged" not in json.dumps(line)


def test_a_token_users_id_and_the_proxys_request_id_are_kept(caplog, learner):
    _, token = AuthToken.objects.create(user=learner)
    client = Client(headers={"Authorization": f"Token {token}", "X-Request-ID": "edge-7f3a.42"})
    with caplog.at_level(logging.INFO, logger="interview.requests"):
        response = client.get("/api/v1/me/")
        Client(headers={"X-Request-ID": "bad id; drop table"}).get("/topics/")
    token_line, visitor_line = request_lines(caplog)
    assert (token_line["request_id"], response["X-Request-ID"], token_line["user_id"]) == (
        "edge-7f3a.42",
        "edge-7f3a.42",
        learner.pk,
    )
    assert visitor_line["user_id"] is None and len(visitor_line["request_id"]) == 32
