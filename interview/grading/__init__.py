"""Grading an answer against a question's key points: one interface, `grade(question, answer_text)`."""

import hashlib

from interview.grading.assessment import LEXICAL, Assessment, suggested_rating_for
from interview.grading.lexical import PointRule, assess_points, salient_rules

NO_KEY_POINTS_NOTE = (
    "This question has no key points: your answer was checked against the model answer's terms."
)


def answer_digest(answer_text: str) -> str:
    return hashlib.sha256(answer_text.encode("utf-8")).hexdigest()[:32]


def rules_of(question) -> list[PointRule]:
    """The question's key points as rules; a point without concepts is one concept made of its terms."""
    return [
        PointRule(
            key_point_id=point.pk,
            text=point.text,
            concepts=tuple(tuple(concept) for concept in point.concepts) or (tuple(point.terms),),
            contrast=tuple(point.contrast),
        )
        for point in question.key_points.all()
    ]


def grade_lexical(question, answer_text: str) -> Assessment:
    rules = rules_of(question)
    has_key_points = bool(rules)
    if not has_key_points:
        rules = salient_rules(question.answer, question.prompt)
    points = assess_points(answer_text, rules)
    return Assessment(
        points=points,
        suggested_rating=suggested_rating_for(points),
        grader=LEXICAL,
        has_key_points=has_key_points,
        note="" if has_key_points else NO_KEY_POINTS_NOTE,
        digest=answer_digest(answer_text),
    )


def grade(question, answer_text: str) -> Assessment:
    """The default grader's assessment of an answer (the lexical one: local and fast)."""
    return grade_lexical(question, answer_text)
