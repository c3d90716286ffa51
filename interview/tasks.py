"""Background tasks of the interview app: thin wrappers that call a service with what a queue can carry.

Arguments are ids and text (a queue stores JSON). The services are imported inside each task because they
enqueue these tasks themselves. `manage.py run_periodic` enqueues the scheduled ones.
"""

from django.utils import timezone
from django_tasks import task


@task()
def guide_import_run(*, job_id: int) -> str:
    """A mentor's queued guide import; returns the job's status."""
    from interview.services.mentoring import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job else "already taken"


@task()
def llm_grade(*, showing_id: int, answer_text: str) -> str:
    """The LLM grader's verdict on a revealed answer, stored on the showing; returns the grader used."""
    from interview.models import Showing
    from interview.services.grading import showing_assess_with_llm

    showing = Showing.objects.select_related("question").filter(pk=showing_id).first()
    if showing is None:  # the session was deleted meanwhile
        return "gone"
    return showing_assess_with_llm(showing=showing, answer_text=answer_text).grader


@task()
def memory_models_fit() -> dict[str, int]:
    """The nightly FSRS-6 fit (as `manage.py fit_memory_models`); returns how many learners use each model."""
    from interview.services.memory import memory_models_fit as fit

    report = fit()
    uses: dict[str, int] = {}
    for kind in report.learners.values():
        uses[kind] = uses.get(kind, 0) + 1
    return uses


@task()
def due_date_reminders_send() -> int:
    """Email learners whose assignment is due tomorrow in their time zone; returns how many were sent."""
    from interview.services.notifications import due_date_reminders_send as send

    return send(now=timezone.now())


@task()
def review_emails_send() -> int:
    """The daily "reviews waiting" emails due this hour; returns how many were sent."""
    from interview.services.notifications import review_emails_send as send

    return send(now=timezone.now())
