"""What a grader says about an answer: per key point covered or not, with the evidence, and a suggested rating."""

import json
from dataclasses import dataclass, field

from interview.models import Rating

COVERED, MISSING, NEGATED, SWAPPED = "covered", "missing", "negated", "swapped"
CONTRADICTED = "contradicted"  # the LLM grader's word for a point the answer gets wrong
STATUSES = (COVERED, MISSING, NEGATED, SWAPPED, CONTRADICTED)
LEXICAL, LLM = "lexical", "llm"


@dataclass(frozen=True)
class PointAssessment:
    key_point_id: int | None  # None for a salient term of a model answer without key points
    text: str
    status: str
    evidence: str = ""
    spans: tuple[tuple[int, int], ...] = ()  # character offsets in the answer of the words behind the verdict

    @property
    def covered(self) -> bool:
        return self.status == COVERED

    @property
    def contradicted(self) -> bool:
        return self.status in (NEGATED, SWAPPED, CONTRADICTED)


@dataclass(frozen=True)
class Assessment:
    points: tuple[PointAssessment, ...]
    suggested_rating: int
    grader: str = LEXICAL
    has_key_points: bool = True
    note: str = ""  # why this grader's verdict stands, e.g. a fallback from the LLM grader
    feedback: str = ""
    digest: str = ""  # of the answer text assessed, so a stored assessment is reused only for that text
    extra: dict = field(default_factory=dict)

    @property
    def covered(self) -> list[int]:
        """Ids of the key points covered (the automatic ticks)."""
        return [point.key_point_id for point in self.points if point.covered and point.key_point_id]

    @property
    def covered_count(self) -> int:
        return sum(point.covered for point in self.points)

    @property
    def coverage(self) -> float:
        return coverage_of(sum(point.covered for point in self.points), len(self.points))

    def to_json(self) -> dict:
        """Plain JSON types (lists, not tuples), equal to what a JSONField gives back.

        Written out (tests/test_grading.py holds it equal to the JSON of ``asdict``): recording an attempt
        calls it twice, and ``asdict`` deep-copies every point.
        """
        return {
            "points": [
                {
                    "key_point_id": point.key_point_id,
                    "text": point.text,
                    "status": point.status,
                    "evidence": point.evidence,
                    "spans": [[start, end] for start, end in point.spans],
                }
                for point in self.points
            ],
            "suggested_rating": int(self.suggested_rating),
            "grader": self.grader,
            "has_key_points": self.has_key_points,
            "note": self.note,
            "feedback": self.feedback,
            "digest": self.digest,
            "extra": json.loads(json.dumps(self.extra)),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Assessment":
        points = tuple(
            PointAssessment(**{**point, "spans": tuple(tuple(span) for span in point.get("spans", ()))})
            for point in data.get("points", ())
        )
        return cls(**{**data, "points": points})


def coverage_of(ticked: int, total: int) -> float:
    return round(ticked / total, 4) if total else 0.0


# The suggestion policy, set by the grading benchmark (bench/grading.py, docs/grading.md): a statement the
# answer contradicts cancels one it makes; keyword evidence alone never suggests Easy, which is the learner's call.
AGAIN_BELOW = 0.34
HARD_BELOW = 0.6


def suggested_rating_for(points: tuple[PointAssessment, ...] | list[PointAssessment]) -> int:
    """Again, Hard or Good from the share of points covered, less those contradicted; never Easy."""
    total = len(points)
    covered = sum(point.covered for point in points)
    if not total or not covered:
        return int(Rating.AGAIN)
    score = (covered - sum(point.contradicted for point in points)) / total
    if score < AGAIN_BELOW:
        return int(Rating.AGAIN)
    if score < HARD_BELOW:
        return int(Rating.HARD)
    return int(Rating.GOOD)


def suggested_rating_from_ticks(coverage: float) -> int:
    """The learner's own ticks: the same bands, and Good at most (Easy stays a deliberate choice)."""
    if coverage < AGAIN_BELOW:
        return int(Rating.AGAIN)
    if coverage < HARD_BELOW:
        return int(Rating.HARD)
    return int(Rating.GOOD)
