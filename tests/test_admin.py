"""Staff review content and learners' reports in the admin."""

import pytest
from django.test import Client

from interview.models import QuestionFlag
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db) -> Client:
    client = Client()
    client.force_login(UserFactory(email="staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/interview/question/",
        "/admin/interview/question/?is_active__exact=1&difficulty=basic&q=SMOTE",
        "/admin/interview/topic/",
        "/admin/interview/guide/",
        "/admin/interview/keypoint/",
        "/admin/interview/questionflag/",
        "/admin/interview/attempt/",
        "/admin/interview/gradedquestion/",
        "/admin/interview/cohort/",
        "/admin/interview/importjob/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
    ],
)
def test_admin_pages_open(staff, ml_guide, url):
    assert staff.get(url).status_code == 200


def test_staff_resolve_reports_of_wrong_answers(staff, learner, ml_guide):
    question = ml_guide.questions.get(number=9)
    flag = QuestionFlag.objects.create(
        user=learner, question=question, reason="Trees do complex problems too."
    )
    page = staff.get("/admin/interview/questionflag/").content.decode()
    assert "Trees do complex problems too." in page
    staff.post(
        "/admin/interview/questionflag/",
        {"action": "mark_resolved", "_selected_action": [flag.pk]},
    )
    flag.refresh_from_db()
    assert flag.resolved
