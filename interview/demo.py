"""Demo and benchmark data: learners whose histories look real and whose schedules agree with them.

Each simulated learner has a skill; each answer is recalled with a probability drawn from the card's
FSRS retrievability at that moment, rated accordingly, and fed through the same FSRS scheduler the app
uses, so every attempt's `due_after` and the final `ReviewState` are what practice would have written.
Rows go in with bulk inserts (PostgreSQL's COPY where available): a million attempts take minutes.
"""

import heapq
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.usersessions.models import UserSession
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, models, transaction
from fsrs import Card, Rating, Scheduler, State

from accounts.models import User
from interview.bulk import bulk_insert, unsaved
from interview.models import (
    Assignment,
    AssignmentLearner,
    Attempt,
    Cohort,
    Membership,
    PracticeMode,
    Question,
    QuestionSet,
    QuestionSetItem,
    ReviewState,
)
from interview.selectors.mentoring import active_total
from interview.services.activity import activity_rebuild
from interview.services.mentoring import mentor_account_retire

DEMO_DOMAIN = "demo.invalid"
DEMO_PASSWORD = "demo-password-1"
COHORT_SIZE = 30
SET_SIZE = 20
ASSIGNMENT_WINDOW = timedelta(days=14)

# The one learner that "Try it with a demo learner" signs in as (DEMO_MODE): shared by every visitor.
DEMO_LEARNER_EMAIL = f"demo-learner@{DEMO_DOMAIN}"
DEMO_LEARNER_HISTORY = timedelta(days=14)
DEMO_LEARNER_ATTEMPTS = 150
# The history is rebuilt once it is this old, so it always ends today and the account cannot pile up rows.
DEMO_LEARNER_REBUILT_AFTER = timedelta(days=1)
DEMO_LEARNER_SEED = 11  # a fairly good learner with a few weak topics


@dataclass
class SimulatedCard:
    question_id: int
    card: Card
    last_rating: int = 0
    reviews: int = 0
    lapses: int = 0


@dataclass
class History:
    """One learner's simulated attempts (unsaved) and final schedule rows."""

    attempts: list[Attempt] = field(default_factory=list)
    states: list[ReviewState] = field(default_factory=list)


def simulate_learner(
    *,
    user: User,
    question_ids: list[int],
    attempts: int,
    start: datetime,
    end: datetime,
    rng: random.Random,
    scheduler: Scheduler,
) -> History:
    """``attempts`` answers between ``start`` and ``end``: due reviews first, then new questions, then the
    least-remembered question (cramming), each rated by whether the simulated learner recalled it."""
    skill = rng.betavariate(4, 2)  # most learners are decent, a few struggle
    span = (end - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(attempts))
    unseen = question_ids[:]
    rng.shuffle(unseen)
    cards: dict[int, SimulatedCard] = {}
    due_heap: list[tuple[datetime, int]] = []
    history = History()
    for moment in moments:
        was_new = False
        if due_heap and due_heap[0][0] <= moment:
            _, question_id = heapq.heappop(due_heap)
            mode = PracticeMode.DUE
        elif unseen:
            question_id = unseen.pop()
            cards[question_id] = SimulatedCard(question_id, Card(card_id=question_id))
            was_new, mode = True, PracticeMode.NEW
        else:
            question_id = min(
                cards, key=lambda qid: scheduler.get_card_retrievability(cards[qid].card, moment)
            )
            due_heap = [(due, qid) for due, qid in due_heap if qid != question_id]
            heapq.heapify(due_heap)
            mode = PracticeMode.MISTAKES
        simulated = cards[question_id]
        recall = 0.35 * skill if was_new else scheduler.get_card_retrievability(simulated.card, moment)
        rating = _rating(rng, recalled=rng.random() < recall * (0.7 + 0.3 * skill))
        # A lapse is forgetting a question that had graduated to review, as in FSRS.
        simulated.lapses += rating == Rating.Again and simulated.card.state == State.Review
        simulated.card, _ = scheduler.review_card(simulated.card, Rating(rating), moment)
        simulated.reviews += 1
        simulated.last_rating = rating
        heapq.heappush(due_heap, (simulated.card.due, question_id))
        coverage = _coverage(rng, rating)
        history.attempts.append(
            unsaved(
                Attempt,
                user_id=user.pk,
                question_id=question_id,
                mode=mode.value,
                coverage=coverage,
                suggested_rating=max(1, min(3, rating + rng.choice((-1, 0, 0, 0, 1)))),
                rating=int(rating),
                duration_ms=rng.randint(20_000, 240_000),
                was_new=was_new,
                due_after=simulated.card.due,
                created_at=moment,
            )
        )
    for simulated in cards.values():
        card = simulated.card
        history.states.append(
            ReviewState(
                user=user,
                question_id=simulated.question_id,
                phase=card.state.value,
                step=card.step,
                stability=card.stability,
                difficulty=card.difficulty,
                due=card.due,
                last_review=card.last_review,
                last_rating=simulated.last_rating,
                reviews=simulated.reviews,
                lapses=simulated.lapses,
            )
        )
    return history


