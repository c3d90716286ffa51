import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from filelock import FileLock

from interview.annotations import load_annotations
from interview.models import Guide
from interview.services.content import guide_import

GUIDE_SLUG = "ml-engineer"
GUIDE_PATH = Path(settings.BASE_DIR) / "fixtures" / "guides" / "ml-engineer.txt"
ANNOTATIONS_PATH = Path(settings.BASE_DIR) / "fixtures" / "annotations" / "ml-engineer.yaml"


def import_ml_guide() -> Guide:
    return guide_import(
        text=GUIDE_PATH.read_text(encoding="utf-8"),
        slug=GUIDE_SLUG,
        source_file=GUIDE_PATH.name,
        annotations=load_annotations(ANNOTATIONS_PATH),
    ).guide


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=["tests.hashers.FastArgon2PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the ML guide once per run; tests in transactions see it and roll back their own changes."""
    if os.environ.get("CI") and connection.vendor != "postgresql":
        pytest.exit("CI runs the tests on PostgreSQL: set DATABASE_URL to a PostgreSQL database.", 1)
    with django_db_blocker.unblock():
        import_ml_guide()


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    """Each test starts without the API's kept question renderings, the kept key points and the bank's kept
    figures: a test may change the bank with update() (which production code follows with content_changed)
    and roll it back, leaving the bank's version as it was."""
    from interview.api.serializers import forget_question_renderings
    from interview.bank_cache import forget_kept_values
    from interview.selectors.content import forget_key_points

    forget_question_renderings()
    forget_key_points()
    forget_kept_values()


@pytest.fixture
def ml_guide(db) -> Guide:
    # Loaded once per run; a browser test (in committed transactions) empties the database after
    # itself, so a test that runs after one loads the guide again, inside its own rolled-back transaction.
    return Guide.objects.filter(slug=GUIDE_SLUG).first() or import_ml_guide()


@pytest.fixture
def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


PASSWORD = "correct horse battery staple"


@pytest.fixture
def learner(db):
    from tests.factories import UserFactory

    return UserFactory(email="learner@example.com", display_name="Lena Learner")


@pytest.fixture
def stranger(db):
    from tests.factories import UserFactory

    return UserFactory(email="stranger@example.com", display_name="Sam Stranger")


@pytest.fixture
def mentor(db):
    from tests.factories import UserFactory

    return UserFactory(email="mentor@example.com", display_name="Mia Mentor", is_mentor=True)


@pytest.fixture
def cohort(mentor, learner):
    """The mentor's cohort, which the learner has joined through an invite."""
    from interview.services.mentoring import cohort_create, cohort_join, invite_create

    cohort = cohort_create(mentor=mentor, name="Spring cohort")
    cohort_join(user=learner, token=invite_create(mentor=mentor, cohort=cohort).token)
    return cohort


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_tests_bank():
    """Values kept per process from the question bank (interview.bank_cache.py) start empty in each test."""
    from interview.bank_cache import forget_kept_values

    forget_kept_values()


@pytest.fixture(autouse=True)
def _fresh_shared_cache():
    """Redis is not rolled back with the test's transaction: start each test with empty counters."""
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory, worker_id) -> Path:
    """collectstatic as the image runs it (hashed names, Brotli and gzip), once per test run: it is slow, so
    the first xdist worker to need it collects for all of them, in the run's common temporary directory."""
    from tests.test_settings import run_manage

    run_temp = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        run_temp = run_temp.parent  # each worker's base is a subdirectory of the run's
    root, collected = run_temp / "production-static", run_temp / "production-static.collected"
    with FileLock(run_temp / "production-static.lock"):
        if not collected.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a failed collection left
            result = run_manage(
                "collectstatic", "--noinput", DEBUG="false", SECRET_KEY="x" * 50, STATIC_ROOT=str(root)
            )
            assert result.returncode == 0, result.stderr
            collected.touch()
    return root
