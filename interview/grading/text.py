"""Reading an answer: words with their positions, sentences and clauses, negation cues, generic words."""

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from snowballstemmer.basestemmer import BaseStemmer

WORD = re.compile(r"[^\W_]+")  # letters and digits of any script: "naïve" stays one word
# A sentence ends at . ! ? ; or a line break followed by space; "0.5", "e.g" and "tf.keras" stay whole.
SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n")
_thread_state = threading.local()


def _stemmer() -> BaseStemmer:
    """This thread's stemmer: a Snowball stemmer keeps the word it works on in itself, so two threads stemming
    with one stemmer (answers recorded at once in a threaded worker) would corrupt each other's words."""
    stemmer = getattr(_thread_state, "stemmer", None)
    if stemmer is None:
        stemmer = _thread_state.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=8192)
def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in WORD.findall(text.lower()))


def _stem_set(words: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words.split())


# Words that start a clause of their own: a statement on either side is judged apart.
CLAUSE_BREAKS = _stem_set(
    "but whereas while whilst however although though unlike conversely meanwhile otherwise"
)
# "not" and its kin negate the predicate they sit in; these negate only the few words that follow them.
PREDICATE_NEGATIONS = frozenset({"not", "never", "cannot", "t"})  # "t" is the tail of "doesn't"
PREDICATE_NEGATION_PAIRS = frozenset({("no", "need"), ("no", "longer"), ("no", "use")})
PHRASE_NEGATIONS = frozenset({"no", "without", "neither", "nor", "none", "lack", "nobodi", "noth"})
PHRASE_NEGATION_PAIRS = frozenset({("instead", "of"), ("rather", "than"), ("lack", "of"), ("far", "from")})
NOT_A_NEGATION_AFTER = frozenset({"onli", "just", "necessarili", "alway", "all", "everi", "sure"})
# Stems of the auxiliaries a "not" or "n't" hangs on ("does not", "doesn't" = "doesn" + "t").
AUXILIARIES = _stem_set(
    "do does did is are was were can will would should has have must "
    "don doesn didn isn aren wasn weren won wouldn shouldn hasn haven"
)
SUBJECT_REACH = 4  # "robust methods do not help": the subject before the auxiliary is negated too
PHRASE_SCOPE = 4  # "without labelled data", "instead of the mean": the negated phrase is short

# Words an answer can use about any question: they never cover a key point on their own.
GENERIC_WORDS = _stem_set(
    """
    a an the and or of to in on for with by is are be it this that these those as at from can will
    mean mode error improve improvement better best good bad map depend depends dependency mix model models
    data dataset use used using make made way thing things result results value values method methods
    technique techniques approach problem problems type types number set sets change changes
    performance perform work works help helps important different difference simple simpler complex
    complexity new old high low large small more less many much some other also
    time step process system type kind case example point points part parts
    """
)
# Common function words: never salient in a model answer.
STOP_WORDS = _stem_set(
    """
    a an the and or but if then else of to in on for with by is are was were be been being it its this that
    these those as at from can could will would should may might must do does did done have has had not no
    such which who whom whose what when where why how there their they them we you your our i me my he she
    his her than so very into onto over under about after before between through during each both all any
    some most more less other also only just same own too again further once here out up down off above
    below because while until nor few than into one two three use used using typic usual often various
    include including includes like e g etc ie eg
    """
)


PAUSE = re.compile(r"[,:(\[—–]|\s-\s")  # a comma, colon, bracket or dash ends what a "not" reaches
PREDICATE_SCOPE = 6  # "never used Docker or the cloud"


@dataclass(frozen=True)
class Word:
    stem: str
    start: int
    end: int
    clause: int
    pause_before: bool = False


ACRONYM_PLURAL = re.compile(r"^([A-Z][A-Z0-9]+)s$")  # "CNNs", "SVMs": Snowball keeps the "s"


def _singular_acronym(word: str) -> str:
    found = ACRONYM_PLURAL.match(word)
    return found.group(1) if found else word


def read_words(text: str) -> list[Word]:
    """The answer's words, stemmed, with character offsets and the number of the clause each belongs to."""
    words: list[Word] = []
    clause = 0
    sentence_ends = [match.start() for match in SENTENCE_END.finditer(text)]
    end_index = 0
    lowered = text.lower()
    for match in WORD.finditer(text):
        while end_index < len(sentence_ends) and sentence_ends[end_index] < match.start():
            end_index += 1
            clause += 1
        word_stem = stem(_singular_acronym(match.group()).lower())
        if word_stem in CLAUSE_BREAKS and words and words[-1].clause == clause:
            clause += 1
        gap = lowered[words[-1].end : match.start()] if words else ""
        words.append(
            Word(
                stem=word_stem,
                start=match.start(),
                end=match.end(),
                clause=clause,
                pause_before=bool(PAUSE.search(gap)),
            )
        )
    return words


def negation_scopes(words: list[Word]) -> list[tuple[int, int, int, str]]:
    """Where negations sit: (cue start, scope start, scope end) word indexes and the cue's own words.

    A predicate negation ("not", "n't", "never") reaches a few words on, to the end of its phrase ("never
    used Docker", "does not produce sparse weights"); a phrase negation ("without", "instead of") fewer.
    """
    scopes = []
    for index, word in enumerate(words):
        following = words[index + 1].stem if index + 1 < len(words) else ""
        if word.stem == "t" and not (index and words[index - 1].end == word.start - 1):
            continue  # a lone "t", not the tail of "doesn't"
        if (word.stem in PREDICATE_NEGATIONS and following not in NOT_A_NEGATION_AFTER) or (
            word.stem,
            following,
        ) in PREDICATE_NEGATION_PAIRS:
            clause_end = index
            while (
                clause_end + 1 < len(words)
                and clause_end + 1 <= index + PREDICATE_SCOPE
                and words[clause_end + 1].clause == word.clause
                and not words[clause_end + 1].pause_before
            ):
                clause_end += 1
            cue = "n't" if word.stem == "t" else word.stem
            scope_start = index + 1
            before = index - 1
            if before >= 0 and words[before].stem in AUXILIARIES and not word.pause_before:
                scope_start = before
                while (
                    scope_start > 0
                    and scope_start > index - SUBJECT_REACH
                    and words[scope_start].clause == word.clause
                    and not words[scope_start].pause_before
                ):
                    scope_start -= 1
            scopes.append((index, scope_start, clause_end, cue))
        elif word.stem in PHRASE_NEGATIONS or (word.stem, following) in PHRASE_NEGATION_PAIRS:
            width = 2 if (word.stem, following) in PHRASE_NEGATION_PAIRS else 1
            end = index
            while end + 1 < len(words) and end + 1 <= index + width - 1 + PHRASE_SCOPE:
                if words[end + 1].clause != word.clause or words[end + 1].pause_before:
                    break
                end += 1
            cue = " ".join([word.stem, following] if width == 2 else [word.stem])
            scopes.append((index, index + width, end, cue))
    return scopes


@lru_cache(maxsize=8192)
def is_generic(term_stems: tuple[str, ...]) -> bool:
    return all(part in GENERIC_WORDS or part in STOP_WORDS for part in term_stems)
