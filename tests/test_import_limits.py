"""Guide imports by mentors cannot stall the site: size, questions per file, questions per mentor, imports per
hour; the mentor's question list is paginated."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from interview.models import Question
from interview.services import mentoring as service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)


def guide_text(count: int, first: int = 1) -> str:
    questions = "".join(
        f"Q{n}. What is concept {n}?\nConcept {n} is explained here.\n\n" for n in range(first, first + count)
    )
    return "Introduction to the questions.\n\n" + questions


@pytest.fixture
def mentor(db):
    return UserFactory(is_mentor=True)


@pytest.fixture
def mentor_client(mentor) -> Client:
    client = Client()
    client.force_login(mentor)
    return client


def upload(client: Client, name: str, text: str) -> str:
    file = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
    return client.post("/mentor/questions/import/", {"file": file}, follow=True).content.decode()


def own_count(mentor) -> int:
    return Question.objects.filter(guide__owner=mentor).count()


def test_a_file_over_the_size_limit_is_refused_before_parsing(mentor_client, mentor, settings):
    settings.MENTOR_IMPORT_MAX_BYTES = 100
    page = upload(mentor_client, "big.txt", guide_text(3))
    assert "The file is larger than 100\xa0bytes." in page
    assert own_count(mentor) == 0
    assert (
        "at most 100\xa0bytes and 200 questions" in mentor_client.get("/mentor/questions/").content.decode()
    )


def test_a_file_with_more_questions_than_one_import_takes_is_refused(mentor_client, mentor, settings):
    settings.MENTOR_IMPORT_MAX_QUESTIONS = 2
    page = upload(mentor_client, "three.txt", guide_text(3))
    assert "The file holds 3 questions; at most 2 fit here." in page
    assert own_count(mentor) == 0


def test_a_mentor_has_at_most_the_capped_number_of_own_questions(mentor_client, mentor, settings):
    settings.MENTOR_OWN_QUESTIONS_MAX = 3
    assert "2 new, 0 updated questions" in upload(mentor_client, "first.txt", guide_text(2))
    assert "The file holds 2 questions; at most 1 fit here." in upload(
        mentor_client, "second.txt", guide_text(2)
    )
    # Re-importing a file replaces its own questions, so it may use the room they take.
    assert "1 new, 2 updated questions" in upload(mentor_client, "first.txt", guide_text(3))
    assert own_count(mentor) == 3
    with pytest.raises(ValidationError, match="the most there can be"):
        service.mentor_question_create(
            mentor=mentor, prompt="One more?", answer="No.", topics=[], key_points=[]
        )


def test_imports_are_limited_per_hour(mentor, settings):
    settings.MENTOR_IMPORTS_PER_HOUR = 2
    for n in range(2):
        service.mentor_guide_import(mentor=mentor, text=guide_text(1), filename=f"f{n}.txt", now=NOW)
    with pytest.raises(ValidationError, match="You can import 2 files an hour: try again after 12:59 UTC."):
        service.mentor_guide_import(mentor=mentor, text=guide_text(1), filename="f2.txt", now=NOW)
    assert own_count(mentor) == 2
    service.mentor_guide_import(
        mentor=mentor, text=guide_text(1), filename="f2.txt", now=NOW + timedelta(hours=1)
    )
    assert own_count(mentor) == 3


def test_the_mentors_question_list_is_paginated(mentor_client, mentor, django_assert_max_num_queries):
    service.mentor_guide_import(mentor=mentor, text=guide_text(25), filename="many.txt", now=NOW)
    with django_assert_max_num_queries(12):
        first = mentor_client.get("/mentor/questions/").content.decode()
    assert first.count("What is concept") == 20 and "Page 1 of 2" in first
    second = mentor_client.get("/mentor/questions/?page=2").content.decode()
    assert second.count("What is concept") == 5 and "What is concept 25?" in second