def _rating(rng: random.Random, *, recalled: bool) -> int:
    if not recalled:
        return Rating.Again
    # Weights 2, 7, 1 given as running totals: the same draws, without summing them on every call.
    return rng.choices((Rating.Hard, Rating.Good, Rating.Easy), cum_weights=(2, 9, 10))[0]


def _coverage(rng: random.Random, rating: int) -> float:
    # Coverage in quarters, as with a question of four key points; better answers cover more.
    low, high = {1: (0, 1), 2: (1, 3), 3: (2, 4), 4: (3, 4)}[rating]
    return rng.randint(low, high) / 4


def attempt_counts(total: int, learners: int, rng: random.Random) -> list[int]:
    """Split ``total`` attempts over ``learners`` with a long tail: a few keen learners, many casual ones."""
    if learners == 0:
        return []
    weights = [rng.paretovariate(1.5) for _ in range(learners)]
    scale = total / sum(weights)
    counts = [math.floor(weight * scale) for weight in weights]
    for index in rng.sample(range(learners), total - sum(counts)):
        counts[index] += 1
    return counts


def is_demo_learner(user: User) -> bool:
    """The shared demo account, whose address and password stay as they are (see accounts.adapter)."""
    return user.is_authenticated and user.email == DEMO_LEARNER_EMAIL


@transaction.atomic
def demo_learner_ready(*, now: datetime, scheduler: Scheduler | None = None) -> User:
    """The shared demo learner with two weeks of history up to ``now``, rebuilt when a day old."""
    demo = User.objects.select_for_update().filter(email=DEMO_LEARNER_EMAIL).first()
    if demo is not None and now - demo.date_joined < DEMO_LEARNER_REBUILT_AFTER:
        return demo
    if demo is not None:
        _demo_learner_remove(demo)
    question_ids = list(Question.objects.public().order_by("pk").values_list("pk", flat=True))
    if not question_ids:
        raise ValueError("There are no questions: import a guide first (make guide).")
    try:
        with transaction.atomic():
            demo = User.objects.create_user(
                email=DEMO_LEARNER_EMAIL, display_name="Demo learner", date_joined=now
            )
    except IntegrityError:
        # Another visitor's click is building it: wait for that transaction and use its learner.
        return User.objects.select_for_update().get(email=DEMO_LEARNER_EMAIL)
    # date_joined is when the history was built: the age that decides the next rebuild.
    history = simulate_learner(
        user=demo,
        question_ids=question_ids,
        attempts=DEMO_LEARNER_ATTEMPTS,
        start=now - DEMO_LEARNER_HISTORY,
        end=now - timedelta(minutes=5),
        rng=random.Random(DEMO_LEARNER_SEED),
        scheduler=scheduler or Scheduler(enable_fuzzing=False),
    )
    bulk_insert(Attempt, history.attempts)
    bulk_insert(ReviewState, history.states)
    activity_rebuild(users=[demo])  # the daily rollup the dashboard reads, as attempt_record keeps it
    return demo


def _demo_learner_remove(demo: User) -> None:
    """As deleting an account does: sign it out everywhere, hand on anything it mentored, remove it."""
    for session in UserSession.objects.filter(user=demo):
        session.end()
    mentor_account_retire(mentor=demo)
    demo.delete()


@dataclass(frozen=True)
class SeedReport:
    learners: int
    mentors: int
    cohorts: int
    attempts: int
    review_states: int


def demo_data_clear() -> None:
    """Remove earlier demo data (users of the demo domain and their cohorts)."""
    demo_users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    Cohort.objects.filter(memberships__user__in=demo_users).delete()
    demo_users.delete()


