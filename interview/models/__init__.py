from interview.models.content import (
    CodeSnippet,
    Difficulty,
    Guide,
    KeyPoint,
    Language,
    Question,
    QuestionKind,
    Topic,
)
from interview.models.practice import (
    Attempt,
    PracticeMode,
    PracticeSession,
    QuestionFlag,
    QuestionNote,
    Rating,
    ReviewState,
    Showing,
)

__all__ = [
    "Attempt",
    "CodeSnippet",
    "Difficulty",
    "Guide",
    "KeyPoint",
    "Language",
    "PracticeMode",
    "PracticeSession",
    "Question",
    "QuestionFlag",
    "QuestionKind",
    "QuestionNote",
    "Rating",
    "ReviewState",
    "Showing",
    "Topic",
]
