"""The interview-date rule: final reviews on the mornings of the last three days for questions that would
fall below the interview-day target; the preference; the rating buttons' preview."""

import zoneinfo
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.test import Client
from django.utils.html import strip_tags
from fsrs import Card, State

from interview.models import PracticeMode, Question, Rating, ReviewState
from interview.scheduling import DEFAULT_MODEL, InterviewPlan, preview_outcomes
from interview.services.practice import attempt_record, session_start, showing_current

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Interview on 10 December in Berlin (UTC+1): the day starts at 23:00 UTC on the 9th.
INTERVIEW = date(2026, 12, 10)
DAY_START = datetime(2026, 12, 9, 23, 0, tzinfo=dt_timezone.utc)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=dt_timezone.utc)
ELAPSED_TO_DAY = (DAY_START - NOW).total_seconds() / 86_400  # 8.458 days


def at_eight(day: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, 8, 0, tzinfo=BERLIN)


@pytest.fixture
def candidate(learner):
    learner.timezone = "Europe/Berlin"
    learner.interview_date = INTERVIEW
    learner.interview_target_retention = 0.95
    learner.save()
    return learner


def card(stability: float, now=NOW, due=datetime(2026, 12, 20, tzinfo=dt_timezone.utc)) -> Card:
    return Card(state=State.Review, stability=stability, difficulty=5, last_review=now, due=due)


def question(number: int) -> Question:
    return Question.objects.get(guide__slug="ml-engineer", number=number)


def test_a_question_below_the_target_on_the_day_gets_a_final_morning_review(candidate, ml_guide):
    # Stability equal to the time left: recall 0.9 on the day, below 0.95. Preferred day: int(3 * 0.9 / 0.95)
    # = 2, the eve (nothing else is due), at 08:00 in Berlin.
    due, moved = InterviewPlan(candidate, question(1).pk, NOW).due_for(card(ELAPSED_TO_DAY))
    assert (due, moved) == (at_eight(9), True)


def test_the_weakest_questions_come_earliest(candidate, ml_guide):
    plan = InterviewPlan(candidate, question(1).pk, NOW)
    # Stability 1/10,000 of the time left: recall (1 + 0.98043 * 10,000) ** -0.1542 = 0.242, day int(0.76) = 0.
    assert plan.due_for(card(ELAPSED_TO_DAY / 10_000))[0] == at_eight(7)
    # Stability 1/100: recall (1 + 98.04) ** -0.1542 = 0.492, day int(1.55) = 1.
    assert DEFAULT_MODEL.recall(ELAPSED_TO_DAY / 100, ELAPSED_TO_DAY) == pytest.approx(0.492, abs=1e-3)
    assert plan.due_for(card(ELAPSED_TO_DAY / 100))[0] == at_eight(8)


def test_a_question_recalled_at_the_target_on_the_day_is_left_alone(candidate, ml_guide):
    # Stability 100 times the time left: recall (1 + 0.0098) ** -0.1542 = 0.9985 on the day.
    later = card(ELAPSED_TO_DAY * 100)
    assert InterviewPlan(candidate, question(1).pk, NOW).due_for(later) == (later.due, False)


def test_a_review_that_falls_before_the_interview_keeps_its_date(candidate, ml_guide):
    soon = card(0.1, due=NOW + timedelta(days=2))
    assert InterviewPlan(candidate, question(1).pk, NOW).due_for(soon) == (soon.due, False)


def test_final_reviews_are_balanced_across_the_three_days(candidate, ml_guide):
    # Two other questions already fall due on the 8th.
    for number in (2, 3):
        ReviewState.objects.create(
            user=candidate, question=question(number), due=at_eight(8) + timedelta(hours=3)
        )
    # Recall 0.492 prefers the 8th (day 1); scores: 7th 0 + 0.5, 8th 2 + 0, 9th 0 + 0.5: the 7th, the earlier.
    due, _ = InterviewPlan(candidate, question(1).pk, NOW).due_for(card(ELAPSED_TO_DAY / 100))
    assert due == at_eight(7)


def test_three_equally_weak_questions_spread_over_the_three_mornings(candidate, ml_guide):
    candidate.daily_new_limit = 3
    dues = []
    for number in (1, 2, 3):
        # Each reviewed and saved in turn, so the next one sees the load.
        plan = InterviewPlan(candidate, question(number).pk, NOW)
        due, _ = plan.due_for(card(ELAPSED_TO_DAY / 100))
        ReviewState.objects.create(user=candidate, question=question(number), due=due)
        dues.append(due)
    assert dues == [at_eight(8), at_eight(7), at_eight(9)]


