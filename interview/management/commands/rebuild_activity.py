"""Recompute the per-day activity rollup from the attempts (after a restore, a bulk import or a bug fix)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from interview.services.activity import activity_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's per-learner per-day activity (heatmap, streak, weekly trend) from the "
        "recorded attempts, for everyone or for one user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", metavar="EMAIL", help="Only this user (by email).")

    def handle(self, *args, user: str | None, **options) -> None:
        users = None
        if user is not None:
            found = User.objects.filter(email__iexact=user).first()
            if found is None:
                raise CommandError(f"No user with the email {user!r}.")
            users = [found]
        rows = activity_rebuild(users=users)
        whom = users[0].email if users else "every user"
        self.stdout.write(f"Rebuilt {rows} day rows of activity for {whom}.")
