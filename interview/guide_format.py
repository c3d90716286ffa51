"""Parser for interview guides written as plain text.

The shape (see fixtures/guides/ml-engineer.txt): intro paragraphs, optional section headings,
questions as ``Q<n>. <prompt>`` with the model answer on the next line and code lines after it,
then a heading followed by a bulleted tips list, closing paragraphs, and marketing text that is dropped.
"""

import re
from dataclasses import dataclass, field

QUESTION_LINE = re.compile(r"^Q(\d+)\.\s+(\S.*)$")
QUESTION_LIKE_LINE = re.compile(r"^Q\d+\b")
BULLET_LINE = re.compile(r"^[-*•]\s+(\S.*)$")
HEADING_MAX_WORDS = 12
# The promotional tail of a published guide: everything from the first such line on is dropped.
MARKETING_LINE = re.compile(
    r"did this (help|article)|was this (helpful|useful)|need help (preparing|with)|"
    r"in the comments|get in touch|contact us|subscribe|sign up for our",
    re.IGNORECASE,
)

SHELL_COMMANDS = frozenset(
    [
        "docker",
        "docker-compose",
        "pip",
        "pip3",
        "python",
        "python3",
        "conda",
        "kubectl",
        "helm",
        "git",
        "curl",
        "wget",
        "cd",
        "ls",
        "mkdir",
        "export",
        "sudo",
        "apt",
        "apt-get",
        "npm",
        "npx",
        "java",
        "spark-submit",
        "bash",
        "sh",
        "make",
        "terraform",
        "aws",
        "gcloud",
        "az",
        "mlflow",
        "uvicorn",
        "gunicorn",
        "jupyter",
        "tensorboard",
    ]
)
PYTHON_START = re.compile(r"^(import\s+\w|from\s+[\w.]+\s+import\b|def\s+\w|class\s+\w|print\(|@\w)")
SQL_STATEMENT = re.compile(r"^(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH)\b")
ASSIGNMENT = re.compile(r"^[\w.\[\]'\"]+(\s*,\s*[\w.\[\]'\"]+)*\s*(=|<-)\s*\S")
CALL = re.compile(r"^[\w.]+\(.*\)\s*;?$")


