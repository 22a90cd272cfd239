import datetime

from django.core.management.base import BaseCommand, CommandError

from scale_data.generator import DEFAULT_SEED, SCALES, ScaleDataConflict, generate


class Command(BaseCommand):
    help = (
        "Generate a deterministic data set of committees, meetings, minutes, action points, "
        "written questions, delivery plans and outcome figures at a named scale, for benchmarks "
        "and tests. Does nothing if that data set is already there; refuses if another is, "
        "unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            required=True,
            choices=list(SCALES),
            help="county: 20,000 meetings and about 1.5 million rows; small: a few seconds' worth.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"The same seed and date give the same data (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date the data is generated as of, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove any generated data set first, with its audit history.",
        )

    def handle(self, *args, scale, seed, today, replace, verbosity, **options):
        log = self.stdout.write if verbosity > 1 else None
        try:
            report = generate(scale=scale, seed=seed, today=today, replace=replace, log=log)
        except ScaleDataConflict as error:
            raise CommandError(str(error)) from error
        if not report.created:
            self.stdout.write(
                f"{report.description.capitalize()} is already present: nothing to do."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Generated {report.description} in {report.seconds:.1f} s:")
        )
        for name, count in report.counts.items():
            self.stdout.write(f"  {count:>9,} {name}")
