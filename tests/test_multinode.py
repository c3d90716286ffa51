"""Two app servers on one database and one Redis behave as one site: the production shape scales out.

Two gunicorn processes (as two replicas behind the proxy would be) and an RQ worker share a database and
a Redis: a session made on one is valid on the other, failed logins on one count on the other, an email
task enqueued by one is run by the worker, and so are a guide import and the scheduled tasks.
"""

import http.client
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings

from tests.test_settings import WORKER_COMMAND, free_port, run_manage

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
REDIS_DB = "redis://127.0.0.1:6379/13"
SITE = "trainer.test"


class Browser:
    """Just enough of a browser: cookies by hand (they are Secure, and this is plain HTTP on loopback)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        headers = {
            "Host": SITE,  # both servers see one host name, as replicas behind one proxy do
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://{SITE}",
            }
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", response.read().decode()

    def post_form(self, port: int, path: str, data: dict) -> tuple[int, str, str]:
        status, _, page = self.request(port, "GET", path)
        assert status == 200, (status, page[:500])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(port, "POST", path, {**data, "csrfmiddlewaretoken": token})


@pytest.fixture(scope="module")
def _servers(tmp_path_factory, production_static_root):
    """The database, the two servers and the worker's environment, started once for the module: each
    start migrates a database and boots two gunicorns, which is slow."""
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": SITE,
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('cluster') / 'shared.sqlite3'}",
        "REDIS_URL": REDIS_DB,
        "STATIC_ROOT": str(production_static_root),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    for command in (
        ["migrate", "--noinput"],
        [
            "shell",
            "--no-imports",
            "-c",
            "from accounts.models import User; User.objects.create_user('ada@example.com', 'a-long-passphrase-1')",
        ],
    ):
        result = run_manage(*command, **env)
        assert result.returncode == 0, result.stderr
    environment = {**os.environ, **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            for _ in range(100):
                try:
                    Browser().request(port, "GET", "/")
                    break
                except OSError:
                    time.sleep(0.1)
        yield ports, environment
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def cluster(_servers):
    """The module's servers, with their Redis emptied: each test starts with no queued task, no rate-limit
    count and no cached session of another."""
    redis.Redis.from_url(REDIS_DB).flushdb()
    return _servers


def test_a_session_made_on_one_server_is_valid_on_the_other(cluster):
    (first, second), _ = cluster
    browser = Browser()
    status, location, _ = browser.post_form(
        first, "/accounts/login/", {"login": "ada@example.com", "password": "a-long-passphrase-1"}
    )
    assert (status, location) == (302, "/dashboard/")

    status, _, page = browser.request(second, "GET", "/dashboard/")
    assert status == 200
    assert "ada@example.com" in page or "Ada" in page or "Log out" in page


def test_failed_logins_on_one_server_count_on_the_other(cluster):
    (first, second), _ = cluster
    wrong = {"login": "ada@example.com", "password": "not-the-password"}
    for _ in range(5):
        _, _, page = Browser().post_form(first, "/accounts/login/", wrong)
        assert "Too many failed login attempts" not in page

    right = {"login": "ada@example.com", "password": "a-long-passphrase-1"}
    status, _, page = Browser().post_form(second, "/accounts/login/", right)
    assert status == 200
    assert "Too many failed login attempts" in page


def test_an_email_enqueued_by_one_server_is_sent_by_the_worker(cluster):
    (first, _), environment = cluster
    status, _, _ = Browser().post_form(first, "/accounts/password/reset/", {"email": "ada@example.com"})
    assert status == 302
    assert redis.Redis.from_url(REDIS_DB).llen("rq:queue:default") == 1  # queued, not sent in the request

    worker = subprocess.run(
        [sys.executable, *WORKER_COMMAND[1:], "--burst"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert worker.stdout.count("To: ada@example.com") == 1, worker.stderr
    assert "/accounts/password/reset/key/" in worker.stdout
    assert redis.Redis.from_url(REDIS_DB).llen("rq:queue:default") == 0


def test_an_import_and_the_scheduled_tasks_run_on_the_rq_worker(cluster):
    _, environment = cluster
    manage_env = {key: environment[key] for key in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL")}
    queue = redis.Redis.from_url(REDIS_DB)
    queue_an_import = (
        "from accounts.models import User; from interview.services.mentoring import import_job_create; "
        "mentor = User.objects.create_user('mia@example.com', 'a-long-passphrase-1', is_mentor=True); "
        "import_job_create(mentor=mentor, filename='basics.txt', "
        "text='Intro.\\n\\nQ1. What is one?\\nOne.\\n\\nQ2. What is two?\\nTwo.\\n')"
    )
    for command in (["shell", "--no-imports", "-c", queue_an_import], ["run_periodic", "--hourly"]):
        result = run_manage(*command, **manage_env)
        assert result.returncode == 0, result.stderr
    assert queue.llen("rq:queue:default") == 3  # the import and the two hourly tasks, none run yet

    worker = subprocess.run(
        [sys.executable, *WORKER_COMMAND[1:], "--burst"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert queue.llen("rq:queue:default") == 0
    assert "Traceback" not in worker.stderr + worker.stdout  # every task ran without an error
    outcome = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from interview.models import ImportJob; job = ImportJob.objects.get(); "
        "print(job.status, job.created_count, job.guide.questions.count())",
        **manage_env,
    )
    assert outcome.stdout.split() == ["done", "2", "2"], outcome.stderr
