"""The mentor grids' cells as markup, built in one pass per row: a page of 30 learners has about a thousand
cells, and rendering each through template tags and filters cost more than reading the figures.

Only numbers, fixed class names, fixed English words and our own URLs go into the markup built with
f-strings, so they need no escaping; a learner's name is escaped.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import date
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from interview.models import Rating
from interview.selectors.mentoring import AssignmentStatus, GridSort
from interview.templatetags.interview_tags import ago

if TYPE_CHECKING:
    from interview.models import Assignment

_SENTINEL_PK = 2_147_483_647  # a pk no URL pattern contains otherwise


_SENTINEL_SLUG = "slug-sentinel"  # a slug no URL pattern contains otherwise


def url_for_pk(name: str, *args: int) -> Callable[[int], str]:
    """``reverse(name, args=[*args, pk])`` for many pks, reversing once: hundreds of cells link to the same
    pattern."""
    prefix, suffix = reverse(name, args=[*args, _SENTINEL_PK]).split(str(_SENTINEL_PK))
    return lambda pk: f"{prefix}{pk}{suffix}"


def url_for_slug(name: str) -> Callable[[str], SafeString]:
    """``reverse(name, kwargs={"slug": slug})`` for many slugs, reversing once; the URL comes escaped."""
    prefix, suffix = reverse(name, kwargs={"slug": _SENTINEL_SLUG}).split(_SENTINEL_SLUG)
    return lambda slug: conditional_escape(f"{prefix}{slug}{suffix}")


def csrf_input(request: HttpRequest) -> SafeString:
    """The hidden CSRF field, as {% csrf_token %} renders it, for the forms of rows built here."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))


def _assignment_cell(status: AssignmentStatus | None) -> str:
    if status is None:
        return '<td class="num assignment-cell"><span class="muted" title="Not given this assignment">—</span></td>'
    note = {
        "overdue": '<span class="col-note">overdue</span>',
        "completed": '<span class="col-note">done</span>',
    }
    return (
        f'<td class="num assignment-cell status-{status.key}">'
        f"{status.done}/{status.total}{note.get(status.key, '')}</td>"
    )


def cohort_header_cells(grid: dict) -> SafeString:
    """The cohort grid's column headers: each sortable column's label as its ``?sort=`` link (a second click
    reverses the order, and the sorted column says which way with ``aria-sort`` and an arrow), each assignment
    with its due date, then the actions column."""
    labels = ["Learner", "Last activity", "Reviews due"]
    labels += [topic.name for topic in grid["topics"]]
    labels += [assignment.title for assignment in grid["assignments"]]
    classes = ["learner-col", "num", "num"] + ["num topic-col"] * len(grid["topics"])
    classes += ["num assignment-col"] * len(grid["assignments"])
    notes = [""] * (3 + len(grid["topics"]))
    notes += [
        f'<span class="col-note">due {date(assignment.due_date, "j M")}</span>'
        for assignment in grid["assignments"]
    ]
    current: GridSort = grid["sort"]
    cells = []
    for column, label, css_class, note in zip(grid["columns"], labels, classes, notes, strict=True):
        sorted_here = column == current.column
        link = conditional_escape(f"-{column}" if sorted_here and not current.descending else column)
        aria_sort, arrow = ("descending", " ▼") if current.descending else ("ascending", " ▲")
        attribute, marker = (
            (f' aria-sort="{aria_sort}"', f'<span aria-hidden="true">{arrow}</span>')
            if sorted_here
            else ("", "")
        )
        cells.append(
            f'<th scope="col" class="{css_class}"{attribute}><a href="?sort={link}" class="sort-link">'
            f"{conditional_escape(label)}{marker}</a>{note}</th>"
        )
    # The template's layout: the name's cell on a line of its own, then each group of columns on one line.
    groups = [cells[:1], cells[1:3], cells[3 : 3 + len(grid["topics"])], cells[3 + len(grid["topics"]) :]]
    lines = ["".join(group) for group in groups]
    lines.append('<th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th>')
    return mark_safe("\n        ".join(lines))  # labels and links are escaped; the rest is ours


