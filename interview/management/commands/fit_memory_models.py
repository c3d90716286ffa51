"""Fit FSRS-6 memory models to the review logs by hand (nightly, `run_periodic --nightly` enqueues the same)."""

from django.core.management.base import BaseCommand

from interview.services.memory import memory_models_fit


class Command(BaseCommand):
    help = (
        "Fit site-wide FSRS-6 parameters (from 1,000 reviews) and personal ones (from 400 per learner); each "
        "learner uses fitted parameters only where they beat the defaults on their latest 20 % of reviews."
    )

    def handle(self, *args, **options) -> None:
        report = memory_models_fit()
        site = "fitted" if report.site_fitted else "not fitted (fewer than 1,000 reviews)"
        self.stdout.write(f"Site-wide model {site}; {report.site_reviews} reviews in all.")
        uses = {}
        for kind in report.learners.values():
            uses[kind] = uses.get(kind, 0) + 1
        for kind, count in sorted(uses.items()):
            self.stdout.write(f"{count} learner(s) use the {kind} model.")
