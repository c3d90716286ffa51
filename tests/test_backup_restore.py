"""The documented backup and restore of PostgreSQL (scripts/db-backup, scripts/db-restore) brings the app back
with its data after the database is dropped."""

import os
import subprocess
from urllib.parse import quote

import pytest
from django.db import connection, connections
from django.test import Client

from interview.models import Attempt, PracticeMode, Rating
from interview.services.practice import attempt_record, session_start, showing_current
from tests.conftest import import_ml_guide
from tests.factories import UserFactory
from tests.test_settings import BASE_DIR


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_script(name: str, *args: str) -> str:
    result = subprocess.run(
        [str(BASE_DIR / "scripts" / name), *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_backup_drop_restore_and_the_app_works(on_postgresql, tmp_path):
    if not on_postgresql:
        pytest.skip("pg_dump and pg_restore need PostgreSQL; CI runs the suite on it")
    import_ml_guide()
    learner = UserFactory(email="kept@example.com")
    session = session_start(user=learner, mode=PracticeMode.NEW)
    attempt = attempt_record(user=learner, token=showing_current(session=session).token, rating=Rating.GOOD)
    backup = tmp_path / "interview.dump"

    run_script("db-backup", str(backup))
    connections.close_all()
    assert "Restored" in run_script("db-restore", str(backup))

    assert Attempt.objects.filter(user__email="kept@example.com").count() == 1
    client = Client()
    client.force_login(learner)
    assert client.get("/dashboard/").status_code == 200
    history = client.get("/history/").content.decode()
    assert attempt.question.prompt[:40] in history and "No attempts match" not in history
    assert Client().get("/readyz").json() == {"status": "ok", "database": "ok"}
