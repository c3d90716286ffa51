"""Session control: today's session, finishing early, continuing, and cards brought back by Back or Forward."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interview.grading.assessment import AGAIN_BELOW, HARD_BELOW
from interview.models import (
    Attempt,
    PracticeMode,
    PracticeSession,
    Question,
    Rating,
    ReviewState,
    Showing,
    Topic,
)
from interview.selectors.practice import next_step, session_to_continue
from interview.services.practice import (
    attempt_record,
    mock_answer_submit,
    session_finish,
    session_start,
    showing_current,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _no_fuzz(settings):
    settings.FSRS_ENABLE_FUZZING = False


def make_due(user, questions, days_overdue):
    for days, question in zip(days_overdue, questions, strict=True):
        ReviewState.objects.create(user=user, question=question, due=NOW - timedelta(days=days), phase=2)


def rate_current(user, session, rating=Rating.GOOD, now=NOW):
    showing = showing_current(session=session, now=now)
    attempt_record(user=user, token=showing.token, rating=rating, now=now)
    session.refresh_from_db()
    return showing


# ---- Today's session: due reviews first, then the day's new questions ----


def test_todays_session_is_the_due_reviews_most_overdue_first_then_new_questions_in_guide_order(
    learner, ml_guide
):
    late = list(Question.objects.filter(guide=ml_guide).order_by("-number")[:2])
    make_due(learner, late, days_overdue=[1, 4])
    learner.daily_new_limit = 3

    session = session_start(user=learner, mode=PracticeMode.TODAY, now=NOW)

    first_new = list(
        Question.objects.filter(guide=ml_guide).order_by("number").values_list("pk", flat=True)[:3]
    )
    assert session.queue == [late[1].pk, late[0].pk, *first_new]


def test_todays_session_keeps_within_both_daily_limits(learner, ml_guide):
    make_due(learner, list(Question.objects.filter(guide=ml_guide).order_by("-number")[:3]), [1, 2, 3])
    learner.daily_review_limit = 2
    learner.daily_new_limit = 1

    session = session_start(user=learner, mode=PracticeMode.TODAY, now=NOW)

    assert len(session.queue) == 3  # 2 reviews + 1 new


def test_todays_session_is_none_when_nothing_is_due_and_no_new_question_is_left_today(learner, ml_guide):
    learner.daily_new_limit = 0
    assert session_start(user=learner, mode=PracticeMode.TODAY, now=NOW) is None


# ---- Finishing a session early ----


def test_finishing_a_session_ends_it_and_leaves_the_questions_not_reached_unscheduled(learner, ml_guide):
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    rate_current(learner, session)
    on_screen = showing_current(session=session, now=NOW)

    session = session_finish(user=learner, session=session, now=NOW + timedelta(minutes=5))

    assert session.finished_at == NOW + timedelta(minutes=5)
    assert session.remaining == 9
    assert ReviewState.objects.filter(user=learner).count() == 1
    with pytest.raises(ValidationError, match="This session is finished"):
        attempt_record(user=learner, token=on_screen.token, rating=Rating.GOOD, now=NOW)
    assert Attempt.objects.filter(user=learner).count() == 1


def test_finishing_a_mock_interview_keeps_the_answers_given_for_the_review(learner, ml_guide):
    mock = session_start(user=learner, mode=PracticeMode.MOCK, question_count=3, now=NOW)
    mock_answer_submit(
        user=learner, token=showing_current(session=mock, now=NOW).token, answer_text="One.", now=NOW
    )
    mock.refresh_from_db()
    showing_current(session=mock, now=NOW)  # the second question is on screen, unanswered

    mock = session_finish(user=learner, session=mock, now=NOW)

    assert mock.remaining == 0 and len(mock.queue) == 1
    assert list(Showing.objects.filter(session=mock).values_list("mock_answer", flat=True)) == ["One."]


def test_only_the_owner_finishes_a_session(learner, stranger, ml_guide):
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    with pytest.raises(ValidationError):
        session_finish(user=stranger, session=session, now=NOW)


# ---- Continuing a session, and the next step ----


def test_the_session_to_continue_is_todays_latest_unfinished_one_on_the_site(learner, ml_guide):
    topic = Topic.objects.order_by("position").first()
    older = session_start(user=learner, mode=PracticeMode.TOPIC, topics=[topic], now=NOW - timedelta(hours=1))
    latest = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    session_start(user=learner, mode=PracticeMode.NEW, via_api=True, now=NOW + timedelta(minutes=1))
    session_start(user=learner, mode=PracticeMode.MOCK, now=NOW + timedelta(minutes=2))
    rate_current(learner, latest)

    assert session_to_continue(learner, NOW + timedelta(minutes=5)) == latest
    assert session_to_continue(learner, NOW + timedelta(minutes=5)).remaining == 9

    session_finish(user=learner, session=latest, now=NOW)
    assert session_to_continue(learner, NOW + timedelta(minutes=5)) == older
    session_finish(user=learner, session=older, now=NOW)
    assert session_to_continue(learner, NOW + timedelta(minutes=5)) is None


def test_starting_a_schedule_mode_again_today_reopens_the_open_session_instead_of_planning_it_twice(
    learner, ml_guide
):
    first = session_start(user=learner, mode=PracticeMode.NEW, now=NOW - timedelta(hours=1))
    rate_current(learner, first, now=NOW - timedelta(hours=1))

    again = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)

    assert again == first and again.position == 1
    assert PracticeSession.objects.filter(user=learner).count() == 1
    session_finish(user=learner, session=first, now=NOW)
    assert (
        session_start(user=learner, mode=PracticeMode.NEW, now=NOW) != first
    )  # a finished one is not reused


def test_a_question_answered_in_another_session_since_this_one_was_planned_is_passed_over(learner, ml_guide):
    older = session_start(user=learner, mode=PracticeMode.TODAY, now=NOW - timedelta(minutes=10))
    newer = session_start(user=learner, mode=PracticeMode.NEW, now=NOW - timedelta(minutes=5))
    assert older.queue[:2] == newer.queue[:2]
    answered = rate_current(learner, newer, now=NOW - timedelta(minutes=4))
    session_finish(user=learner, session=newer, now=NOW - timedelta(minutes=3))

    assert session_to_continue(learner, NOW) == older
    offered = showing_current(session=older, now=NOW)

    assert offered.question_id != answered.question_id
    assert offered.question_id == older.queue[1]


def test_an_again_repeat_in_the_same_session_is_still_asked(learner, ml_guide):
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    first = rate_current(learner, session, rating=Rating.AGAIN)
    for _ in range(3):
        rate_current(learner, session)
    assert showing_current(session=session, now=NOW).question_id == first.question_id


def test_yesterdays_session_is_not_offered_to_continue(learner, ml_guide):
    session_start(user=learner, mode=PracticeMode.NEW, now=NOW - timedelta(days=1))
    assert session_to_continue(learner, NOW) is None


def test_the_next_step_counts_todays_reviews_and_new_questions_or_says_why_there_are_none(learner, ml_guide):
    make_due(learner, list(Question.objects.filter(guide=ml_guide).order_by("-number")[:2]), [1, 2])
    learner.daily_new_limit = 4
    step = next_step(learner, NOW)
    assert (step.due, step.new, step.why_not) == (2, 4, "")

    learner.daily_new_limit = 0
    learner.daily_review_limit = 0
    assert next_step(learner, NOW).why_not == (
        "Nothing is left for today within your daily limits: come back tomorrow, or pick a topic or a mock interview."
    )


def test_with_nothing_due_now_but_a_review_later_today_the_next_step_says_when(learner, ml_guide):
    """Berlin (UTC+1 in November), 13:00 local: one review due at 18:00 local (17:00 UTC), another tomorrow,
    no new questions left in the limit. The day's goal still holds that review: not "come back tomorrow"."""
    learner.timezone = "Europe/Berlin"
    learner.daily_new_limit = 0
    evening, tomorrow = Question.objects.filter(guide=ml_guide).order_by("number")[:2]
    ReviewState.objects.create(user=learner, question=evening, due=NOW.replace(hour=17), phase=2)
    ReviewState.objects.create(user=learner, question=tomorrow, due=NOW + timedelta(days=1), phase=2)
    step = next_step(learner, NOW)
    assert (step.due, step.new) == (0, 0)
    assert step.why_not == (
        "Nothing is due now. Next review due at 18:00: come back then, or pick a topic or a mock interview."
    )
    # With no review left in the limit, a review later today is not today's either.
    learner.daily_review_limit = 0
    assert next_step(learner, NOW).why_not.startswith("Nothing is left for today")
    # Nor is one due at 01:00 local tomorrow (00:00 UTC).
    learner.daily_review_limit = 100
    ReviewState.objects.filter(question=evening).update(due=NOW + timedelta(hours=12))
    assert next_step(learner, NOW).why_not.startswith("Nothing is left for today")


