from django.core.management.base import BaseCommand, CommandError

from safer_norfolk import backup


class Command(BaseCommand):
    help = (
        "Write a backup of the database and of every stored file, with a manifest of their "
        "checksums, into a new folder (safer_norfolk.backup)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a folder that does not exist yet")

    def handle(self, *args, destination, verbosity=1, **options):
        out = self.stdout.write if verbosity > 1 else None
        try:
            manifest = backup.backup(destination, out=out)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(tables)} tables ({sum(tables.values())} rows) and "
                f"{len(manifest['files'])} files to {destination}."
            )
        )
