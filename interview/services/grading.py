"""Grading answers once per showing: the stored assessment behind the reveal, the mock review and the attempt."""

from interview.grading import answer_digest, grade
from interview.grading.assessment import Assessment
from interview.models import Showing


def showing_assess(*, showing: Showing, answer_text: str) -> Assessment:
    """The showing's assessment of this answer: graded once and stored, reused while the answer is the same.

    Called outside the transaction that records the attempt, so a slow grader never holds the showing's
    or the schedule's row lock.
    """
    stored = showing.assessment
    if stored and stored.get("digest") == answer_digest(answer_text):
        return Assessment.from_json(stored)
    assessment = grade(showing.question, answer_text)
    Showing.objects.filter(pk=showing.pk).update(assessment=assessment.to_json())
    showing.assessment = assessment.to_json()
    return assessment
