from django.contrib.auth import backends
from django.db.models import Exists, OuterRef

from accounts.models import User


class ModelBackend(backends.ModelBackend):
    """Django's backend; the signed-in user is loaded with `has_feedback`, so the menu needs no query."""

    def get_user(self, user_id: int) -> User | None:
        from interview.models import Feedback  # accounts must not import interview at load time

        try:
            user = User._default_manager.annotate(
                has_feedback=Exists(Feedback.objects.filter(attempt__user=OuterRef("pk")))
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