# ---- Pages ----


def start(client, mode="new") -> str:
    response = client.post("/practice/start/", {"mode": mode})
    assert response.status_code == 302
    return response["Location"]


def token_on(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_start_todays_session_is_the_first_action_of_the_practice_page_and_the_dashboard(
    learner_client, ml_guide
):
    for url in ["/practice/", "/dashboard/"]:
        html = learner_client.get(url).content.decode()
        assert '<input type="hidden" name="mode" value="today">' in html
        assert ">Start today's session</button>" in html
        assert "10 new questions." in html
        # Before any other practice form on the page.
        assert html.index('value="today"') < min(
            (html.index(f'value="{mode}"') for mode in ["new", "due", "mock"] if f'value="{mode}"' in html),
            default=len(html),  # a new learner's dashboard offers no other mode yet
        )


def test_a_disabled_mode_says_why(learner_client, ml_guide):
    html = learner_client.get("/practice/").content.decode()
    assert 'disabled aria-describedby="due-why">Review due questions' in html
    assert '<p class="why-disabled" id="due-why">Nothing is due right now.</p>' in html
    assert 'disabled aria-describedby="mistakes-why"' in html


def test_topics_are_checkboxes_not_a_multi_select(learner_client, ml_guide):
    html = learner_client.get("/practice/").content.decode()
    assert "<select" not in html.split("<main", 1)[1]
    assert '<input type="checkbox" name="topics" value="time-series" id="topic-topic-time-series">' in html


def test_starting_todays_session_from_the_page_opens_its_first_card(learner_client, ml_guide):
    url = start(learner_client, mode="today")
    session = PracticeSession.objects.get()
    assert session.mode == PracticeMode.TODAY
    html = learner_client.get(url).content.decode()
    assert "Today&#x27;s session · question 1 of 10" in html
    assert '<progress max="10" value="0" aria-labelledby="progress-label"></progress>' in html


def test_continue_your_session_shows_how_many_questions_are_left_until_it_is_finished(
    learner_client, ml_guide
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "rate/", {"token": token, "rating": Rating.GOOD, "answer_text": ""})

    for page in ["/practice/", "/dashboard/"]:
        html = learner_client.get(page).content.decode()
        assert f'<a class="button cta" href="{url}">Continue your session (9 left)</a>' in html

    response = learner_client.post(url + "finish/")
    assert response.status_code == 302 and response["Location"] == url + "summary/"
    assert "You finished early: the 9 questions not reached keep their schedule." in (
        learner_client.get(url + "summary/").content.decode()
    )
    assert "Continue your session" not in learner_client.get("/practice/").content.decode()
    assert "Continue your session" not in learner_client.get("/dashboard/").content.decode()
    # The finished session's page now shows its summary.
    assert learner_client.get(url)["Location"] == url + "summary/"


def test_finish_session_is_a_post_on_every_card_and_an_htmx_redirect(learner_client, ml_guide):
    url = start(learner_client)
    html = learner_client.get(url).content.decode()
    assert f'<form method="post" action="{url}finish/" class="finish-form">' in html
    token = token_on(html)
    reveal = learner_client.post(
        url + "reveal/", {"token": token, "answer_text": "x"}, follow=True
    ).content.decode()
    assert ">Finish session</button>" in reveal
    assert learner_client.get(url + "finish/").status_code == 405

    response = learner_client.post(url + "finish/", headers=HTMX)
    assert response["HX-Redirect"] == url + "summary/"


def test_finish_session_needs_the_csrf_token(client, learner, ml_guide):
    from django.test import Client

    client.force_login(learner)
    url = start(client)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(url + "finish/").status_code == 403
    assert PracticeSession.objects.get().finished_at is None


def test_cards_are_never_cached_so_back_and_forward_fetch_the_current_one(learner_client, ml_guide):
    url = start(learner_client)
    response = learner_client.get(url)
    assert "no-store" in response["Cache-Control"]
    token = token_on(response.content.decode())
    reveal = learner_client.post(url + "reveal/", {"token": token, "answer_text": ""}, follow=True)
    assert "no-store" in reveal["Cache-Control"]
    assert "no-store" in learner_client.get("/practice/")["Cache-Control"]
    assert "no-store" in learner_client.get(url + "summary/")["Cache-Control"]


def test_a_rated_card_brought_back_shows_the_current_card_with_a_message(learner_client, ml_guide):
    url = start(learner_client)
    first = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "rate/", {"token": first, "rating": Rating.GOOD, "answer_text": ""})

    # Revealing the old card again (Back, then "Reveal answer"): the session's current card instead.
    response = learner_client.post(url + "reveal/", {"token": first, "answer_text": "late"}, headers=HTMX)
    html = response.content.decode()
    assert 'data-card="question"' in html and "question 2 of 10" in html
    assert "You had already rated that question" in html
    assert token_on(html) != first

    plain = learner_client.post(url + "reveal/", {"token": first, "answer_text": "late"})
    assert plain.status_code == 302 and plain["Location"] == url
    assert "You had already rated that question" in learner_client.get(url).content.decode()


