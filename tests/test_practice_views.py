"""Practice pages: full pages without htmx, partials with it, bounded queries, owners only."""

import re

import pytest

from interview.models import Attempt, PracticeSession, QuestionFlag, QuestionNote, Showing
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
        assert f"<h2>{label}</h2>" in html
    assert "10 for today" in html


def test_practice_needs_a_login(client, ml_guide):
    assert client.get("/practice/")["Location"].startswith("/accounts/login/")
    assert client.post("/practice/start/", {"mode": "new"})["Location"].startswith("/accounts/login/")


def test_a_session_shows_one_question_with_an_answer_box(
    learner_client, ml_guide, django_assert_max_num_queries
):
    url = start(learner_client)
    with django_assert_max_num_queries(12):
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

    html = learner_client.post(url + "reveal/", {"token": token, "answer_text": answer}).content.decode()

    assert html.startswith("<!doctype html>")
    assert "Supervised learning involves training a model on labeled data" in html
    assert "Supervised learning uses labelled data to predict an output." in html
    assert re.search(r'name="key_points" value="\d+" id="key-point-\d+" checked', html)
    assert re.search(r"Coverage: \d of \d key points", html)
    for label in ["Again", "Hard", "Good", "Easy"]:
        assert re.search(rf">{label} · \d+ (min|h|days?|mo)</button>", html)
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
        url + "rate/", {"token": token, "rating": "4", "answer_text": "labelled", "key_points_sent": "1"}
    )
    assert response["Location"] == url
    attempt = Attempt.objects.get(user=learner)
    assert (attempt.rating, attempt.answer_text, attempt.key_points_covered, attempt.coverage) == (
        4,
        "labelled",
        [],
        0,
    )
    # The user unticked everything; the automatic suggestion (from the typed answer) is still kept.
    automatic = answer_assess(question=attempt.question, answer_text="labelled")
    assert automatic.covered and attempt.suggested_rating == automatic.suggested_rating


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
    assert not PracticeSession.objects.filter(finished_at__isnull=True).exists()


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
    assert "This field is required." in response.content.decode()
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
