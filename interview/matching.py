"""Which key points a typed answer covers: word stems, so case and inflection do not matter."""

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from interview.models import KeyPoint, Rating

WORD = re.compile(r"[^\W_]+")  # letters and digits of any script: "naïve" stays one word
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    return [_stem(word) for word in WORD.findall(text.lower())]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return size > 0 and any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def term_matches(term: str, answer_stems: list[str]) -> bool:
    """A term (a word or a phrase) matches when its stemmed words appear together, in order."""
    return _contains(answer_stems, stems(term))


def covered_key_points(answer_text: str, key_points: Iterable[KeyPoint]) -> list[int]:
    """The ids of the key points whose terms appear in the answer."""
    answer_stems = stems(answer_text)
    return [point.pk for point in key_points if any(term_matches(term, answer_stems) for term in point.terms)]


def coverage_of(ticked: int, total: int) -> float:
    return round(ticked / total, 4) if total else 0.0


def suggested_rating(coverage: float) -> int:
    """Again below a quarter of the points, Hard below 60%, Good below all of them, Easy with all."""
    if coverage < 0.25:
        return Rating.AGAIN
    if coverage < 0.6:
        return Rating.HARD
    if coverage < 1:
        return Rating.GOOD
    return Rating.EASY
