import re
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from interview.models import CodeSnippet
from interview.selectors.learning import whole_percent

register = template.Library()

# Our language names -> Pygments lexer aliases.
LEXERS = {"shell": "bash", "text": "text"}
FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


@register.filter
def highlighted(snippet: CodeSnippet) -> SafeString:
    """Render a code snippet as Pygments HTML (classes only, styled by static/css/pygments.css)."""
    lexer = get_lexer_by_name(LEXERS.get(snippet.language, snippet.language))
    # Pygments escapes the code itself, so its output is safe to mark as such.
    html = highlight(snippet.code, lexer, FORMATTER)
    # A long line scrolls sideways: the block takes focus so a keyboard can scroll it (WCAG 2.1.1).
    return mark_safe(html.replace("<pre>", '<pre tabindex="0">', 1))


@register.filter
def due_within_a_minute(moment: datetime | None, now: datetime | None = None) -> bool:
    """Due from now to within the minute (not already past): where timeuntil would say "0 minutes"."""
    return moment is not None and timedelta(0) <= moment - (now or timezone.now()) < timedelta(minutes=1)


@register.filter
def due_by_now(moment: datetime | None) -> bool:
    """Already due: a moment that has passed (timeuntil would say "0 minutes")."""
    return moment is not None and moment <= timezone.now()


@register.filter
def duration(milliseconds: int | None) -> str:
    """'42 s', '3 min 5 s', '1 h 2 min'."""
    seconds = round((milliseconds or 0) / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


@register.filter
def percent(share: float | None) -> str:
    """A share of 0-1 as the whole percentage every page shows: '42%'."""
    return f"{whole_percent(share or 0)}%"


@register.filter
def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now' within the first minute, then the largest unit only: '5 minutes ago', '2 days ago';
    'never' when there is no moment."""
    if moment is None:
        return "never"
    now = now or timezone.now()
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


@register.filter
def until(moment: datetime | None, now: datetime | None = None) -> str:
    """The future twin of ``ago``: 'now' within the minute, then the largest unit only: 'in 3 days'."""
    if moment is None:
        return ""
    now = now or timezone.now()
    if moment - now < timedelta(minutes=1):  # past moments too: what is overdue is due now
        return "now"
    return f"in {timeuntil(moment, now, depth=1)}"


@register.filter
def highlight_terms(text: str, query: str) -> SafeString:
    """The text, escaped, with each search word in it wrapped in <mark> (case-insensitive)."""
    text = str(text)
    words = sorted({word for word in str(query or "").split() if len(word) >= 2}, key=len, reverse=True)
    if not words:
        return conditional_escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[start : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        start = match.end()
    pieces.append(escape(text[start:]))
    return mark_safe("".join(pieces))
