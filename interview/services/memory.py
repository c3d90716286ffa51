"""Fitting memory models to the review logs: site-wide and personal FSRS-6 parameters, used only where better."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from interview.memory_fit import (
    PERSONAL_MIN_REVIEWS,
    SITE_MIN_REVIEWS,
    Evaluation,
    Review,
    better_than,
    evaluate,
    fit_parameters,
    review_items,
    split_latest,
)
from interview.models import Attempt, MemoryModelFit
from interview.scheduling import DEFAULT_MODEL


@dataclass
class FitReport:
    site_reviews: int = 0
    site_fitted: bool = False
    learners: dict[int, str] = field(default_factory=dict)  # user id: what they use now


def _choose(
    held_out: list, candidates: Sequence[tuple[str, list[float], int]]
) -> tuple[str, list[float], int, Evaluation, Evaluation] | None:
    """The candidate with the lowest held-out log loss, with its evaluation and the defaults'."""
    if not held_out or not candidates:
        return None
    defaults = evaluate(DEFAULT_MODEL.parameters, held_out)
    scored = [(evaluate(params, held_out), kind, params, count) for kind, params, count in candidates]
    evaluation, kind, params, count = min(scored, key=lambda row: row[0].log_loss)
    return kind, params, count, evaluation, defaults


@transaction.atomic
def memory_models_fit(*, now: datetime | None = None) -> FitReport:
    """Fit site-wide parameters (1,000 reviews or more) and personal ones (400 or more per learner); each learner
    uses the fitted candidate that beats the defaults on their latest 20 % of reviews, else the defaults."""
    now = now or timezone.now()
    report = FitReport()
    rows = Attempt.objects.order_by("user_id", "created_at").values_list(
        "user_id", "question_id", "created_at", "rating"
    )
    reviews_by_user: dict[int, list[Review]] = defaultdict(list)
    for user_id, question_id, created_at, rating in rows.iterator(chunk_size=5_000):
        reviews_by_user[user_id].append(Review(question_id, created_at, rating))
    users = User.objects.in_bulk(list(reviews_by_user))
    items_by_user = {
        user_id: review_items(reviews, users[user_id].timezone)
        for user_id, reviews in reviews_by_user.items()
    }
    splits = {user_id: split_latest(items) for user_id, items in items_by_user.items() if items}
    report.site_reviews = sum(len(reviews) for reviews in reviews_by_user.values())

    site_parameters = None
    if report.site_reviews >= SITE_MIN_REVIEWS:
        training = [item for train, _ in splits.values() for item in train]
        held_out = [item for _, test in splits.values() for item in test]
        site_parameters = fit_parameters(training)
        site_score, default_score = (
            evaluate(site_parameters, held_out),
            evaluate(DEFAULT_MODEL.parameters, held_out),
        )
        MemoryModelFit.objects.update_or_create(
            user=None,
            defaults={
                "kind": MemoryModelFit.Kind.SITE,
                "parameters": site_parameters,
                "fitted_at": now,
                "review_count": report.site_reviews,
                "held_out_reviews": len(held_out),
                "log_loss": site_score.log_loss,
                "rmse_bins": site_score.rmse_bins,
                "default_log_loss": default_score.log_loss,
                "default_rmse_bins": default_score.rmse_bins,
                "used": better_than(site_score, default_score),
            },
        )
        report.site_fitted = True

    for user_id, (train, held_out) in splits.items():
        user = users[user_id]
        count = len(reviews_by_user[user_id])
        candidates = []
        if site_parameters is not None:
            candidates.append((MemoryModelFit.Kind.SITE, site_parameters, report.site_reviews))
        if count >= PERSONAL_MIN_REVIEWS:
            candidates.append((MemoryModelFit.Kind.PERSONAL, fit_parameters(train), count))
        chosen = _choose(held_out, candidates)
        if chosen is None:
            continue
        kind, params, fitted_on, score, defaults = chosen
        used = better_than(score, defaults)
        MemoryModelFit.objects.update_or_create(
            user=user,
            defaults={
                "kind": kind,
                "parameters": params,
                "fitted_at": now,
                "review_count": fitted_on,
                "held_out_reviews": len(held_out),
                "log_loss": score.log_loss,
                "rmse_bins": score.rmse_bins,
                "default_log_loss": defaults.log_loss,
                "default_rmse_bins": defaults.rmse_bins,
                "used": used,
            },
        )
        user.memory_parameters = params if used else None
        user.save(update_fields=["memory_parameters"])
        report.learners[user_id] = kind if used else "defaults"
    return report
