"""Values every page's layout needs."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest

from interview.selectors.mentoring import feedback_for_learner


def navigation(request: HttpRequest) -> dict[str, Callable[[], bool] | bool]:
    """Whether the menu offers "Feedback" (a callable, so only pages that render the signed-in menu ask),
    and whether the home and login pages offer the demo learner."""
    user = getattr(request, "user", None)

    def has_feedback() -> bool:
        if not (user and user.is_authenticated):
            return False
        known = getattr(user, "has_feedback", None)  # loaded with the user by accounts.backends
        return known if known is not None else feedback_for_learner(user).exists()

    return {"nav_has_feedback": has_feedback, "demo_mode": settings.DEMO_MODE}
