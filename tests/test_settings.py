"""Settings come from the environment; production refuses unsafe defaults; the deploy files hold up."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# What docker-compose's worker runs (RQ needs django-tasks' job class to run a task).
WORKER_COMMAND = ["python", "manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.backend.Job"]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_a_typo_in_a_boolean_setting_is_an_error_not_a_guess():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'." in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="trainer.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_needs_no_environment_at_all():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_docker_compose_runs_two_web_replicas_behind_a_proxy_with_a_worker_and_a_scheduler_on_shared_services():
    compose = yaml.load((BASE_DIR / "docker-compose.yml").read_text(), Loader=yaml.SafeLoader)
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "web1", "web2", "worker", "scheduler", "proxy"}
    assert services["db"]["image"] == "postgres:16"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert {"pgdata", "redisdata"} <= set(compose["volumes"])
    app = ["migrate", "web1", "web2", "worker", "scheduler"]
    # One database and one Redis for every app process: that is what makes the replicas one site.
    assert len({services[name]["environment"]["DATABASE_URL"] for name in app}) == 1
    assert {services[name]["environment"]["REDIS_URL"] for name in app} == {"redis://redis:6379/0"}
    for web in ("web1", "web2"):
        assert services[web]["environment"]["DEBUG"] == "false"
        assert services[web]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
        assert services[web]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[web]["depends_on"]["db"]["condition"] == "service_healthy"
        assert "/readyz" in " ".join(services[web]["healthcheck"]["test"])
        assert "gunicorn" in " ".join(services[web]["command"])
    assert "migrate" in " ".join(services["migrate"]["command"])
    assert services["worker"]["command"] == WORKER_COMMAND
    # One process enqueues the scheduled tasks (hourly emails, the nightly fit) for the worker.
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_periodic", "--loop"]
    caddyfile = (BASE_DIR / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web1:8000 web2:8000" in caddyfile
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_the_image_migrates_loads_the_guide_and_serves_with_gunicorn():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert command.index("migrate") < command.index("import_guide") < command.index("gunicorn")
    assert "pip install -r requirements.txt" in dockerfile


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_app_serves_pages_and_static_files_under_gunicorn_in_production_mode(
    tmp_path, production_static_root
):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_ROOT": str(production_static_root),
    }
    for command in (
        ["migrate", "--noinput"],
        ["import_guide", "fixtures/guides/ml-engineer.txt", "--slug", "ml-engineer"],
    ):
        result = run_manage(*command, **env)
        assert result.returncode == 0, result.stderr

    port = free_port()
    environment = {**os.environ, **env}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        home = None
        for _ in range(100):
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        assert home is not None, "gunicorn did not answer"
        html = home.read().decode()
        assert "<dt>Questions</dt><dd>48</dd>" in html
        stylesheet = next(part.split('"')[0] for part in html.split('href="')[1:] if "app." in part)
        assert stylesheet.startswith("/static/css/app.") and stylesheet != "/static/css/app.css"
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}", timeout=5)
        assert css.headers["Content-Type"].startswith("text/css")
        assert "max-age" in css.headers["Cache-Control"]
        for encoding in ("br", "gzip"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{stylesheet}", headers={"Accept-Encoding": encoding}
            )
            assert urllib.request.urlopen(request, timeout=5).headers["Content-Encoding"] == encoding
        page = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept-Encoding": "gzip"})
        assert urllib.request.urlopen(page, timeout=5).headers["Content-Encoding"] == "gzip"
    finally:
        server.terminate()
        server.wait(timeout=10)


def setting(name: str, **env: str) -> str:
    """A setting's value as the app would see it with this environment."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print(repr(settings.{name}))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50}
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def test_production_keeps_database_connections_open_and_checks_them_before_reuse():
    database = setting("DATABASES['default']", **PRODUCTION, DATABASE_URL=POSTGRES_URL)
    assert "'CONN_MAX_AGE': 60" in database
    assert "'CONN_HEALTH_CHECKS': True" in database
    assert "'CONN_MAX_AGE': 0" in setting("DATABASES['default']", DEBUG="true")


def test_postgresql_connections_run_without_jit_compilation():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW jit'); print(cursor.fetchone()[0])",
        DATABASE_URL=POSTGRES_URL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "off"


PREPARED_COUNT = (
    "from django.db import connection\n"
    "for _ in range(7):\n"
    "    with connection.cursor() as cursor:\n"
    "        cursor.execute('SELECT count(*) FROM pg_class WHERE relpages > %s', [0])\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SELECT count(*) FROM pg_prepared_statements'); print(cursor.fetchone()[0])"
)


@pytest.mark.parametrize(("setting_value", "prepared_count"), [("true", "1"), ("false", "0")])
def test_postgresql_prepares_a_statement_run_again_and_again_unless_told_not_to(
    setting_value, prepared_count
):
    """psycopg prepares a statement after five runs on one connection; behind a PgBouncer in transaction mode
    before 1.21, DATABASE_PREPARED_STATEMENTS=false turns it off."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        PREPARED_COUNT,
        DATABASE_URL=POSTGRES_URL,
        DATABASE_PREPARED_STATEMENTS=setting_value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == prepared_count


def test_the_embedded_default_keeps_the_cache_in_the_database():
    assert "DatabaseCache" in setting("CACHES['default']['BACKEND']", REDIS_URL="")


def test_redis_url_puts_the_cache_in_redis():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.cache import cache; cache.set('probe', 41); from django.core.cache import caches; print(type(caches['default']).__name__, cache.get('probe') + 1)",
        REDIS_URL="redis://127.0.0.1:6379/9",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "RedisCache 42"


def test_pages_are_compressed_for_clients_that_accept_gzip_and_the_api_is_not(client, ml_guide):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    api = client.get("/api/v1/topics/", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == 200
    assert "Content-Encoding" not in api
    assert api.json()["count"] > 0


def test_tasks_run_in_the_request_in_development_and_in_a_queue_in_production():
    assert "ImmediateBackend" in setting("TASKS['default']['BACKEND']", DEBUG="true")
    assert "django_tasks_db.DatabaseBackend" in setting(
        "TASKS['default']['BACKEND']", **PRODUCTION, REDIS_URL=""
    )
    with_redis = setting("TASKS['default']['BACKEND']", **PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/9")
    assert "django_tasks_rq.RQBackend" in with_redis


def test_an_unknown_task_backend_is_refused_by_name():
    result = run_manage("check", TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of immediate, database, rq, not 'celery'." in result.stderr
