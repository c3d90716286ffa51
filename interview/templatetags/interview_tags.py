from django import template
from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from interview.models import CodeSnippet

register = template.Library()

# Our language names -> Pygments lexer aliases.
LEXERS = {"shell": "bash", "text": "text"}
FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


@register.filter
def highlighted(snippet: CodeSnippet) -> SafeString:
    """Render a code snippet as Pygments HTML (classes only, styled by static/css/pygments.css)."""
    lexer = get_lexer_by_name(LEXERS.get(snippet.language, snippet.language))
    # Pygments escapes the code itself, so its output is safe to mark as such.
    return mark_safe(highlight(snippet.code, lexer, FORMATTER))
