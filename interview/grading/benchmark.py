"""Measuring a grader on hand-labelled answers (tests/data/grading_benchmark.yaml): used by bench/grading.py
and by the test that keeps the goals from regressing. Needs no database: questions are built in memory."""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from interview.annotations import load_annotations
from interview.grading.assessment import Assessment
from interview.guide_format import parse_guide
from interview.models import KeyPoint, Rating

RATINGS = {"again": Rating.AGAIN, "hard": Rating.HARD, "good": Rating.GOOD, "easy": Rating.EASY}
# The goals for the lexical grader (issue 12, docs/grading.md).
GOAL_STRONG_GOOD_OR_EASY = 0.80
GOAL_WRONG_AGAIN_OR_HARD = 0.70
GOAL_P95_MS = 5.0


class _KeyPoints:
    def __init__(self, points: list[KeyPoint]) -> None:
        self._points = points

    def all(self) -> list[KeyPoint]:
        return self._points


@dataclass
class BenchQuestion:
    """What a grader reads of a question, without a database."""

    number: int
    prompt: str
    answer: str
    key_points: _KeyPoints


@dataclass(frozen=True)
class Case:
    question: int
    kind: str
    covered: frozenset[int]
    rating: int
    answer: str
    split: str = "tuning"  # "held-out": written after the rules were set, never used to tune them


@dataclass(frozen=True)
class Report:
    precision: float
    recall: float
    judgements: int
    strong_good_or_easy: float
    wrong_again_or_hard: float
    irrelevant_again: float
    fair_rating_agreement: float
    p95_ms: float
    counts: dict
    misses: list[str]


def bench_questions(guide_path: Path, annotations_path: Path) -> dict[int, BenchQuestion]:
    parsed = parse_guide(guide_path.read_text(encoding="utf-8"))
    annotations = load_annotations(annotations_path)
    questions = {}
    for item in parsed.questions:
        annotation = annotations.questions.get(item.number)
        points = [
            KeyPoint(
                pk=item.number * 100 + position,
                position=position,
                text=point.text,
                terms=point.terms,
                concepts=point.concepts if len(point.concepts) > 1 or point.contrast else [],
                contrast=point.contrast,
            )
            for position, point in enumerate(annotation.key_points if annotation else [])
        ]
        questions[item.number] = BenchQuestion(
            number=item.number, prompt=item.prompt, answer=item.answer, key_points=_KeyPoints(points)
        )
    return questions


def load_cases(path: Path) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(
            question=int(item["question"]),
            kind=item["kind"],
            covered=frozenset(item.get("covered") or []),
            rating=RATINGS[item["rating"]],
            answer=str(item.get("answer") or ""),
            split=str(item.get("split") or "tuning"),
        )
        for item in raw["answers"]
    ]


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def evaluate(
    grader: Callable[[BenchQuestion, str], Assessment],
    questions: dict[int, BenchQuestion],
    cases: list[Case],
) -> Report:
    true_pos = false_pos = false_neg = judgements = 0
    by_kind: dict[str, list[int]] = {"strong": [0, 0], "wrong": [0, 0], "irrelevant": [0, 0]}
    fair = 0
    timings = []
    misses = []
    for case in cases:
        question = questions[case.question]
        started = time.perf_counter()
        assessment = grader(question, case.answer)
        timings.append((time.perf_counter() - started) * 1000)
        for position, point in enumerate(question.key_points.all()):
            said = point.pk in assessment.covered
            truth = position in case.covered
            judgements += 1
            true_pos += said and truth
            false_pos += said and not truth
            false_neg += truth and not said
            if said != truth:
                misses.append(
                    f"Q{case.question} {case.kind} point {position}: grader {'ticked' if said else 'missed'} "
                    f"{point.text!r} ({next((p.evidence for p in assessment.points if p.key_point_id == point.pk), '')})"
                )
        suggested = assessment.suggested_rating
        fair += suggested == case.rating
        counts = by_kind[case.kind]
        counts[1] += 1
        if case.kind == "strong":
            counts[0] += suggested >= Rating.GOOD
        elif case.kind == "wrong":
            counts[0] += suggested <= Rating.HARD
        else:
            counts[0] += suggested == Rating.AGAIN
        if (case.kind == "strong") != (suggested >= Rating.GOOD) or (
            case.kind == "irrelevant" and suggested != Rating.AGAIN
        ):
            misses.append(
                f"Q{case.question} {case.kind} suggested {Rating(suggested).label}: {case.answer[:70]!r}"
            )
    timings.sort()
    p95 = timings[max(0, math.ceil(0.95 * len(timings)) - 1)] if timings else 0.0
    return Report(
        precision=_share(true_pos, true_pos + false_pos),
        recall=_share(true_pos, true_pos + false_neg),
        judgements=judgements,
        strong_good_or_easy=_share(*by_kind["strong"]),
        wrong_again_or_hard=_share(*by_kind["wrong"]),
        irrelevant_again=_share(*by_kind["irrelevant"]),
        fair_rating_agreement=_share(fair, len(cases)),
        p95_ms=p95,
        counts={kind: total for kind, (_, total) in by_kind.items()},
        misses=misses,
    )
