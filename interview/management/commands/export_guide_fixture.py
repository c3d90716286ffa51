from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interview.models import Guide
from interview.selectors.content import guide_fixture_json


class Command(BaseCommand):
    help = (
        "Write a guide and its content as a loaddata fixture (natural keys), e.g. fixtures/ml-engineer.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The guide's slug.")
        parser.add_argument("--output", "-o", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, slug: str, output: Path | None, **options) -> None:
        guide = Guide.objects.filter(slug=slug).first()
        if guide is None:
            raise CommandError(f"No guide with the slug {slug!r}; import it first with import_guide.")
        fixture = guide_fixture_json(guide)
        if output:
            output.write_text(fixture, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
        else:
            self.stdout.write(fixture, ending="")