@pytest.mark.parametrize(
    ("local_now", "expected"),
    [
        (datetime(2026, 12, 8, 20, 0), at_eight(9)),  # the evening before the eve: the eve's morning
        (datetime(2026, 12, 9, 0, 30), at_eight(9)),  # just after midnight on the eve: still 7.5 h ahead
        (datetime(2026, 12, 9, 3, 0), None),  # 5 h before the eve's morning: this review is the final one
        (datetime(2026, 12, 9, 18, 0), None),  # the eve's evening: nothing is moved to 23:59
        (datetime(2026, 12, 10, 9, 0), None),  # the interview day itself: the rule is over
    ],
)
def test_the_rule_at_several_times_of_the_eve(candidate, ml_guide, local_now, expected):
    now = local_now.replace(tzinfo=BERLIN)
    elapsed = (DAY_START - now).total_seconds() / 86_400
    weak = card(max(elapsed, 0.01) / 100, now=now)
    due, moved = InterviewPlan(candidate, question(1).pk, now).due_for(weak)
    if expected is None:
        assert (due, moved) == (weak.due, False)
    else:
        assert (due, moved) == (expected, True)


def test_final_mornings_stay_at_eight_across_a_daylight_saving_change(candidate, ml_guide):
    # Summer time ends in Berlin at 03:00 on Sunday 25 October 2026: 08:00 is 06:00 UTC on the 24th, 07:00 after.
    candidate.interview_date = date(2026, 10, 27)
    now = datetime(2026, 10, 20, 12, 0, tzinfo=dt_timezone.utc)
    plan = InterviewPlan(candidate, question(1).pk, now)
    assert [slot.astimezone(dt_timezone.utc).hour for slot in plan.slots()] == [6, 7, 7]
    assert [slot.astimezone(BERLIN).hour for slot in plan.slots()] == [8, 8, 8]
    assert [slot.date() for slot in plan.slots()] == [
        date(2026, 10, 24),
        date(2026, 10, 25),
        date(2026, 10, 26),
    ]


def test_recording_an_answer_applies_the_rule(candidate, ml_guide, settings):
    settings.FSRS_ENABLE_FUZZING = False
    candidate.daily_new_limit = 1
    now = datetime(2026, 12, 5, 9, 0, tzinfo=dt_timezone.utc)
    session = session_start(user=candidate, mode=PracticeMode.NEW, now=now)
    showing = showing_current(session=session, now=now)
    # Easy on a new question: stability 8.3 days, due 13 December, after the interview; recall on the day
    # (4.58 days later) about 0.95 by the default curve, just below the target: the eve's morning.
    attempt = attempt_record(user=candidate, token=showing.token, rating=Rating.EASY, now=now)
    state = ReviewState.objects.get(user=candidate, question=showing.question)
    assert DEFAULT_MODEL.recall(state.stability, 4.5833) < 0.95
    assert attempt.due_after == state.due == at_eight(9)


def test_the_rating_buttons_say_when_the_rule_applies(candidate, ml_guide, settings):
    settings.FSRS_ENABLE_FUZZING = False
    now = datetime(2026, 12, 5, 9, 0, tzinfo=dt_timezone.utc)
    previews = preview_outcomes(candidate, None, question(1).pk, now)
    assert previews[Rating.EASY].label == "before your interview"
    assert previews[Rating.EASY].interval == at_eight(9) - now
    assert previews[Rating.GOOD].label == "10 min"  # a learning step, before the interview anyway


def test_the_reveal_page_shows_the_capped_button(client: Client, candidate, ml_guide):
    candidate.interview_date = date.today() + timedelta(days=5)
    candidate.save()
    client.force_login(candidate)
    session = session_start(user=candidate, mode=PracticeMode.NEW)
    showing = showing_current(session=session)
    html = client.post(
        f"/practice/{session.pk}/reveal/", {"answer_text": "x", "token": showing.token}, follow=True
    ).content.decode()
    # The button's text as a browser reads it: label, separator and interval sit in spans of their own.
    assert "Easy · before your interview" in strip_tags(html)


# The preference ----------------------------------------------------------------------------------------


def test_the_target_is_in_the_me_api_and_checked(candidate):
    client = Client()
    client.force_login(candidate)
    assert client.get("/api/v1/me/").json()["interview_target_retention"] == 0.95
    for bad in (0.85, 0.995):  # below the desired retention (0.90), above 0.99
        response = client.patch(
            "/api/v1/me/", {"interview_target_retention": bad}, content_type="application/json"
        )
        assert response.status_code == 400
        assert "interview_target_retention" in response.json()
    response = client.patch(
        "/api/v1/me/", {"interview_target_retention": 0.97}, content_type="application/json"
    )
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.interview_target_retention == 0.97


def test_the_preferences_page_offers_the_target_and_explains_it(client: Client, candidate):
    client.force_login(candidate)
    html = client.get("/accounts/preferences/").content.decode()
    assert 'name="interview_target_retention"' in html
    assert "Interview-day target" in html
