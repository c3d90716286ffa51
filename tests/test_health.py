"""Health endpoints, database timeouts, and a 503 the client may retry when the database is away."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.test import Client

from tests.test_settings import BASE_DIR

pytestmark = pytest.mark.django_db


@contextmanager
def database_unreachable():
    """Every new cursor fails the way a stopped server makes the driver fail."""
    error = connection.Database.OperationalError(
        "connection to server at 127.0.0.1 failed: Connection refused"
    )
    with mock.patch.object(connection, "create_cursor", side_effect=error):
        yield


def test_healthz_answers_without_the_database_a_host_check_or_a_redirect(settings, django_assert_num_queries):
    settings.SECURE_SSL_REDIRECT = True
    with database_unreachable(), django_assert_num_queries(0):
        response = Client().get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_checks_the_database():
    response = Client().get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})
    with database_unreachable():
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable: OperationalError"}
    assert response["Retry-After"] == "30"
    # Back without a restart.
    assert Client().get("/readyz").status_code == 200


class UnreachableCache(BaseCache):
    def __init__(self, location: str, params: dict) -> None:
        super().__init__(params)

    def set(self, *args: object, **kwargs: object) -> None:
        raise ConnectionError("cache server refused the connection")


def test_readyz_checks_a_cache_that_is_not_the_database(settings):
    settings.CACHES = {"default": {"BACKEND": "tests.test_health.UnreachableCache"}}
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable: ConnectionError"


def test_an_unreachable_database_is_a_503_to_retry_json_for_the_api_and_a_page_elsewhere(ml_guide, learner):
    client = Client(raise_request_exception=False)
    with database_unreachable():
        api = client.get("/api/v1/topics/")
        page = client.get("/questions/")
    assert (api.status_code, api["Retry-After"], api["Content-Type"]) == (503, "30", "application/json")
    assert "briefly unavailable" in api.json()["detail"]
    assert (page.status_code, page["Retry-After"]) == (503, "30")
    assert "<h1>Briefly unavailable</h1>" in page.content.decode()


def test_other_server_errors_stay_500(ml_guide):
    client = Client(raise_request_exception=False)
    with mock.patch("interview.views.bank.render", side_effect=RuntimeError("a bug")):
        response = client.get("/questions/")
    assert response.status_code == 500 and "Retry-After" not in response


def test_postgresql_connections_carry_connect_and_statement_timeouts(on_postgresql, settings):
    if not on_postgresql:
        assert "OPTIONS" not in settings.DATABASES["default"] or not settings.DATABASES["default"]["OPTIONS"]
        return
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 5
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


PROBE = """
import json, time, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
results = {}
for url in ["/healthz", "/readyz", "/", "/api/v1/topics/", "/static/css/app.css"]:
    started = time.monotonic()
    response = client.get(url, secure=True)
    results[url] = [response.status_code, response.get("Retry-After"), round(time.monotonic() - started, 2)]
print(json.dumps(results))
"""


def probe_production(tmp_path, database_url: str, **extra_env: str) -> dict:
    """Run PROBE in a fresh process with DEBUG off, the given database and a static file in STATIC_ROOT."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        **extra_env,
    )
    # What collectstatic would put there (WhiteNoise serves STATIC_ROOT), without its minute of compression.
    (tmp_path / "static" / "css").mkdir(parents=True)
    shutil.copy(BASE_DIR / "static" / "css" / "app.css", tmp_path / "static" / "css" / "app.css")
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_a_stopped_database_in_production_mode_gives_503s_while_static_files_and_healthz_still_work(tmp_path):
    """A real server address with nothing listening (the discard port), no mocks."""
    results = probe_production(tmp_path, "postgres://interview:interview@127.0.0.1:9/interview")
    assert results["/healthz"][0] == 200
    assert results["/readyz"][:2] == [503, "30"]
    assert results["/"][:2] == [503, "30"]
    assert results["/api/v1/topics/"][:2] == [503, "30"]
    assert results["/static/css/app.css"][0] == 200
    assert all(seconds < 10 for _, _, seconds in results.values())


def test_docker_compose_checks_the_app_through_readyz():
    import yaml

    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    for web in (services["web1"], services["web2"]):
        assert "http://127.0.0.1:8000/readyz" in " ".join(web["healthcheck"]["test"])


def test_a_hung_database_costs_a_request_the_connect_timeout_not_a_worker(tmp_path):
    """A server that accepts the connection and never answers, like a frozen PostgreSQL."""
    with socket.socket() as frozen:
        frozen.bind(("127.0.0.1", 0))
        frozen.listen(16)  # the kernel completes the handshakes; nobody ever reads or writes
        port = frozen.getsockname()[1]
        results = probe_production(
            tmp_path,
            f"postgres://interview:interview@127.0.0.1:{port}/interview",
            DATABASE_CONNECT_TIMEOUT="2",
        )
    assert results["/healthz"][0] == 200 and results["/healthz"][2] < 1
    assert results["/static/css/app.css"][0] == 200 and results["/static/css/app.css"][2] < 1
    for url in ["/readyz", "/", "/api/v1/topics/"]:
        status, retry_after, seconds = results[url]
        assert (status, retry_after) == (503, "30")
        assert 1.5 <= seconds < 8, (url, seconds)
