"""The mentor grids' cells as markup, built in one pass per row: a page of 30 learners has about a thousand
cells, and rendering each through template tags and filters cost more than reading the figures.

Only numbers, fixed class names and fixed English words go into the cells built with f-strings, so they
need no escaping; anything else (the rating's label) goes through ``format_html``. The rows themselves, the
learner's name and link, the menus and forms stay in the page template.
"""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from interview.templatetags.interview_tags import ago

_SENTINEL_PK = 2_147_483_647  # a pk no URL pattern contains otherwise


def url_for_pk(name: str, *args: int) -> Callable[[int], str]:
    """``reverse(name, args=[*args, pk])`` for many pks, reversing once: hundreds of cells link to the same
    pattern."""
    prefix, suffix = reverse(name, args=[*args, _SENTINEL_PK]).split(str(_SENTINEL_PK))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _assignment_cell(status: object) -> str:
    if status is None:
        return '<td class="num assignment-cell"><span class="muted" title="Not given this assignment">—</span></td>'
    note = {
        "overdue": '<span class="col-note">overdue</span>',
        "completed": '<span class="col-note">done</span>',
    }
    return (
        f'<td class="num assignment-cell status-{status.key}">'  # type: ignore[attr-defined]
        f"{status.done}/{status.total}{note.get(status.key, '')}</td>"  # type: ignore[attr-defined]
    )


def add_cohort_cells(rows: list[dict], cohort_pk: int) -> None:
    """Each cohort grid row's links (``learner_url``, ``remove_url``) and its cells after the learner's name
    (``cells_html``): last activity, reviews due, mastery per topic (coloured by band) and the status on
    each of the latest assignments."""
    learner_url = url_for_pk("interview:mentor-learner", cohort_pk)
    remove_url = url_for_pk("interview:mentor-member-remove", cohort_pk)
    for row in rows:
        learner = row["learner"]
        row["learner_url"], row["remove_url"] = learner_url(learner.pk), remove_url(learner.pk)
        parts = [
            f'<td class="num nowrap">{ago(learner.last_activity)}</td>',
            f'<td class="num">{learner.due_now}</td>',
        ]
        parts += [
            f'<td class="num mastery mastery-{cell["band"]}">{cell["mastery"]}%</td>' for cell in row["cells"]
        ]
        parts += [_assignment_cell(cell["status"]) for cell in row["assignments"]]
        row["cells_html"] = mark_safe("".join(parts))


def add_progress_cells(rows: list[dict], cohort_pk: int) -> None:
    """Each progress grid row's ``learner_url`` and answer cells (``cells_html``): the learner's latest answer
    to each question (rating and coverage, linked to it, flagged when rated Good or Easy at 0 % coverage),
    or a dash."""
    learner_url = url_for_pk("interview:mentor-learner", cohort_pk)
    attempt_url = url_for_pk("interview:mentor-attempt")
    flag = mark_safe(" " + render_to_string("mentor/includes/good_without_coverage.html", {"compact": True}))
    for row in rows:
        row["learner_url"] = learner_url(row["progress"].learner_id)
        parts = []
        for attempt in row["cells"]:
            if attempt is None:
                parts.append('<td><span class="muted">—</span></td>')
                continue
            parts.append(
                format_html(
                    '<td><a href="{}" class="rating-cell rating-{}">{} · {}%</a>{}</td>',
                    attempt_url(attempt.pk),
                    attempt.rating,
                    attempt.get_rating_display(),
                    round(attempt.coverage * 100),  # as {% widthratio coverage 1 100 %} showed it
                    flag if attempt.good_without_coverage else "",
                )
            )
        row["cells_html"] = mark_safe("".join(parts))
