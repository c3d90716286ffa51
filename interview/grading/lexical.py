"""The lexical grader: a key point is covered when its concepts meet in one clause, unnegated and unswapped.

Local, no network, a few milliseconds per answer. Each key point is a rule: concepts (each a list of
synonyms) that must co-occur in one clause, and optionally a contrast that makes the statement false when
it is paired with the first concept more closely than the others are ("CNN" with "sequence").
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from interview.grading.assessment import (
    COVERED,
    MISSING,
    NEGATED,
    SWAPPED,
    PointAssessment,
)
from interview.grading.text import (
    GENERIC_WORDS,
    STOP_WORDS,
    WORD,
    is_generic,
    negation_scopes,
    read_words,
    stem,
    stems,
)

OPPOSING_PREFIXES = frozenset({"non", "semi"})
SALIENT_TERMS = 8  # of a model answer, for a question without key points
SINGLE_CONCEPT_CONTRAST_REACH = 4  # words between a lone concept and a contrast that makes it false


@dataclass(frozen=True)
class PointRule:
    key_point_id: int | None
    text: str
    concepts: tuple[tuple[str, ...], ...]  # each concept: its synonyms
    contrast: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    first: int  # word indexes, inclusive
    last: int
    term: str

    def distance(self, other: "Match") -> int:
        if self.last < other.first:
            return other.first - self.last
        if other.last < self.first:
            return self.first - other.last
        return 0


class ReadAnswer:
    """An answer read once: its words by stem, its negations, and its text for quoting evidence."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = read_words(text)
        self.positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.words):
            self.positions[word.stem].append(index)
        self.negations = negation_scopes(self.words)

    def matches(self, terms: tuple[str, ...]) -> list[Match]:
        found = []
        for term in terms:
            term_stems = stems(term)
            if not term_stems:
                continue
            size = len(term_stems)
            for start in self.positions.get(term_stems[0], ()):
                if tuple(word.stem for word in self.words[start : start + size]) != term_stems:
                    continue
                if (
                    start
                    and self.words[start - 1].stem in OPPOSING_PREFIXES
                    and self._joined(start - 1, start)
                ):
                    continue  # "non-stationary" is not "stationary", nor "semi-supervised" "supervised"
                found.append(Match(first=start, last=start + size - 1, term=term))
        # "mean absolute error" is one match, not also "absolute error" on its own
        return [
            match
            for match in found
            if not any(
                other is not match
                and other.first <= match.first
                and match.last <= other.last
                and (other.last - other.first) > (match.last - match.first)
                for other in found
            )
        ]

    def _joined(self, left: int, right: int) -> bool:
        """Two words written as one with a hyphen or nothing between them ("non-linear", "semi supervised")."""
        gap = self.text[self.words[left].end : self.words[right].start]
        return gap in ("-", "‑", " ", "")

    def quote(self, first: int, last: int) -> str:
        return self.text[self.words[first].start : self.words[last].end]

    def spans(self, matches: list[Match]) -> tuple[tuple[int, int], ...]:
        return tuple(sorted((self.words[m.first].start, self.words[m.last].end) for m in matches))

    def phrase_end(self, index: int) -> int:
        """The index of the first word after this one that starts a new phrase or clause."""
        end = index + 1
        while (
            end < len(self.words)
            and self.words[end].clause == self.words[index].clause
            and not self.words[end].pause_before
        ):
            end += 1
        return end

    def negation_of(self, matches: list[Match]) -> tuple[int, str] | None:
        """The cue that negates any of the matched words, unless the cue is part of a matched term."""
        inside_terms = {index for match in matches for index in range(match.first, match.last + 1)}
        for cue_index, scope_start, scope_end, cue in self.negations:
            if cue_index in inside_terms:
                continue
            if any(scope_start <= index <= scope_end for index in inside_terms):
                return cue_index, cue
        return None


def _clause(answer: ReadAnswer, match: Match) -> int:
    return answer.words[match.first].clause


def _is_specific(match: Match) -> bool:
    return not is_generic(stems(match.term))