def test_rating_a_card_twice_records_once_and_says_so(learner_client, learner, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    data = {"token": token, "rating": Rating.GOOD, "answer_text": ""}
    learner_client.post(url + "rate/", data, headers=HTMX)
    again = learner_client.post(
        url + "rate/", {**data, "rating": Rating.AGAIN}, headers=HTMX
    ).content.decode()

    assert Attempt.objects.filter(user=learner).count() == 1
    assert Attempt.objects.get().rating == Rating.GOOD
    assert "You had already rated that question" in again and "question 2 of 10" in again


def test_a_rating_sent_after_the_session_was_finished_elsewhere_says_it_was_not_recorded(
    learner_client, learner, ml_guide
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "finish/")  # another tab

    response = learner_client.post(
        url + "rate/", {"token": token, "rating": Rating.GOOD, "answer_text": ""}, headers=HTMX
    )

    assert response["HX-Redirect"] == url + "summary/"
    summary = learner_client.get(url + "summary/").content.decode()
    assert "This session was finished before that question was rated, so no rating was recorded." in summary
    assert not Attempt.objects.filter(user=learner).exists()


def test_revealing_a_card_of_a_session_finished_elsewhere_does_not_claim_it_was_rated(
    learner_client, ml_guide
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "finish/")

    plain = learner_client.post(url + "reveal/", {"token": token, "answer_text": "late"}, follow=True)

    html = plain.content.decode()
    assert "This session was finished before that question was rated" in html
    assert "You had already rated that question" not in html
    htmx = learner_client.post(url + "reveal/", {"token": token, "answer_text": "late"}, headers=HTMX)
    assert htmx["HX-Redirect"] == url + "summary/"
    assert "This session was finished before" in learner_client.get(url + "summary/").content.decode()


def test_the_htmx_check_of_a_card_already_rated_writes_nothing(learner_client, learner, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    session = PracticeSession.objects.get()
    attempt_record(user=learner, token=token, rating=Rating.GOOD)  # the next card is not shown yet

    response = learner_client.post(url + "check/", {"token": token, "answer_text": ""}, headers=HTMX)

    assert response.status_code == 200
    assert Showing.objects.filter(session=session).count() == 1


def test_the_last_mock_question_has_finish_instead_of_next(learner_client, ml_guide):
    response = learner_client.post("/practice/start/", {"mode": "mock", "question_count": 2})
    url = response["Location"]
    html = learner_client.get(url).content.decode()
    assert ">Next question</button>" in html and ">Finish session</button>" in html
    learner_client.post(url + "answer/", {"token": token_on(html), "answer_text": "One."})
    last = learner_client.get(url).content.decode()
    assert ">Finish</button>" in last and "Next question" not in last
    assert "Finish session" not in last  # one way out: "Finish"


def test_the_mock_review_shows_each_ratings_interval_and_lets_the_learner_change_ticks(
    learner_client, learner, ml_guide
):
    url = learner_client.post("/practice/start/", {"mode": "mock", "question_count": 1})["Location"]
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "answer/", {"token": token, "answer_text": "Nothing useful."})
    review = learner_client.get(url).content.decode()
    assert re.search(
        r'<span class="rating-label">Good</span>.*?<span class="rating-interval">\d+ \w+</span>', review, re.S
    )
    assert 'name="key_points_sent" value="1"' in review
    points = re.findall(r'name="key_points" value="(\d+)"', review)
    assert points

    learner_client.post(
        url + "rate/",
        {"token": token, "rating": Rating.GOOD, "key_points": points[:1], "key_points_sent": "1"},
    )
    assert Attempt.objects.get(user=learner).key_points_covered == [int(points[0])]


def test_a_summary_of_a_session_finished_early_counts_the_questions_never_shown(learner_client, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "rate/", {"token": token, "rating": Rating.AGAIN, "answer_text": ""})
    learner_client.post(url + "finish/")
    # 10 planned, 1 answered; its Again repeat is no question "not reached".
    html = learner_client.get(url + "summary/").content.decode()
    assert "You finished early: the 9 questions not reached keep their schedule." in html


def test_the_summary_says_now_and_later_in_this_session_instead_of_zero_minutes(
    learner_client, learner, ml_guide
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "rate/", {"token": token, "rating": Rating.AGAIN, "answer_text": ""})
    ReviewState.objects.filter(user=learner).update(due=timezone.now() + timedelta(seconds=20))
    Attempt.objects.filter(user=learner).update(due_after=timezone.now() + timedelta(seconds=20))

    html = learner_client.get(url + "summary/").content.decode()
    assert "Your next review is due now." in html
    assert "Again, back later in this session" in html
    assert "0 minutes" not in html


def test_finishing_a_mock_interview_early_goes_to_the_review_of_the_answers_given(learner_client, ml_guide):
    url = learner_client.post("/practice/start/", {"mode": "mock", "question_count": 3})["Location"]
    learner_client.post(
        url + "answer/", {"token": token_on(learner_client.get(url).content.decode()), "answer_text": "One."}
    )
    learner_client.get(url)  # the second question on screen

    response = learner_client.post(url + "finish/")

    assert response["Location"] == url
    review = learner_client.get(url).content.decode()
    assert "Mock interview: review your answers" in review
    assert review.count('class="card mock-answer"') == 1


def test_without_javascript_the_reveal_redirects_to_a_page_that_back_can_reopen(learner_client, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())

    sent = learner_client.post(url + "reveal/", {"token": token, "answer_text": "Labelled data."})
    assert sent.status_code == 302 and sent["Location"] == url + "reveal/"
    for _ in range(2):  # the page and its reload: the typed answer, the model answer, no resubmission
        page = learner_client.get(url + "reveal/")
        html = page.content.decode()
        assert (
            'data-card="reveal"' in html and "Labelled data." in html and "no-store" in page["Cache-Control"]
        )
    assert token_on(html) == token

    rated = learner_client.post(url + "rate/", {"token": token, "rating": Rating.GOOD, "answer_text": "x"})
    assert rated.status_code == 302 and rated["Location"] == url
    # Back to the reveal of the question just rated: the current card, saying why, and nothing recorded twice.
    back = learner_client.get(url + "reveal/")
    assert back.status_code == 302 and back["Location"] == url
    html = learner_client.get(url).content.decode()
    assert "You had already rated that question" in html and "question 2 of 10" in html
    assert Attempt.objects.count() == 1


def test_the_reveal_page_without_a_reveal_sent_goes_to_the_card(learner_client, ml_guide):
    url = start(learner_client)
    assert learner_client.get(url + "reveal/")["Location"] == url
    mock = start(learner_client, mode="mock")
    assert learner_client.get(mock + "reveal/").status_code == 404


def test_with_htmx_the_reveal_still_answers_with_the_card_in_place(learner_client, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    response = learner_client.post(url + "reveal/", {"token": token, "answer_text": "x"}, headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="practice-card"')


def test_the_mock_review_gives_the_page_the_bands_of_the_suggestion_and_the_server_decides_on_submit(
    learner_client, learner, ml_guide
):
    url = learner_client.post("/practice/start/", {"mode": "mock", "question_count": 1})["Location"]
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "answer/", {"token": token, "answer_text": "Nothing useful."})
    review = learner_client.get(url).content.decode()
    # The script reads the server's bands from the form, never its own copy of the numbers.
    assert f'data-again-below="{AGAIN_BELOW}" data-hard-below="{HARD_BELOW}"' in review
    assert "data-suggestion-status" in review
    points = re.findall(r'name="key_points" value="(\d+)"', review)

    learner_client.post(
        url + "rate/",
        {"token": token, "rating": Rating.HARD, "key_points": points, "key_points_sent": "1"},
    )
    attempt = Attempt.objects.get(user=learner)
    assert attempt.suggested_rating == Rating.GOOD  # all ticked: Good, whatever the page showed
    assert attempt.rating == Rating.HARD  # the learner's choice wins


def test_the_practice_page_has_one_primary_button_and_no_zero_count_sentence(learner_client, ml_guide):
    html = learner_client.get("/practice/").content.decode()
    assert html.count('class="cta"') == 1  # Start today's session; every other mode is a secondary button
    assert 'class="button-secondary" disabled aria-describedby="due-why">Review due questions' in html
    assert "0 questions due now" not in html
    assert "Questions whose review has come, most overdue first." in html


def test_todays_session_ignores_topics_for_its_new_questions_as_for_its_reviews(learner, ml_guide):
    topic = Topic.objects.order_by("-position").first()
    with_topic = session_start(user=learner, mode=PracticeMode.TODAY, topics=[topic], now=NOW)
    assert not with_topic.topics.exists()
    assert with_topic.queue == session_start(user=learner, mode=PracticeMode.TODAY, now=NOW).queue


def test_due_within_a_minute_is_from_now_to_a_minute_ahead_never_a_past_moment():
    from interview.templatetags.interview_tags import due_by_now, due_within_a_minute

    now = timezone.now()
    assert due_within_a_minute(now + timedelta(seconds=30))
    assert not due_within_a_minute(now + timedelta(minutes=2))
    assert not due_within_a_minute(now - timedelta(days=3))
    assert not due_within_a_minute(None)
    assert due_by_now(now - timedelta(days=3)) and not due_by_now(now + timedelta(seconds=30))


def test_an_old_finished_sessions_summary_says_due_now_not_later_in_this_session(
    learner_client, learner, ml_guide
):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "rate/", {"token": token, "rating": Rating.AGAIN, "answer_text": ""})
    learner_client.post(url + "finish/")
    Attempt.objects.filter(user=learner).update(due_after=timezone.now() - timedelta(days=2))

    html = learner_client.get(url + "summary/").content.decode()

    assert "Again, due now" in html
    assert "later in this session" not in html
    assert "0 minutes" not in html
    assert "You finished early" in html


def test_the_summary_of_a_session_still_open_does_not_say_it_finished_early(learner_client, ml_guide):
    url = start(learner_client)
    token = token_on(learner_client.get(url).content.decode())
    learner_client.post(url + "rate/", {"token": token, "rating": Rating.GOOD, "answer_text": ""})

    html = learner_client.get(url + "summary/").content.decode()

    assert "You finished early" not in html


def test_answers_lock_the_session_before_the_showing_as_finish_session_does(learner, ml_guide, on_postgresql):
    """One lock order everywhere: a mock answer sent by the countdown while "Finish" is pressed cannot deadlock."""
    from django.db import connection

    if not on_postgresql:
        pytest.skip(
            "SQLite has no row locks (a writer takes the whole database); CI runs the suite on PostgreSQL"
        )
    from django.test.utils import CaptureQueriesContext

    mock = session_start(user=learner, mode=PracticeMode.MOCK, question_count=2, now=NOW)
    token = showing_current(session=mock, now=NOW).token
    with CaptureQueriesContext(connection) as captured:
        mock_answer_submit(user=learner, token=token, answer_text="One.", now=NOW)

    locks = [query["sql"] for query in captured.captured_queries if "FOR UPDATE" in query["sql"]]
    assert 'FROM "interview_practicesession"' in locks[0]
    showing_locks = [sql for sql in locks if 'FROM "interview_showing"' in sql]
    assert showing_locks and all('FOR UPDATE OF "interview_showing"' in sql for sql in showing_locks)


def test_finish_in_a_mock_interview_hands_in_the_answer_being_typed(learner_client, learner, ml_guide):
    url = learner_client.post("/practice/start/", {"mode": "mock", "question_count": 3})["Location"]
    html = learner_client.get(url).content.decode()
    # Finish is a second submit button of the answer form, sending it to the finish address.
    assert f'form="answer-form" formaction="{url}finish/"' in html and 'id="answer-form"' in html

    response = learner_client.post(url + "finish/", {"token": token_on(html), "answer_text": "Half typed."})

    assert response["Location"] == url
    assert list(Showing.objects.filter(session__user=learner).values_list("mock_answer", flat=True)) == [
        "Half typed."
    ]
    assert "Half typed." in learner_client.get(url).content.decode()


def test_a_mock_finish_with_an_answer_too_long_says_so_and_finishes_nothing(learner_client, ml_guide):
    url = learner_client.post("/practice/start/", {"mode": "mock", "question_count": 3})["Location"]
    token = token_on(learner_client.get(url).content.decode())

    response = learner_client.post(
        url + "finish/", {"token": token, "answer_text": "x" * 10_001}, follow=True
    )

    assert "An answer can be at most 10,000 characters" in response.content.decode()
    assert PracticeSession.objects.get().finished_at is None
