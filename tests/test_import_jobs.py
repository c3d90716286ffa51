"""A mentor's guide import runs as a background task: the upload queues a job, the job's page shows its
progress and then its outcome, the import stays all or nothing, and only its owner sees it."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings

from interview.models import ImportJob, Question
from interview.services import mentoring as service
from interview.tasks import guide_import_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
HTMX = {"HX-Request": "true"}


def guide_text(count: int) -> str:
    questions = "".join(
        f"Q{n}. What is concept {n}?\nConcept {n} is explained here.\n\n" for n in range(1, count + 1)
    )
    return "Introduction to the questions.\n\n" + questions


def upload(client: Client, name: str, text: str, **extra):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
    return client.post("/mentor/questions/import/", {"file": file}, **extra)


@pytest.fixture
def mentor_client(mentor) -> Client:
    client = Client()
    client.force_login(mentor)
    return client


def own_count(mentor) -> int:
    return Question.objects.filter(guide__owner=mentor).count()


def test_the_upload_leads_to_the_jobs_page_which_shows_the_outcome_and_links_to_the_questions(
    mentor_client, mentor
):
    response = upload(mentor_client, "basics.txt", guide_text(3))
    job = ImportJob.objects.get(owner=mentor)
    assert response.status_code == 302 and response["Location"] == f"/mentor/questions/imports/{job.pk}/"
    page = mentor_client.get(response["Location"]).content.decode()
    assert "Imported “basics”: 3 new, 0 updated questions" in page
    assert 'href="/mentor/questions/"' in page
    assert "hx-trigger" not in page  # finished: nothing polls
    job.refresh_from_db()
    assert (job.status, job.processed, job.total, job.text) == ("done", 3, 3, "")
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert own_count(mentor) == 3
    assert "basics.txt" in mentor_client.get("/mentor/questions/").content.decode()  # recent imports


def test_a_bad_file_fails_with_the_line_named_and_nothing_written(mentor_client, mentor):
    text = "Introduction.\n\nQ2. What is two?\nTwo.\n\nQ1. What is one?\nOne.\n"  # out of order
    response = upload(mentor_client, "gap.txt", text, follow=True)
    page = response.content.decode()
    job = ImportJob.objects.get(owner=mentor)
    assert job.status == "failed"
    assert job.error.startswith("gap.txt, line 6: ")
    assert job.error in page and "Nothing was imported." in page
    assert own_count(mentor) == 0


def test_the_caps_still_fail_the_whole_file(mentor_client, mentor, settings):
    settings.MENTOR_IMPORT_MAX_QUESTIONS = 2
    page = upload(mentor_client, "three.txt", guide_text(3), follow=True).content.decode()
    assert "The file holds 3 questions; at most 2 fit here." in page
    assert own_count(mentor) == 0


def test_the_hourly_limit_refuses_before_anything_is_queued(mentor_client, mentor, settings):
    settings.MENTOR_IMPORTS_PER_HOUR = 1
    upload(mentor_client, "one.txt", guide_text(1))
    response = upload(mentor_client, "two.txt", guide_text(1), follow=True)
    assert "You can import 1 files an hour" in response.content.decode()
    assert ImportJob.objects.filter(owner=mentor).count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_a_task_queue_the_import_waits_until_a_worker_runs_it(mentor_client, mentor):
    with override_settings(TASKS=DATABASE_QUEUE):
        job_url = upload(mentor_client, "later.txt", guide_text(2))["Location"]
        job = ImportJob.objects.get(owner=mentor)
        assert job.status == "queued" and own_count(mentor) == 0
        page = mentor_client.get(job_url).content.decode()
        assert "Waiting for the background worker" in page
        assert f'hx-get="{job_url}"' in page and 'hx-trigger="every 2s"' in page  # polls while waiting
        assert f'<a href="{job_url}">Refresh</a>' in page  # without JavaScript

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == "done" and own_count(mentor) == 2
    partial = mentor_client.get(job_url, headers=HTMX).content.decode()
    assert partial.lstrip().startswith('<section id="import-status"')
    assert "Imported “later”: 2 new" in partial and "hx-trigger" not in partial  # polling stops


def test_a_running_import_shows_how_far_it_got(mentor_client, mentor):
    job = ImportJob.objects.create(owner=mentor, filename="big.txt", status=ImportJob.Status.RUNNING)
    cache.set(f"import-job-progress:{job.pk}", (40, 150))
    partial = mentor_client.get(f"/mentor/questions/imports/{job.pk}/", headers=HTMX).content.decode()
    assert "40 of 150 questions written" in partial
    assert '<progress id="import-progress" max="150" value="40">' in partial
    assert 'hx-trigger="every 2s"' in partial
    assert "<html" not in partial  # htmx gets only the status


def test_progress_is_reported_as_the_questions_are_written(mentor):
    seen = []
    job = ImportJob.objects.create(owner=mentor, filename="steps.txt", text=guide_text(25))
    original_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key == f"import-job-progress:{job.pk}":
            seen.append(value)
        return original_set(key, value, *args, **kwargs)

    cache.set = spy
    try:
        service.import_job_run(job_id=job.pk)
    finally:
        del cache.set
    assert seen == [(0, 25), (10, 25), (20, 25), (25, 25)]


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(mentor, settings):
    settings.MENTOR_OWN_QUESTIONS_MAX = 3
    job = ImportJob.objects.create(owner=mentor, filename="twice.txt", text=guide_text(2))
    assert guide_import_run.enqueue(job_id=job.pk).return_value == "done"
    assert guide_import_run.enqueue(job_id=job.pk).return_value == "already taken"
    assert own_count(mentor) == 2


def test_only_the_owner_sees_a_job(mentor_client, mentor):
    job_url = upload(mentor_client, "mine.txt", guide_text(1))["Location"]
    other_mentor = Client()
    other_mentor.force_login(UserFactory(is_mentor=True))
    assert other_mentor.get(job_url).status_code == 404
    learner = Client()
    learner.force_login(UserFactory())
    assert learner.get(job_url).status_code == 404
    assert Client().get(job_url).status_code == 302  # to the sign-in page


def test_an_import_whose_worker_vanished_is_reported_as_failed(mentor_client, mentor):
    from datetime import timedelta

    from django.utils import timezone

    started = timezone.now() - timedelta(minutes=16)
    job = ImportJob.objects.create(
        owner=mentor, filename="lost.txt", text="…", status=ImportJob.Status.RUNNING, started_at=started
    )
    page = mentor_client.get(f"/mentor/questions/imports/{job.pk}/").content.decode()
    assert "The import stopped before it finished" in page and "hx-trigger" not in page
    job.refresh_from_db()
    assert job.status == "failed" and job.text == ""
    recent = ImportJob.objects.create(
        owner=mentor, filename="slow.txt", status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    assert 'hx-trigger="every 2s"' in mentor_client.get(recent.get_absolute_url()).content.decode()


def test_a_queue_that_is_down_fails_the_job_visibly(mentor_client, mentor, monkeypatch):
    from interview import tasks

    class QueueDown:
        def enqueue(self, **kwargs):
            raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(tasks, "guide_import_run", QueueDown())
    page = upload(mentor_client, "later.txt", guide_text(1), follow=True).content.decode()
    assert "The import could not be started (the task queue did not answer)." in page
    assert ImportJob.objects.get(owner=mentor).status == "failed" and own_count(mentor) == 0
