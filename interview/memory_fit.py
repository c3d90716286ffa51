"""Fitting FSRS-6 parameters to review logs with fsrs-rs-python, and judging them on held-out reviews.

Pure functions over (question, moment, rating) rows; the service in interview/services/memory.py reads the
attempts and stores the outcome. fsrs-rs counts time in whole days, so each review's elapsed time is the
number of local calendar days since the previous review of the same question.
"""

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

HELD_OUT_SHARE = 0.2
SITE_MIN_REVIEWS = 1_000
PERSONAL_MIN_REVIEWS = 400


@dataclass(frozen=True)
class Review:
    question_id: int
    moment: datetime
    rating: int


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float


def review_histories(
    reviews: Iterable[Review], zone_name: str
) -> list[tuple[datetime, list[tuple[int, int]]]]:
    """One history per review made on a later local day than the question's previous one: the (rating, days
    since the previous review) pairs up to it, the moment of that review first."""
    zone = zoneinfo.ZoneInfo(zone_name)
    by_question: dict[int, list[Review]] = defaultdict(list)
    for review in sorted(reviews, key=lambda r: r.moment):
        by_question[review.question_id].append(review)
    histories = []
    for reviews_of_question in by_question.values():
        steps: list[tuple[int, int]] = []
        previous = reviews_of_question[0].moment.astimezone(zone).date()
        for review in reviews_of_question:
            day = review.moment.astimezone(zone).date()
            steps.append((review.rating, (day - previous).days))
            if steps[-1][1] > 0:
                histories.append((review.moment, list(steps)))
            previous = day
    return sorted(histories, key=lambda pair: pair[0])


def review_items(reviews: Iterable[Review], zone_name: str) -> list[tuple[datetime, FSRSItem]]:
    """The histories as fsrs-rs items, in the order of the review each one predicts."""
    items = [
        (moment, FSRSItem([FSRSReview(rating, delta) for rating, delta in steps]))
        for moment, steps in review_histories(reviews, zone_name)
    ]
    return [(moment, item) for moment, item in items if item.long_term_review_cnt() > 0]


def split_latest(items: list[tuple[datetime, FSRSItem]]) -> tuple[list[FSRSItem], list[FSRSItem]]:
    """Training items and the latest 20 % held out, by the moment of the review each one predicts."""
    cut = len(items) - max(1, round(len(items) * HELD_OUT_SHARE))
    return [item for _, item in items[:cut]], [item for _, item in items[cut:]]


def fit_parameters(items: list[FSRSItem]) -> list[float]:
    return list(FSRS(DEFAULT_PARAMETERS).compute_parameters(items))


def evaluate(parameters: list[float] | tuple[float, ...], items: list[FSRSItem]) -> Evaluation:
    result = FSRS(list(parameters)).evaluate(items)
    return Evaluation(log_loss=result.log_loss, rmse_bins=result.rmse_bins)


def better_than(candidate: Evaluation, baseline: Evaluation) -> bool:
    """Used only where it predicts the held-out reviews better: a lower log loss, and RMSE (bins) no worse."""
    return candidate.log_loss < baseline.log_loss and candidate.rmse_bins <= baseline.rmse_bins
