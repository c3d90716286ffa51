from django.core.management.base import BaseCommand

from interview.selectors.grading import Agreement, agreement_of, overall_agreement, questions_with_agreement


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


class Command(BaseCommand):
    help = (
        "How often learners agree with the automatic ticks, per question and overall: the share of ticks they "
        "remove and of missed points they tick (definitions in interview/selectors/grading.py)."
    )

    def _line(self, label: str, agreement: Agreement) -> str:
        return (
            f"{label:<28} {agreement.attempts:>8} {agreement.judgements:>10} {_percent(agreement.agreement):>9} "
            f"{_percent(agreement.unticked_share):>9} {_percent(agreement.added_share):>7}"
        )

    def handle(self, *args, **options) -> None:
        self.stdout.write(
            f"{'Question':<28} {'Attempts':>8} {'Judgements':>10} {'Agreement':>9} {'Unticked':>9} {'Added':>7}"
        )
        for question in questions_with_agreement():
            label = f"{question.guide.slug} Q{question.number}"
            self.stdout.write(self._line(label[:28], agreement_of(question)))
        self.stdout.write(self._line("Overall", overall_agreement()))