def _pairing(
    answer: ReadAnswer,
    rule: PointRule,
    anchor: Match,
    concept_matches: list[list[Match]],
    contrast_matches: list[Match],
) -> tuple[list[Match], Match | None]:
    """For one occurrence of the first concept: the other concepts it meets in its clause (empty if one is
    missing) and the contrast it is paired with instead (None if the answer makes no such swap)."""
    clause = _clause(answer, anchor)
    phrase_end = answer.phrase_end(anchor.last)

    def follows(match: Match) -> bool:
        # "CNNs are for X": what follows the concept in its phrase is what the answer pairs it with
        return anchor.last < match.first < phrase_end

    chosen = [anchor]
    for others in concept_matches[1:]:
        in_clause = [match for match in others if _clause(answer, match) == clause]
        if not in_clause:
            chosen = []
            break
        chosen.append(min([m for m in in_clause if follows(m)] or in_clause, key=anchor.distance))
    # a contrast the answer negates ("without any labels") is not a claim
    contrasts = [
        match
        for match in contrast_matches
        if _clause(answer, match) == clause and answer.negation_of([match]) is None
    ]
    following = [match for match in contrasts if follows(match)]
    if following:
        contrast = min(following, key=lambda match: match.first)
        if len(rule.concepts) == 1:
            return chosen, contrast if anchor.distance(contrast) <= SINGLE_CONCEPT_CONTRAST_REACH else None
        first_concept = min((m.first for m in chosen[1:] if follows(m)), default=None)
        return chosen, contrast if first_concept is None or contrast.first < first_concept else None
    if not contrasts:
        return chosen, None
    contrast = min(contrasts, key=anchor.distance)
    reach = max((anchor.distance(match) for match in chosen[1:]), default=SINGLE_CONCEPT_CONTRAST_REACH + 1)
    return chosen, contrast if not chosen or anchor.distance(contrast) < reach else None


def assess_point(answer: ReadAnswer, rule: PointRule) -> PointAssessment:
    """Covered, negated, swapped or missing, with the words that show it (covered wins over the others)."""
    concept_matches = [answer.matches(concept) for concept in rule.concepts]
    contrast_matches = answer.matches(rule.contrast) if rule.contrast else []
    negated: PointAssessment | None = None
    swapped: PointAssessment | None = None
    for anchor in concept_matches[0] if concept_matches else []:
        chosen, contrast = _pairing(answer, rule, anchor, concept_matches, contrast_matches)
        if contrast is not None:
            swapped = swapped or PointAssessment(
                key_point_id=rule.key_point_id,
                text=rule.text,
                status=SWAPPED,
                evidence=f"swapped: pairs “{answer.quote(anchor.first, anchor.last)}” with "
                f"“{answer.quote(contrast.first, contrast.last)}”",
                spans=answer.spans([anchor, contrast]),
            )
            continue
        if not chosen or not any(_is_specific(match) for match in chosen):
            continue
        negation = answer.negation_of(chosen)
        if negation is not None:
            cue_index, _ = negation
            first = min(cue_index, *(match.first for match in chosen))
            last = max(cue_index, *(match.last for match in chosen))
            negated = negated or PointAssessment(
                key_point_id=rule.key_point_id,
                text=rule.text,
                status=NEGATED,
                evidence=f"negated: “{answer.quote(first, last)}”",
                spans=answer.spans(chosen),
            )
            continue
        words = ", ".join(f"“{answer.quote(match.first, match.last)}”" for match in chosen)
        return PointAssessment(
            key_point_id=rule.key_point_id,
            text=rule.text,
            status=COVERED,
            evidence=f"matched: {words}",
            spans=answer.spans(chosen),
        )
    return (
        negated or swapped or PointAssessment(key_point_id=rule.key_point_id, text=rule.text, status=MISSING)
    )


def assess_points(answer_text: str, rules: list[PointRule]) -> tuple[PointAssessment, ...]:
    answer = ReadAnswer(answer_text)
    return tuple(assess_point(answer, rule) for rule in rules)


def salient_rules(model_answer: str, prompt: str) -> list[PointRule]:
    """The model answer's most frequent specific words (not the prompt's), each a one-word rule."""
    asked = set(stems(prompt))
    counts: Counter[str] = Counter()
    first_form: dict[str, str] = {}
    for raw in WORD.findall(model_answer.lower()):
        word_stem = stem(raw)
        if len(raw) < 3 or raw.isdigit() or word_stem in asked:
            continue
        if word_stem in STOP_WORDS or word_stem in GENERIC_WORDS:
            continue
        counts[word_stem] += 1
        first_form.setdefault(word_stem, raw)
    order = list(first_form)
    ranked = sorted(counts, key=lambda word_stem: (-counts[word_stem], order.index(word_stem)))
    return [
        PointRule(key_point_id=None, text=first_form[word_stem], concepts=((first_form[word_stem],),))
        for word_stem in ranked[:SALIENT_TERMS]
    ]
