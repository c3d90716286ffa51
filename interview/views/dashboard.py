"""The signed-in user's home (dashboard) and their history of attempts."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from interview.charts import dashboard_charts
from interview.dashboard_markup import mastery_items
from interview.filters import AttemptHistoryFilter
from interview.selectors.dashboard import dashboard_stats, recent_attempts
from interview.selectors.mentoring import cohorts_joined_by, feedback_for_learner, learner_assignments
from interview.selectors.practice import attempts_of, next_step
from interview.views.pagination import paginate


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    stats = dashboard_stats(request.user, now)
    by_slug = {progress.slug: progress for progress in stats.topics}
    weakest = [by_slug[slug] for slug in stats.weakest_topics]
    # Assignments come from cohorts, feedback on attempts: without either there is nothing to look up.
    # (Both loaded with the user by accounts.backends.)
    cohorts = list(cohorts_joined_by(request.user)) if getattr(request.user, "learns_in_cohort", True) else []
    has_feedback = getattr(request.user, "has_feedback", True)
    context = {
        "stats": stats,
        # The top of the page: templates/interview/includes/practice_next.html.
        "next_step": next_step(request.user, now, stats.today_counts),
        "weakest": weakest,
        "mastery_items": mastery_items(stats.topics, reverse("interview:practice-start"), request),
        "charts": dashboard_charts(
            activity=stats.activity, trend=stats.trend, forecast=stats.forecast, today=stats.today
        ),
        "recent": recent_attempts(request.user),
        "assignments": learner_assignments(request.user, now) if cohorts else [],
        "new_feedback": (
            feedback_for_learner(request.user).filter(read_at__isnull=True).count() if has_feedback else 0
        ),
        "cohorts": cohorts,
    }
    return render(request, "interview/dashboard.html", context)


@login_required
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    attempts = attempts_of(request.user).select_related("question").order_by("-created_at", "-pk")
    filters = AttemptHistoryFilter(request.GET or None, queryset=attempts, request=request)
    page = paginate(request, filters.qs)
    return render(
        request, "interview/history.html", {"filter": filters, "page": page, "attempts": page.object_list}
    )
