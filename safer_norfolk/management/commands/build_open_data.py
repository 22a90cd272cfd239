from django.core.management.base import BaseCommand

from safer_norfolk.tasks import build_open_data


class Command(BaseCommand):
    help = (
        "Queue the build of the bulk downloads of the public record (/data/) for the task "
        "worker, or with --now build them in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Build in this process instead of queueing."
        )

    def handle(self, *args, now=False, **options):
        if now:
            build = build_open_data.call()
            self.stdout.write(f"Built the downloads {build}.")
        else:
            result = build_open_data.enqueue()
            self.stdout.write(f"Queued the build of the downloads (task {result.id}).")
