from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.competencies.models import Competency
from assessments.gift.parser import GiftSyntaxError
from assessments.gift.services import NothingToImport, quiz_import_gift


class Command(BaseCommand):
    help = (
        "Import a Moodle GIFT file as a draft quiz. Every question is tagged with one competency "
        "for trainers to retag; the quiz is published from the admin after review."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A GIFT text file, UTF-8.")
        parser.add_argument("--title", required=True, help="The new quiz's title.")
        parser.add_argument(
            "--competency",
            metavar="CODE",
            help="The code of the competency every question is tagged with. Default: the first competency.",
        )

    def handle(self, *args, **options):
        competency = self._competency(options["competency"])
        path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise CommandError(f"There is no file {path}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text. Save or export it as UTF-8 and try again.") from error
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.") from error

        try:
            report = quiz_import_gift(text=text, title=options["title"], competency=competency)
        except (GiftSyntaxError, NothingToImport) as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        except ValidationError as error:
            problems = " ".join(
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items()
                for message in messages
            )
            raise CommandError(f"The quiz cannot be saved: {problems} Nothing was imported.") from error

        count = f"{report.imported} question{'s' if report.imported != 1 else ''}"
        self.stdout.write(self.style.SUCCESS(f'Created draft quiz "{report.quiz.title}" with {count}.'))
        for line, kind, title, reason in report.skipped:
            self.stdout.write(f"Skipped line {line} ({' '.join(filter(None, [kind, title]))}): {reason}")
        for note in report.notes:
            self.stdout.write(note)

    def _competency(self, code: str | None) -> Competency:
        if code is None:
            competency = Competency.objects.order_by("sort_order", "name").first()
            if competency is None:
                raise CommandError("There are no competencies yet. Add one before importing questions.")
            return competency
        try:
            return Competency.objects.get(code=code)
        except Competency.DoesNotExist as error:
            raise CommandError(f'There is no competency with the code "{code}".') from error
