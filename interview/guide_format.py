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
MAX_QUESTION_NUMBER = 100_000
# The promotional tail of a published guide, after its closing tips: from the first such line on, dropped.
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
PYTHON_START = re.compile(
    r"^(import\s+\w|from\s+[\w.]+\s+import\b|def\s+\w|class\s+\w|print\(|@\w|#|"
    r"(return|raise|assert|yield|await|del|pass|break|continue)\b|"
    r"(for|while|if|elif|with|try|except|finally|else|async)\b.*:$)"
)
SQL_KEYWORD = re.compile(
    r"^(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|FROM|WHERE|GROUP BY|ORDER BY|HAVING|LIMIT|"
    r"JOIN|LEFT JOIN|INNER JOIN|VALUES|SET|UNION)\b"
)
ASSIGNMENT = re.compile(r"^[\w.\[\]'\"]+(\s*,\s*[\w.\[\]'\"]+)*\s*(=|<-|\+=|-=)\s*\S")
CALL = re.compile(r"^[\w.]+\(.*\)\s*;?$")
CLOSING_BRACKETS = re.compile(r"^[\])}]+[,;:]?$")
SENTENCE_END = (".", "?", "!")


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
        or SQL_KEYWORD.match(stripped)
        or ASSIGNMENT.match(stripped)
        or CALL.match(stripped)
        or CLOSING_BRACKETS.match(stripped)
        or stripped.endswith(("{", "}", ";"))
    )


def detect_language(code: str) -> str:
    """Name the language of a snippet: python, r, shell, sql or text."""
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    if any(line.startswith("$ ") or line.split()[0] in SHELL_COMMANDS for line in lines):
        return "shell"
    if any("<-" in line or line.startswith("library(") for line in lines):
        return "r"
    if any(SQL_KEYWORD.match(line) for line in lines) and re.search(r"\bFROM\b", code):
        return "sql"
    if any(PYTHON_START.match(line) or ASSIGNMENT.match(line) or CALL.match(line) for line in lines):
        return "python"
    return "text"


@dataclass
class _CodeBlock:
    """A run of code lines with no blank line inside; ``first`` and ``last`` are line numbers."""

    first: int
    last: int
    lines: list[str]


def _snippets_from_blocks(blocks: list[_CodeBlock]) -> list[ParsedSnippet]:
    """Neighbouring blocks in one language form one snippet, blank lines between them kept as they were."""
    snippets: list[ParsedSnippet] = []
    previous: _CodeBlock | None = None
    for block in blocks:
        code = "\n".join(block.lines)
        language = detect_language(code)
        if snippets and snippets[-1].language == language:
            blank_lines = block.first - previous.last - 1
            snippets[-1].code += "\n" * (blank_lines + 1) + code
        else:
            snippets.append(ParsedSnippet(language=language, code=code))
        previous = block
    return snippets


def _is_heading(line: str) -> bool:
    """A short title-case line without sentence punctuation, such as "Advanced Interview Questions"."""
    words = line.split()
    long_words = [word for word in words if len(word) >= 4 and word[0].isalpha()]
    title_case = sum(word[0].isupper() for word in long_words) >= max(1, len(long_words) / 2)
    return (
        not line.endswith((*SENTENCE_END, ",", ";"))
        and len(words) <= HEADING_MAX_WORDS
        and title_case
        and not looks_like_code(line)
    )


def check_text_file(text: str) -> None:
    """Refuse a binary file: a NUL character is never in a guide, and PostgreSQL text cannot hold one."""
    for number, line in enumerate(text.splitlines(), start=1):
        if "\x00" in line:
            raise GuideFormatError(number, "the line holds a NUL character: is this a text file?")


def parse_guide(text: str) -> ParsedGuide:
    """Parse a guide's text; raise GuideFormatError naming the first line that breaks the shape."""
    check_text_file(text)
    lines = text.lstrip("\ufeff").splitlines()
    numbered = [(number, line.rstrip()) for number, line in enumerate(lines, start=1)]
    content = [(number, line) for number, line in numbered if line.strip()]
    if not content:
        raise GuideFormatError(1, "the file is empty.")
    question_indexes = [index for index, (_, line) in enumerate(content) if QUESTION_LINE.match(line.strip())]
    last_question_index = question_indexes[-1] if question_indexes else len(content)

    guide = ParsedGuide()
    state = "intro"  # intro, answer, after-answer, tips, closing, marketing
    section = ""
    question: ParsedQuestion | None = None
    code_blocks: list[_CodeBlock] = []

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
            number = int(match[1])
            if number > MAX_QUESTION_NUMBER:
                raise GuideFormatError(line_number, f"Q{number} is not a plausible question number.")
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
            code_blocks = []
            state = "answer"
            continue
        if QUESTION_LIKE_LINE.match(stripped):
            raise GuideFormatError(
                line_number, f"a question must look like 'Q12. The question?', not {stripped[:40]!r}."
            )

        if state == "answer":
            if BULLET_LINE.match(stripped):
                raise GuideFormatError(question.line, f"Q{question.number} has no model answer.")
            question.answer = stripped
            state = "after-answer"
            continue

        after_last_question = index > last_question_index
        in_closing_part = state in ("tips", "closing") or (after_last_question and state == "after-answer")
        if in_closing_part and MARKETING_LINE.search(stripped) and not looks_like_code(line):
            state = "marketing"
            continue

        continues_code = bool(
            state == "after-answer"
            and code_blocks
            and line_number == code_blocks[-1].last + 1
            and not stripped.endswith(SENTENCE_END)
        )
        heading = _is_heading(stripped)
        if heading and QUESTION_LINE.match(next_line) and state in ("intro", "after-answer"):
            section = stripped
            continue
        if (
            state == "after-answer"
            and after_last_question
            and _is_heading(stripped.rstrip(":"))
            and BULLET_LINE.match(next_line)
        ):
            finish_question()
            question = None
            guide.tips_heading = stripped.rstrip(":")
            state = "tips"
            continue

        if state == "intro":
            if not guide.intro and not guide.title and heading:
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
        elif continues_code:
            code_blocks[-1].lines.append(line)
            code_blocks[-1].last = line_number
        elif looks_like_code(line):
            code_blocks.append(_CodeBlock(first=line_number, last=line_number, lines=[line]))
        elif code_blocks and after_last_question:
            # Closing words after the last question's code, with no tips list before them.
            guide.closing.append(stripped)
            finish_question()
            question, code_blocks = None, []
            state = "closing"
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
