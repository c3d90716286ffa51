"""Practice pages: full pages without htmx, partials with it, bounded queries, owners only."""

import re

import pytest

from interview.models import Attempt, PracticeSession, QuestionFlag, QuestionNote, Rating, Showing
from interview.services.practice import answer_assess

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def start(client, mode="new", **data) -> str:
    response = client.post("/practice/start/", {"mode": mode, **data})
    assert response.status_code == 302
    return response["Location"]


def token_on(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_the_practise_page_offers_every_mode(learner_client, ml_guide, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        html = learner_client.get("/practice/").content.decode()
    for label in ["Due reviews", "Learn new", "Topic", "Weakest topics", "Mistakes", "Mock interview"]:
        assert f"<h3>{label}</h3>" in html
    assert "10 for today" in html


def test_practice_needs_a_login(client, ml_guide):
    assert client.get("/practice/")["Location"].startswith("/accounts/login/")
    assert client.post("/practice/start/", {"mode": "new"})["Location"].startswith("/accounts/login/")


def test_a_session_shows_one_question_with_an_answer_box(
    learner_client, ml_guide, django_assert_max_num_queries
):
    url = start(learner_client)
    # 14: the first display also looks for a question already on screen, the read that reloads are served by,
    # and (learning new questions) whether another session answered it since this one was planned.
    with django_assert_max_num_queries(14):
        html = learner_client.get(url).content.decode()
    assert (
        '<h1 id="question-heading" tabindex="-1">What is the difference between supervised and unsupervised learning?</h1>'
        in html
    )
    assert '<label for="id_answer_text">Your answer</label>' in html
    assert 'maxlength="10000"' in html
    assert "Reveal answer" in html
    assert "Supervised learning involves training" not in html  # the answer stays hidden


def test_reveal_shows_both_answers_ticks_key_points_and_previews_intervals(learner_client, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    answer = "Supervised learning uses labelled data to predict an output."

    html = learner_client.post(
        url + "reveal/", {"token": token, "answer_text": answer}, follow=True
    ).content.decode()

    assert html.startswith("<!doctype html>")
    assert "Supervised learning involves training a model on labeled data" in html
    assert "Supervised learning uses labelled data to predict an output." in html
    assert re.search(r'name="key_points" value="\d+" id="key-point-\d+" checked', html)
    assert re.search(r"Coverage: \d of \d key points", html)
    for label in ["Again", "Hard", "Good", "Easy"]:
        assert re.search(
            rf'<span class="rating-label">{label}</span><span class="visually-hidden"> · </span>'
            rf'<span class="rating-interval">\d+ (min|h|days?|mo)</span>',
            html,
        )
    assert 'class="rating rating-' in html and " suggested" in html


def test_htmx_requests_get_only_the_card(learner_client, ml_guide):
    url = start(learner_client)
    card = learner_client.get(url, headers=HTMX).content.decode()
    assert card.lstrip().startswith('<section id="practice-card"')
    token = token_on(card)
    reveal = learner_client.post(
        url + "reveal/", {"token": token, "answer_text": ""}, headers=HTMX
    ).content.decode()
    assert reveal.lstrip().startswith('<section id="practice-card"')
    assert "<html" not in reveal

    check = learner_client.post(
        url + "check/", {"token": token, "answer_text": ""}, headers=HTMX
    ).content.decode()
    assert check.lstrip().startswith('<div id="assessment"')
    assert "Coverage: 0 of" in check

    after = learner_client.post(url + "rate/", {"token": token, "rating": "3"}, headers=HTMX).content.decode()
    assert after.lstrip().startswith('<section id="practice-card"')
    assert "How do you handle missing values in a dataset?" in after


def test_rating_without_javascript_records_and_redirects_to_the_next_question(
    learner_client, learner, ml_guide
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    response = learner_client.post(
        url + "rate/",
        {"token": token, "rating": "4", "answer_text": "supervised: labelled", "key_points_sent": "1"},
    )
    assert response["Location"] == url
    attempt = Attempt.objects.get(user=learner)
    assert (attempt.rating, attempt.answer_text, attempt.key_points_covered, attempt.coverage) == (
        4,
        "supervised: labelled",
        [],
        0,
    )
    # The typed answer covered a point, but the user unticked it: their ticks decide, as on the page.
    assert answer_assess(question=attempt.question, answer_text="supervised: labelled").covered
    assert attempt.suggested_rating == Rating.AGAIN


def test_a_resent_rating_form_records_nothing_more(learner_client, learner, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "rate/", {"token": token, "rating": "3"})
    learner_client.post(url + "rate/", {"token": token, "rating": "1"})
    assert Attempt.objects.filter(user=learner).count() == 1
    assert Attempt.objects.get(user=learner).rating == 3


def test_an_overlong_answer_is_explained_and_kept(learner_client, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    long_answer = "x" * 10_001
    html = learner_client.post(url + "reveal/", {"token": token, "answer_text": long_answer}).content.decode()
    assert "Ensure this value has at most 10000 characters (it has 10001)." in html
    assert long_answer in html


def test_the_end_of_a_session_is_a_summary(learner_client, learner, ml_guide):
    learner.daily_new_limit = 1
    learner.save()
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    response = learner_client.post(url + "rate/", {"token": token, "rating": "3"}, headers=HTMX)
    assert response["HX-Redirect"] == url + "summary/"
    html = learner_client.get(url + "summary/").content.decode()
    assert "<dt>Questions</dt><dd>1</dd>" in html
    assert "<dt>Good</dt><dd>1</dd>" in html
    assert "Learning paradigms" in html
    assert "Your next review is due in" in html
    assert 'href="/practice/"' in html and 'href="/dashboard/"' in html


def test_nothing_to_practise_is_said_plainly(learner_client, ml_guide):
    response = learner_client.post("/practice/start/", {"mode": "due"}, follow=True)
    assert "Nothing to practise in “Due reviews” right now." in response.content.decode()
    assert not PracticeSession.objects.exists()  # nothing planned, nothing stored


def test_bad_start_options_get_a_message(learner_client, ml_guide):
    html = learner_client.post(
        "/practice/start/", {"mode": "mock", "question_count": "99"}, follow=True
    ).content.decode()
    assert "Questions: Ensure this value is less than or equal to 20." in html
    html = learner_client.post("/practice/start/", {"mode": "telepathy"}, follow=True).content.decode()
    assert "Select a valid choice." in html


def test_someone_elses_session_is_a_404(learner_client, stranger, ml_guide):
    from django.test import Client

    other = Client()
    other.force_login(stranger)
    url = start(other)
    token = token_on(other.get(url).content.decode())
    assert learner_client.get(url).status_code == 404
    assert learner_client.post(url + "reveal/", {"token": token}).status_code == 404
    assert learner_client.post(url + "rate/", {"token": token, "rating": "3"}).status_code == 404
    assert learner_client.get(url + "summary/").status_code == 404
    assert not Attempt.objects.exists()


def test_a_mock_interview_hides_answers_until_the_review(learner_client, learner, ml_guide):
    url = start(learner_client, mode="mock", question_count="2", minutes_per_question="1")
    first = learner_client.get(url).content.decode()
    assert "Next question" in first and "Reveal answer" not in first
    assert 'data-countdown data-seconds="60"' in first
    learner_client.post(url + "answer/", {"token": token_on(first), "answer_text": "my first answer"})
    second = learner_client.get(url).content.decode()
    learner_client.post(url + "answer/", {"token": token_on(second), "answer_text": ""})

    review = learner_client.get(url).content.decode()
    assert "Mock interview: review your answers" in review
    assert "my first answer" in review
    assert review.count("Rate this answer") == 2
    for token in re.findall(r'name="token" value="([^"]+)"', review):
        learner_client.post(url + "rate/", {"token": token, "rating": "2"})
    assert Attempt.objects.filter(user=learner, mode="mock").count() == 2
    assert learner_client.get(url)["Location"] == url + "summary/"


def test_notes_are_private_and_flags_reach_staff(learner_client, learner, ml_guide):
    question = ml_guide.questions.get(number=5)
    learner_client.post(f"/questions/{question.pk}/note/", {"text": "Remember: continuous vs categorical."})
    assert (
        QuestionNote.objects.get(user=learner, question=question).text
        == "Remember: continuous vs categorical."
    )
    response = learner_client.post(f"/questions/{question.pk}/flag/", {"reason": ""}, headers=HTMX)
    assert "Say what looks wrong, so that staff can check it." in response.content.decode()
    learner_client.post(f"/questions/{question.pk}/flag/", {"reason": "Decision trees also do regression."})
    assert QuestionFlag.objects.get(question=question).user == learner
    learner_client.post(f"/questions/{question.pk}/note/", {"text": ""})
    assert not QuestionNote.objects.filter(user=learner).exists()


def test_showings_belong_to_their_session(learner_client, ml_guide):
    url = start(learner_client)
    learner_client.get(url)
    assert Showing.objects.count() == 1
    learner_client.get(url)
    assert Showing.objects.count() == 1


def test_a_mock_interview_never_reveals_answers_before_its_review(learner_client, learner, ml_guide):
    url = start(learner_client, mode="mock", question_count="2")
    token = token_on(learner_client.get(url).content.decode())
    assert learner_client.post(url + "reveal/", {"token": token, "answer_text": ""}).status_code == 404
    learner_client.post(url + "rate/", {"token": token, "rating": "4"})
    assert not Attempt.objects.exists()


def test_a_mock_answer_with_a_token_from_elsewhere_is_a_404_not_an_error(learner_client, stranger, ml_guide):
    from django.test import Client

    other = Client()
    other.force_login(stranger)
    other_url = start(other, mode="mock", question_count="1")
    foreign_token = token_on(other.get(other_url).content.decode())
    mine = start(learner_client, mode="mock", question_count="1")
    topic_session = start(learner_client, mode="topic", topics="time-series")
    topic_token = token_on(learner_client.get(topic_session).content.decode())

    assert (
        learner_client.post(mine + "answer/", {"token": foreign_token, "answer_text": "x"}).status_code == 404
    )
    assert (
        learner_client.post(mine + "answer/", {"token": topic_token, "answer_text": "x"}).status_code == 404
    )
    response = learner_client.post(topic_session + "answer/", {"token": topic_token, "answer_text": "x"})
    assert response.status_code == 200
    assert "This question is not part of a mock interview." in response.content.decode()


def test_line_breaks_count_once_towards_the_limit(learner_client, learner, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    answer = ("x" * 12 + "\r\n") * 768  # 9,984 characters as the page counts them, 10,752 as CRLF
    learner_client.post(url + "rate/", {"token": token, "rating": "3", "answer_text": answer})
    assert Attempt.objects.get(user=learner).answer_text == answer.replace("\r\n", "\n")


def test_an_answer_left_open_for_hours_is_kept_with_its_time_capped(learner_client, learner, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(
        url + "rate/", {"token": token, "rating": "3", "answer_text": "kept", "duration_ms": 25_200_000}
    )
    attempt = Attempt.objects.get(user=learner)
    assert (attempt.answer_text, attempt.duration_ms) == ("kept", 6 * 60 * 60 * 1000)


def test_saving_a_note_from_the_reveal_without_javascript_keeps_the_answer_and_ticks(
    learner_client, learner, ml_guide
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    question = Showing.objects.get(token=token).question
    first_point = question.key_points.first()
    response = learner_client.post(
        url + "tools/",
        {
            "token": token,
            "answer_text": "my careful answer",
            "key_points": [first_point.pk],
            "key_points_sent": "1",
            "tool": "note",
            "note": "Revise this",
        },
    )
    # Post/Redirect/Get: the reveal page again, so Back after rating never asks to resend the form.
    assert response.status_code == 302 and response["Location"] == url + "reveal/"
    html = learner_client.get(url + "reveal/").content.decode()
    assert "Note saved." in html and "my careful answer" in html
    assert f'value="{first_point.pk}" id="key-point-{first_point.pk}" checked' in html
    assert QuestionNote.objects.get(user=learner, question=question).text == "Revise this"
    reloaded = learner_client.get(url + "reveal/").content.decode()
    assert "Note saved." not in reloaded and "my careful answer" in reloaded  # the status is said once


def test_each_practice_step_runs_a_bounded_number_of_queries(
    learner_client, ml_guide, django_assert_max_num_queries
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    with django_assert_max_num_queries(14):
        learner_client.post(url + "reveal/", {"token": token, "answer_text": "labelled data"}, headers=HTMX)
    with django_assert_max_num_queries(14):  # without JavaScript: the page the reveal redirects to
        learner_client.get(url + "reveal/")
    # 32: the session is locked before the showing, and the next card checks it was not answered elsewhere.
    with django_assert_max_num_queries(32):
        learner_client.post(url + "rate/", {"token": token, "rating": "3"}, headers=HTMX)
    with django_assert_max_num_queries(10):
        learner_client.get(url + "summary/")
    with django_assert_max_num_queries(20):  # one query per kind of data (and per prefetch), never per row
        learner_client.get("/accounts/data/export.json")
    with django_assert_max_num_queries(6):
        learner_client.get("/api/v1/attempts/")
    mock = start(learner_client, mode="mock", question_count="3")
    for _ in range(3):
        mock_token = token_on(learner_client.get(mock).content.decode())
        learner_client.post(mock + "answer/", {"token": mock_token, "answer_text": "x"})
    with django_assert_max_num_queries(10):
        assert "review your answers" in learner_client.get(mock).content.decode()


def test_reloading_the_question_on_screen_reads_without_locks_or_writes(
    learner_client, ml_guide, django_assert_num_queries
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    with django_assert_num_queries(5) as captured:
        html = learner_client.get(url).content.decode()
    assert token_on(html) == token
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql or not sql.startswith("SELECT")]


@pytest.mark.parametrize("questions", [1, 8])
def test_the_mock_review_runs_as_many_queries_for_eight_questions_as_for_one(
    learner_client, learner, ml_guide, questions, django_assert_max_num_queries
):
    """The interview-date rule's load of each final-review day is counted once per page, not per question."""
    from datetime import timedelta

    from django.utils import timezone

    learner.interview_date = timezone.localdate() + timedelta(days=5)
    learner.save(update_fields=["interview_date"])
    mock = start(learner_client, mode="mock", question_count=str(questions))
    for _ in range(questions):
        token = token_on(learner_client.get(mock).content.decode())
        learner_client.post(mock + "answer/", {"token": token, "answer_text": "x"})
    with django_assert_max_num_queries(8):
        html = learner_client.get(mock).content.decode()
    assert html.count('class="card mock-answer"') == questions


def test_a_shared_interview_plan_previews_the_same_dates_as_one_plan_per_question(learner, ml_guide):
    from datetime import datetime, timedelta
    from datetime import timezone as dt_timezone

    from interview.models import Question, ReviewState
    from interview.scheduling import InterviewPlan, preview_outcomes

    now = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)
    learner.interview_date = (now + timedelta(days=6)).date()
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:6])
    for day, question in enumerate(questions):
        ReviewState.objects.create(
            user=learner,
            question=question,
            due=now + timedelta(days=3 + day % 3, hours=1),
            phase=2,
            stability=2.0,
            difficulty=5.0,
            last_review=now - timedelta(days=2),
        )
    states = {state.question_id: state for state in ReviewState.objects.filter(user=learner)}
    shared = InterviewPlan(learner, None, now)
    moved = 0
    for question in questions:
        state = states[question.pk]
        alone = preview_outcomes(learner, state, question.pk, now)
        assert preview_outcomes(learner, state, question.pk, now, shared_plan=shared) == alone
        moved += sum(preview.before_interview for preview in alone.values())
    assert moved  # the rule placed some final reviews, by the loads