class GuideFormatError(ValueError):
    """The text is not a guide of the expected shape; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass
class ParsedSnippet:
    language: str
    code: str


@dataclass
class ParsedQuestion:
    number: int
    line: int
    section: str
    prompt: str
    answer: str = ""
    snippets: list[ParsedSnippet] = field(default_factory=list)


@dataclass
class ParsedGuide:
    title: str = ""
    intro: list[str] = field(default_factory=list)
    questions: list[ParsedQuestion] = field(default_factory=list)
    tips_heading: str = ""
    tips: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)


def looks_like_code(line: str) -> bool:
    if line[:1] in (" ", "\t") or line.startswith(("$ ", "#!", ">>> ")):
        return True
    stripped = line.strip()
    first_word = stripped.split()[0]
    return bool(
        first_word in SHELL_COMMANDS
        or PYTHON_START.match(stripped)
        or SQL_STATEMENT.match(stripped)
        or ASSIGNMENT.match(stripped)
        or CALL.match(stripped)
        or stripped.endswith(("{", "}", ";"))
    )


def detect_language(code: str) -> str:
    """Name the language of a snippet: python, r, shell, sql or text."""
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    if any(line.startswith("$ ") or line.split()[0] in SHELL_COMMANDS for line in lines):
        return "shell"
    if any("<-" in line or line.startswith("library(") for line in lines):
        return "r"
    if any(SQL_STATEMENT.match(line) for line in lines) and re.search(r"\bFROM\b", code, re.I):
        return "sql"
    if any(PYTHON_START.match(line) or ASSIGNMENT.match(line) or CALL.match(line) for line in lines):
        return "python"
    return "text"


def _snippets_from_blocks(blocks: list[list[str]]) -> list[ParsedSnippet]:
    """Blocks are runs of code lines split by blank lines; neighbours in one language merge."""
    snippets: list[ParsedSnippet] = []
    for block in blocks:
        code = "\n".join(block)
        language = detect_language(code)
        if snippets and snippets[-1].language == language:
            snippets[-1].code += "\n\n" + code
        else:
            snippets.append(ParsedSnippet(language=language, code=code))
    return snippets


def _is_heading(line: str) -> bool:
    return (
        not line.endswith((".", "?", "!", ",", ";"))
        and len(line.split()) <= HEADING_MAX_WORDS
        and not looks_like_code(line)
    )


def parse_guide(text: str) -> ParsedGuide:
    """Parse a guide's text; raise GuideFormatError naming the first line that breaks the shape."""
    lines = text.lstrip("\ufeff").splitlines()
    numbered = [(number, line.rstrip()) for number, line in enumerate(lines, start=1)]
    content = [(number, line) for number, line in numbered if line.strip()]
    if not content:
        raise GuideFormatError(1, "the file is empty.")

    guide = ParsedGuide()
    state = "intro"  # intro, answer, after-answer, tips, closing, marketing
    section = ""
    question: ParsedQuestion | None = None
    code_blocks: list[list[str]] = []
    last_code_line = 0

    def finish_question() -> None:
        if question is not None:
            question.snippets = _snippets_from_blocks(code_blocks)

    for index, (line_number, line) in enumerate(content):
        stripped = line.strip()
        next_line = content[index + 1][1].strip() if index + 1 < len(content) else ""
        if state == "marketing":
            continue

        match = QUESTION_LINE.match(stripped)
        if match:
            if state == "answer":
                raise GuideFormatError(question.line, f"Q{question.number} has no model answer.")
            if state in ("tips", "closing"):
                raise GuideFormatError(line_number, "a question follows the closing tips.")
            number = int(match[1])
            if guide.questions and number <= guide.questions[-1].number:
                raise GuideFormatError(
                    line_number,
                    f"Q{number} comes after Q{guide.questions[-1].number}; question numbers must increase.",
                )
            finish_question()
            question = ParsedQuestion(
                number=number, line=line_number, section=section, prompt=match[2].strip()
            )
            guide.questions.append(question)
            code_blocks, last_code_line = [], 0
            state = "answer"
            continue
        if QUESTION_LIKE_LINE.match(stripped):
            raise GuideFormatError(
                line_number, f"a question must look like 'Q12. The question?', not {stripped[:40]!r}."
            )

        if state == "answer":
            if BULLET_LINE.match(stripped) or (_is_heading(stripped) and QUESTION_LINE.match(next_line)):
                raise GuideFormatError(question.line, f"Q{question.number} has no model answer.")
            question.answer = stripped
            state = "after-answer"
            continue

        if guide.questions and MARKETING_LINE.search(stripped):
            state = "marketing"
            continue

        heading_before_question = _is_heading(stripped) and QUESTION_LINE.match(next_line)
        heading_before_tips = bool(
            guide.questions and _is_heading(stripped.rstrip(":")) and BULLET_LINE.match(next_line)
        )
        if heading_before_question and state in ("intro", "after-answer"):
            section = stripped
            continue
        if heading_before_tips and state == "after-answer":
            finish_question()
            question = None
            guide.tips_heading = stripped.rstrip(":")
            state = "tips"
            continue

        if state == "intro":
            if not guide.intro and not guide.title and _is_heading(stripped):
                guide.title = stripped
            else:
                guide.intro.append(stripped)
        elif state == "tips":
            bullet = BULLET_LINE.match(stripped)
            if bullet:
                guide.tips.append(bullet[1].strip())
            else:
                guide.closing.append(stripped)
                state = "closing"
        elif state == "closing":
            guide.closing.append(stripped)
        elif looks_like_code(line):
            # A blank line between code lines starts a new block (a new snippet if the language changes).
            if code_blocks and line_number == last_code_line + 1:
                code_blocks[-1].append(line)
            else:
                code_blocks.append([line])
            last_code_line = line_number
        elif code_blocks:
            raise GuideFormatError(
                line_number,
                f"text after the code of Q{question.number} is neither a question, a heading nor code.",
            )
        else:
            question.answer += "\n\n" + stripped

    if state == "answer":
        raise GuideFormatError(question.line, f"Q{question.number} has no model answer.")
    finish_question()
    if not guide.questions:
        raise GuideFormatError(content[-1][0], "no questions found (expected lines like 'Q1. ...').")
    return guide