def cohort_rows(rows: list[dict], cohort_pk: int, request: HttpRequest) -> SafeString:
    """The cohort grid's rows: the learner's name (linked to their progress), last activity, reviews due,
    mastery per topic (coloured by band), the status on each of the latest assignments, and the actions
    menu (view, remind of an overdue assignment, remove from the cohort)."""
    learner_url = url_for_pk("interview:mentor-learner", cohort_pk)
    remove_url = url_for_pk("interview:mentor-member-remove", cohort_pk)
    csrf_field = csrf_input(request)
    markup: list[str] = []
    for row in rows:
        learner = row["learner"]
        name, url = conditional_escape(str(learner)), learner_url(learner.pk)
        parts = [
            f'<tr>\n<th scope="row" class="learner-col"><a href="{url}">{name}</a></th>',
            f'<td class="num nowrap">{ago(learner.last_activity)}</td>',
            f'<td class="num">{learner.due_now}</td>',
        ]
        parts += [
            f'<td class="num mastery mastery-{cell["band"]}">{cell["mastery"]}%</td>' for cell in row["cells"]
        ]
        parts += [_assignment_cell(cell["status"]) for cell in row["assignments"]]
        parts.append(
            '\n<td class="actions-col">\n<details class="row-menu">\n<summary><span aria-hidden="true">•••</span>'
            f'<span class="visually-hidden">Actions for {name}</span></summary>\n<ul>\n'
            f'<li><a href="{url}">View progress and answers</a></li>\n'
        )
        parts += [
            "<li>"
            + render_to_string(  # rare: only overdue learners
                "mentor/includes/remind.html",
                {
                    "reminder": cell["reminder"],
                    "assignment": cell["assignment"],
                    "learner": learner,
                    "long": True,
                },
                request,
            )
            + "</li>"
            for cell in row["assignments"]
            if cell["reminder"]
        ]
        parts.append(
            f'\n<li><form method="post" action="{remove_url(learner.pk)}">{csrf_field}'
            f'<button type="submit" class="menu-danger" aria-label="Remove {name} from the cohort">'
            "Remove from cohort</button></form></li>\n</ul>\n</details>\n</td>\n</tr>\n"
        )
        markup.append("".join(parts))
    return mark_safe("".join(markup))  # the names are escaped; the rest is ours


def progress_headers(questions: list) -> SafeString:
    """The progress grid's question columns: each question's label, linked to it, with its prompt."""
    question_url = url_for_pk("interview:question-detail")
    return mark_safe(
        "".join(
            f'<th scope="col"><a href="{question_url(question.pk)}" title="{prompt}">{question.label}</a>'
            f'<span class="visually-hidden">: {prompt}</span></th>'
            for question in questions
            for prompt in [conditional_escape(question.prompt)]
        )
    )


def progress_rows(rows: list[dict], assignment: "Assignment", request: HttpRequest) -> SafeString:
    """The progress grid's rows: the learner (linked to their progress), their status (with the reminder of an
    overdue assignment), and their latest answer to each question (rating and coverage, linked to it, flagged
    when rated Good or Easy at 0 % coverage), or a dash."""
    learner_url = url_for_pk("interview:mentor-learner", assignment.cohort_id)
    attempt_url = url_for_pk("interview:mentor-attempt")
    flag = " " + render_to_string("mentor/includes/good_without_coverage.html", {"compact": True})
    labels = {rating.value: rating.label for rating in Rating}
    markup = []
    for row in rows:
        learner = row["progress"].learner
        status = row["status"]
        reminder = (
            render_to_string(  # rare: only overdue learners
                "mentor/includes/remind.html",
                {"reminder": row["reminder"], "assignment": assignment, "learner": learner},
                request,
            )
            if row["reminder"]
            else ""
        )
        parts = [
            f'\n        <tr>\n          <th scope="row" class="learner-col"><a href="{learner_url(learner.pk)}">'
            f"{conditional_escape(str(learner))}</a></th>\n"
            f'          <td class="status-{status.key}">{conditional_escape(status.label)}{reminder}</td>\n          '
        ]
        for attempt in row["cells"]:
            if attempt is None:
                parts.append('<td><span class="muted">—</span></td>')
                continue
            parts.append(
                f'<td><a href="{attempt_url(attempt.pk)}" class="rating-cell rating-{attempt.rating}">'
                # The coverage as {% widthratio coverage 1 100 %} showed it.
                f"{labels[attempt.rating]} · {round(attempt.coverage * 100)}%</a>"
                f"{flag if attempt.good_without_coverage else ''}</td>"
            )
        parts.append("\n        </tr>\n      ")
        markup.append("".join(parts))
    return mark_safe("".join(markup))  # the names and statuses are escaped; the rest is ours
