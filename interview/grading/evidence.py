"""Showing an assessment: the answer with the words behind each verdict marked, and one row per key point."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from interview.grading import answer_digest
from interview.grading.assessment import Assessment, PointAssessment


@dataclass(frozen=True)
class EvidenceRow:
    number: int
    key_point_id: int | None
    text: str
    status: str
    evidence: str

    @property
    def covered(self) -> bool:
        return self.status == "covered"


def evidence_rows(assessment: Assessment | None) -> list[EvidenceRow]:
    if assessment is None:
        return []
    return [
        EvidenceRow(
            number=number,
            key_point_id=point.key_point_id,
            text=point.text,
            status=point.status,
            evidence=point.evidence,
        )
        for number, point in enumerate(assessment.points, start=1)
    ]


def _marks(points: tuple[PointAssessment, ...], length: int) -> list[tuple[int, int, int, str]]:
    """Non-overlapping (start, end, point number, status), in order; the first point to claim a word keeps it."""
    claimed: list[tuple[int, int, int, str]] = []
    for number, point in enumerate(points, start=1):
        if point.status == "missing":
            continue
        for start, end in point.spans:
            if 0 <= start < end <= length and all(end <= s or start >= e for s, e, _, _ in claimed):
                claimed.append((start, end, number, point.status))
    return sorted(claimed)


def highlighted_answer(answer_text: str, assessment: Assessment | None) -> SafeString:
    """The answer as HTML paragraphs, each matched word in a <mark> naming its key point."""
    if assessment is None or assessment.digest != answer_digest(answer_text):
        return mark_safe(_paragraphs(escape(answer_text)))  # no verdict on this very text: nothing to mark
    pieces: list[str] = []
    cursor = 0
    for start, end, number, status in _marks(assessment.points, len(answer_text)):
        pieces.append(escape(answer_text[cursor:start]))
        # The key point's number is drawn by CSS (mark.evidence::after), so the answer's text stays exactly
        # the learner's; the list of key points below says the same in words for screen readers.
        pieces.append(
            f'<mark class="evidence evidence-{status}" data-point="{number}">{escape(answer_text[start:end])}</mark>'
        )
        cursor = end
    pieces.append(escape(answer_text[cursor:]))
    return mark_safe(_paragraphs("".join(pieces)))  # every piece of the learner's text is escaped above


def _paragraphs(html: str) -> str:
    blocks = [block.strip().replace("\n", "<br>") for block in html.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{block}</p>" for block in blocks if block)
