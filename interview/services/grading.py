"""Grading answers once per showing: the stored assessment behind the reveal, the mock review and the attempt."""

import logging
from dataclasses import replace

from interview.grading import answer_digest, grade
from interview.grading.assessment import LLM, Assessment
from interview.grading.llm import grade_with_llm
from interview.models import Attempt, Showing
from interview.tasks import llm_grade

logger = logging.getLogger(__name__)


def showing_assess(*, showing: Showing, answer_text: str, store: bool = True) -> Assessment:
    """The showing's assessment of this answer: graded once and stored, reused while the answer is the same.

    Called outside the transaction that records the attempt, so a slow grader never holds the showing's
    or the schedule's row lock. ``store=False``: an answer recorded at once (the attempt keeps its
    assessment), so writing it on the showing too would only cost a statement.
    """
    stored = showing.assessment
    if stored and stored.get("digest") == answer_digest(answer_text):
        return Assessment.from_json(stored)
    assessment = grade(showing.question, answer_text)
    if store:
        Showing.objects.filter(pk=showing.pk).update(assessment=assessment.to_json())
    showing.assessment = assessment.to_json()
    return assessment


def showing_llm_check(*, showing: Showing, answer_text: str) -> Assessment | None:
    """The LLM grader's verdict on this answer if it is in; else ask for it (once) and return None.

    The grader runs as a background task that stores its verdict on the showing (the `llm_grade` task); the
    reveal polls here. With the immediate task backend the verdict is in before this returns.
    """
    stored = Assessment.from_json(showing.assessment) if showing.assessment else None
    digest = answer_digest(answer_text)
    if stored is None or stored.digest != digest:
        stored = showing_assess(showing=showing, answer_text=answer_text)
    if stored.extra.get("llm_asked") or Attempt.objects.filter(showing=showing).exists():
        return stored
    if not stored.extra.get("llm_queued"):
        # Marked before enqueueing: the immediate backend stores the verdict inside enqueue().
        queued = replace(stored, extra={**stored.extra, "llm_queued": True})
        Showing.objects.filter(pk=showing.pk, attempt__isnull=True).update(assessment=queued.to_json())
        try:
            llm_grade.enqueue(showing_id=showing.pk, answer_text=answer_text)
        except Exception:  # the queue is down: as a failed call, the lexical check stands, with a note
            logger.exception("Could not enqueue the LLM grader")
            failed = replace(
                stored,
                note="The lexical check is shown: the LLM grader could not be asked.",
                extra={**stored.extra, "llm_asked": True},
            )
            Showing.objects.filter(pk=showing.pk, attempt__isnull=True).update(assessment=failed.to_json())
        showing.refresh_from_db(fields=["assessment"])
        stored = Assessment.from_json(showing.assessment) if showing.assessment else queued
        if stored.extra.get("llm_asked"):
            return stored
    return None


def showing_assess_with_llm(*, showing: Showing, answer_text: str) -> Assessment:
    """The LLM grader's verdict for a revealed answer, stored in place of the lexical one.

    The body of the `llm_grade` task, outside any transaction (the call waits on the network). Once the
    showing is rated its assessment is history and stays as recorded; a failed call keeps the lexical
    verdict with a note saying why.
    """
    stored = Assessment.from_json(showing.assessment) if showing.assessment else None
    digest = answer_digest(answer_text)
    if stored and stored.digest == digest and stored.extra.get("llm_asked"):
        return stored  # already asked for this answer
    if Attempt.objects.filter(showing=showing).exists():
        return stored or grade(showing.question, answer_text)
    assessment = grade_with_llm(showing.question, answer_text)
    if assessment.grader != LLM and not assessment.note:
        assessment = replace(assessment, note="The lexical check is shown: the LLM grader is off.")
    assessment = replace(assessment, extra={**assessment.extra, "llm_asked": True})
    Showing.objects.filter(pk=showing.pk, attempt__isnull=True).update(assessment=assessment.to_json())
    showing.assessment = assessment.to_json()
    return assessment