@transaction.atomic
def demo_data_seed(
    *,
    learners: int,
    attempts: int,
    heavy: int = 0,
    days: int = 180,
    seed: int = 7,
    now: datetime,
    scheduler: Scheduler | None = None,
) -> SeedReport:
    """Replace the demo data: ``learners`` learners sharing ``attempts`` attempts, one more learner with
    exactly ``heavy`` attempts, a mentor per cohort of 30 with a question set assigned to the cohort."""
    rng = random.Random(seed)
    scheduler = scheduler or Scheduler(enable_fuzzing=False)
    question_ids = list(Question.objects.public().order_by("pk").values_list("pk", flat=True))
    if not question_ids:
        raise ValueError("There are no questions: import a guide first (make guide).")
    demo_data_clear()

    password = make_password(DEMO_PASSWORD)
    people = [
        User(email=f"learner{index:06d}@{DEMO_DOMAIN}", display_name=f"Learner {index}", password=password)
        for index in range(learners)
    ]
    if heavy:
        people.append(User(email=f"heavy@{DEMO_DOMAIN}", display_name="Heavy learner", password=password))
    people = User.objects.bulk_create(people, batch_size=2000)
    cohort_count = math.ceil(learners / COHORT_SIZE)
    mentors = User.objects.bulk_create(
        User(
            email=f"mentor{index:04d}@{DEMO_DOMAIN}",
            display_name=f"Mentor {index}",
            password=password,
            is_mentor=True,
        )
        for index in range(cohort_count)
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(name=f"Demo cohort {index + 1}") for index in range(cohort_count)
    )
    Membership.objects.bulk_create(
        [
            Membership(cohort=cohort, user=mentor, role=Membership.Role.MENTOR)
            for cohort, mentor in zip(cohorts, mentors, strict=True)
        ]
        + [
            Membership(cohort=cohorts[index // COHORT_SIZE], user=person, role=Membership.Role.LEARNER)
            for index, person in enumerate(people[:learners])
        ],
        batch_size=2000,
    )
    assignments = _assign_sets(mentors, cohorts, question_ids, rng, now)

    counts = attempt_counts(attempts, learners, rng) + ([heavy] if heavy else [])
    start = now - timedelta(days=days)
    total_attempts = total_states = 0
    batch_attempts: list[Attempt] = []
    batch_states: list[ReviewState] = []
    for index, (person, count) in enumerate(zip(people, counts, strict=True)):
        history = simulate_learner(
            user=person,
            question_ids=question_ids,
            attempts=count,
            start=start,
            end=now - timedelta(minutes=1),
            rng=rng,
            scheduler=scheduler,
        )
        assignment = assignments[index // COHORT_SIZE] if index < learners else None
        if assignment is not None:
            _link_to_assignment(history.attempts, assignment, now)
        batch_attempts += history.attempts
        batch_states += history.states
        if len(batch_attempts) >= 50_000:
            total_attempts += bulk_insert(Attempt, batch_attempts)
            total_states += bulk_insert(ReviewState, batch_states)
            batch_attempts, batch_states = [], []
    total_attempts += bulk_insert(Attempt, batch_attempts)
    total_states += bulk_insert(ReviewState, batch_states)
    _rebuild_assignment_progress(assignments)
    activity_rebuild(users=people)
    return SeedReport(
        learners=len(people),
        mentors=len(mentors),
        cohorts=len(cohorts),
        attempts=total_attempts,
        review_states=total_states,
    )


def _assign_sets(
    mentors: list[User], cohorts: list[Cohort], question_ids: list[int], rng: random.Random, now: datetime
) -> list[Assignment]:
    sets = QuestionSet.objects.bulk_create(
        QuestionSet(owner=mentor, title="Core questions") for mentor in mentors
    )
    chosen = [rng.sample(question_ids, min(SET_SIZE, len(question_ids))) for _ in sets]
    QuestionSetItem.objects.bulk_create(
        QuestionSetItem(question_set=question_set, question_id=question_id, position=position)
        for question_set, ids in zip(sets, chosen, strict=True)
        for position, question_id in enumerate(ids)
    )
    return Assignment.objects.bulk_create(
        Assignment(
            question_set=question_set,
            title=question_set.title,
            question_ids=ids,
            cohort=cohort,
            created_by=mentor,
            start_date=(now - ASSIGNMENT_WINDOW).date(),
            due_date=(now + timedelta(days=7)).date(),
        )
        for question_set, ids, cohort, mentor in zip(sets, chosen, cohorts, mentors, strict=True)
    )


def _link_to_assignment(attempts: list[Attempt], assignment: Assignment, now: datetime) -> None:
    """Recent answers to the assignment's questions count toward it, as in assignment practice."""
    assigned = set(assignment.question_ids)
    since = now - ASSIGNMENT_WINDOW
    for attempt in attempts:
        if attempt.created_at >= since and attempt.question_id in assigned:
            attempt.assignment = assignment
            attempt.mode = PracticeMode.ASSIGNMENT


def _rebuild_assignment_progress(assignments: list[Assignment]) -> None:
    """Every learner of each cohort gets a progress row that agrees with their assignment attempts."""
    rows = []
    for assignment in assignments:
        learner_ids = Membership.objects.filter(
            cohort_id=assignment.cohort_id, role=Membership.Role.LEARNER
        ).values_list("user_id", flat=True)
        tallies = {
            row["user_id"]: row
            for row in Attempt.objects.filter(assignment=assignment)
            .values("user_id")
            .annotate(
                answered=models.Count("question", distinct=True),
                reached_good=models.Count(
                    "question", distinct=True, filter=models.Q(rating__gte=Rating.Good)
                ),
                last=models.Max("created_at"),
            )
        }
        for learner_id in learner_ids:
            tally = tallies.get(learner_id, {})
            answered = tally.get("answered", 0)
            rows.append(
                AssignmentLearner(
                    assignment=assignment,
                    learner_id=learner_id,
                    answered=answered,
                    reached_good=tally.get("reached_good", 0),
                    last_activity=tally.get("last"),
                    completed_at=tally.get("last") if answered == active_total(assignment) else None,
                )
            )
    AssignmentLearner.objects.bulk_create(rows, batch_size=2000)
