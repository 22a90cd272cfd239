from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.services import import_observations
from safer_norfolk.spreadsheets import ImportFileError


class Command(BaseCommand):
    help = (
        "Import outcome-measure figures from a CSV or XLSX file. The whole file is checked first; "
        "if any row is wrong nothing is written and every problem is listed with its row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .csv or .xlsx file with a header row.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report, writing nothing."
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            report = import_observations(name=file.name, content=content, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
