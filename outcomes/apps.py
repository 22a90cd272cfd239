from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self):
        from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
        from safer_norfolk import removals

        # A framework's status publishes or withdraws its parts (safer_norfolk.removals).
        removals.watch(OutcomeFramework, Outcome, Measure, Observation, Area)
        removals.follow(
            OutcomeFramework,
            ("status",),
            [
                (Outcome, "framework"),
                (Measure, "outcome__framework"),
                (Observation, "measure__outcome__framework"),
            ],
        )
