"""The dashboard's mastery list as markup, built in one pass: through template tags, its row per topic cost
about a millisecond of every view of the learner's home page.

Only numbers and fixed class names and words go into the markup unescaped; a topic's name and slug and the
URLs are escaped.
"""

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from interview.grids import csrf_input, url_for_slug
from interview.selectors.learning import TopicProgress


def mastery_items(topics: list[TopicProgress], start_url: str, request: HttpRequest) -> SafeString:
    """Each topic's mastery (linked to the topic, as a meter and in words) and its Practise button."""
    topic_url = url_for_slug("interview:topic-detail")
    csrf_field = csrf_input(request)
    action = conditional_escape(start_url)
    return mark_safe(
        "".join(
            f"""
      <li>
        <span class="mastery-name"><a href="{topic_url(progress.slug)}">{name}</a></span>
        <meter class="mastery mastery-{progress.band}" min="0" max="100" value="{progress.mastery}" \
aria-label="Mastery of {name}">{progress.mastery}%</meter>
        <span class="mastery-value"><strong>{progress.mastery}%</strong> <span class="muted">· \
{progress.practised} of {progress.total} practised</span></span>
        <form method="post" action="{action}" class="mastery-action">
          {csrf_field}<input type="hidden" name="mode" value="topic"><input type="hidden" name="topics" \
value="{slug}">
          <button type="submit" class="button-secondary small">Practise<span class="visually-hidden"> {name}\
</span></button>
        </form>
      </li>
    """
            for progress in topics
            for name, slug in [(conditional_escape(progress.name), conditional_escape(progress.slug))]
        )
    )
