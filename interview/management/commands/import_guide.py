from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from interview.annotations import load_annotations
from interview.guide_format import GuideFormatError
from interview.models import Guide
from interview.services.content import guide_import

SLUG_MAX_LENGTH = Guide._meta.get_field("slug").max_length


class Command(BaseCommand):
    help = (
        "Import (or re-import) an interview guide from a text file. Topic and key-point annotations "
        "are read from fixtures/annotations/<slug>.yaml when that file exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The guide's text file.")
        parser.add_argument("--slug", help="The guide's slug (default: from the file name).")
        parser.add_argument("--title", default="", help="The guide's title (default: from annotations).")
        parser.add_argument("--annotations", type=Path, help="An annotations YAML file to apply.")

    def handle(
        self, *args, path: Path, slug: str | None, title: str, annotations: Path | None, **options
    ) -> None:
        slug = slug or slugify(path.stem)[:SLUG_MAX_LENGTH]
        if not slug:
            raise CommandError("Give the guide a --slug: none can be made from the file name.")
        if slugify(slug) != slug or len(slug) > SLUG_MAX_LENGTH:
            raise CommandError(
                f"--slug {slug!r} must be lowercase letters, digits and hyphens, "
                f"at most {SLUG_MAX_LENGTH} long."
            )
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot be read as UTF-8 text ({error}).") from None

        annotations_path = annotations or Path(settings.GUIDE_ANNOTATIONS_DIR) / f"{slug}.yaml"
        if annotations and not annotations.exists():
            raise CommandError(f"{annotations}: no such file.")
        try:
            loaded = load_annotations(annotations_path) if annotations_path.exists() else None
            report = guide_import(
                text=text, slug=slug, source_file=path.name, title=title, annotations=loaded
            )
        except GuideFormatError as error:
            raise CommandError(f"{path}, {error}") from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.guide.title!r} ({slug}): {report.created} new, "
                f"{report.updated} updated, {report.retired} retired."
            )
        )
