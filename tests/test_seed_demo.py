"""seed_demo: realistic histories whose schedules, progress rows and counts agree with the attempts."""

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max

from accounts.models import User
from interview.demo import DEMO_DOMAIN, attempt_counts
from interview.models import AssignmentLearner, Attempt, Cohort, Membership, ReviewState
from interview.selectors.mentoring import active_total

pytestmark = pytest.mark.usefixtures("ml_guide")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_flags_give_exact_counts_and_one_heavy_learner():
    output = seed("--learners", "40", "--attempts", "3000", "--heavy", "700")
    demo = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    assert demo.filter(is_mentor=False).count() == 41
    assert Attempt.objects.filter(user__in=demo).count() == 3700
    assert Attempt.objects.filter(user__email=f"heavy@{DEMO_DOMAIN}").count() == 700
    # 40 learners make two cohorts of at most 30, each with its own mentor.
    assert Cohort.objects.count() == 2
    assert Membership.objects.filter(role=Membership.Role.MENTOR).count() == 2
    assert sorted(
        Membership.objects.filter(role=Membership.Role.LEARNER)
        .values("cohort")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    ) == [10, 30]
    assert "Seeded 41 learners, 2 mentors, 2 cohorts, 3700 attempts" in output


def test_each_schedule_row_is_what_its_latest_attempt_left():
    seed("--learners", "5", "--attempts", "600")
    latest = {
        (row["user"], row["question"]): row
        for row in Attempt.objects.values("user", "question").annotate(
            last=Max("created_at"), reviews=Count("pk")
        )
    }
    states = list(ReviewState.objects.all())
    assert len(states) == len(latest)
    for state in states:
        attempt = Attempt.objects.filter(user=state.user_id, question=state.question_id).latest("created_at")
        assert state.last_review == attempt.created_at
        assert state.due == attempt.due_after
        assert state.last_rating == attempt.rating
        assert state.reviews == latest[(state.user_id, state.question_id)]["reviews"]
        assert state.due > state.last_review


def test_first_attempts_are_marked_new_and_ratings_use_the_whole_scale():
    seed("--learners", "5", "--attempts", "800")
    firsts = Attempt.objects.filter(was_new=True)
    assert firsts.count() == ReviewState.objects.count()
    assert Counter(Attempt.objects.values_list("rating", flat=True)).keys() == {1, 2, 3, 4}


def test_assignment_progress_agrees_with_the_assignment_attempts():
    seed("--learners", "30", "--attempts", "6000")
    rows = AssignmentLearner.objects.select_related("assignment")
    assert rows.count() == 30
    for row in rows:
        answered = (
            Attempt.objects.filter(assignment=row.assignment, user=row.learner_id)
            .values("question")
            .distinct()
            .count()
        )
        assert row.answered == answered
        assert (row.completed_at is not None) == (answered == active_total(row.assignment))
    assert any(row.answered for row in rows)


def test_the_same_seed_gives_the_same_data_and_a_rerun_replaces_it():
    seed("--learners", "3", "--attempts", "200", "--seed", "11")
    first = list(Attempt.objects.order_by("user__email", "created_at").values_list("question", "rating"))
    seed("--learners", "3", "--attempts", "200", "--seed", "11")
    second = list(Attempt.objects.order_by("user__email", "created_at").values_list("question", "rating"))
    assert first == second
    assert Attempt.objects.count() == 200


def test_attempts_are_split_with_a_long_tail_and_add_up():
    counts = attempt_counts(10_000, 100, random.Random(3))
    assert sum(counts) == 10_000
    assert max(counts) > 5 * sorted(counts)[50]


def test_bad_flags_are_refused_with_a_message():
    with pytest.raises(CommandError, match="needs at least one learner"):
        seed("--learners", "0", "--attempts", "10")
    with pytest.raises(CommandError, match="must be 0 or more"):
        seed("--learners", "-1")
