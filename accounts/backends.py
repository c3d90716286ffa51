from django.contrib.auth import backends
from django.db.models import Exists, OuterRef

from accounts.models import User


class ModelBackend(backends.ModelBackend):
    """Django's backend; the signed-in user is loaded with `has_feedback` and `learns_in_cohort`, so the menu
    needs no query, and the dashboard none for the cohorts of a learner who practises alone."""

    def get_user(self, user_id: int) -> User | None:
        # accounts must not import interview at load time
        from interview.models import Feedback, Membership

        try:
            user = User._default_manager.annotate(
                has_feedback=Exists(Feedback.objects.filter(attempt__user=OuterRef("pk"))),
                learns_in_cohort=Exists(
                    Membership.objects.filter(user=OuterRef("pk"), role=Membership.Role.LEARNER)
                ),
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
