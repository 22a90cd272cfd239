from django.core.management.base import BaseCommand, CommandError

from safer_norfolk import backup


class Command(BaseCommand):
    help = (
        "Rebuild an empty database and an empty media storage from a backup made by "
        "`backup`, then check every table's row count and every file's checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup's folder")
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check the backup's checksums; restore nothing",
        )

    def handle(self, *args, source, check=False, verbosity=1, **options):
        out = self.stdout.write if verbosity > 1 else None
        try:
            if check:
                manifest = backup.read_manifest(source)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"The backup in {source} is whole: {len(manifest['database']['tables'])} "
                        f"tables and {len(manifest['files'])} files match their checksums."
                    )
                )
                return
            summary = backup.restore(source, out=out)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary['tables']} tables ({summary['rows']} rows) and "
                f"{summary['files']} files ({summary['bytes']} bytes); every count and checksum "
                "matches the backup."
            )
        )
