from django.core.management.base import BaseCommand

from meetings.management.example_data import PARTNERSHIP, load_example_data


class Command(BaseCommand):
    help = (
        "Create, or bring up to date, the fictional example partnership that shows how the site "
        "works: a year of meetings, a delivery plan with progress and outcome figures, dated "
        "from today. Safe to run again: rows are updated, not duplicated."
    )

    def handle(self, *args, **options):
        data = load_example_data()
        self.stdout.write(
            f"Loaded example data: {PARTNERSHIP} (fictional), "
            f"{len(data.scrutiny_meetings) + len(data.board_meetings)} meetings, "
            f"{len(data.actions)} plan actions, {data.observation_count} figures."
        )
