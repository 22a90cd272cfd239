from django.apps import AppConfig


class DeliveryPlansConfig(AppConfig):
    name = "delivery_plans"
    verbose_name = "Delivery plans"

    def ready(self):
        from delivery_plans import status
        from delivery_plans.models import Action, ActionUpdate, Plan, Section
        from safer_norfolk import removals
        from safer_norfolk.models import Organisation

        status.connect()
        # A plan's status publishes or withdraws its parts, and an update's status the update
        # (safer_norfolk.removals).
        removals.watch(Plan, Section, Action, ActionUpdate)
        removals.follow(
            Plan,
            ("status",),
            [
                (Section, "plan"),
                (Action, "plan"),
                (ActionUpdate, "action__plan"),
                (Organisation, "plan_actions__plan"),
            ],
        )
        removals.follow(ActionUpdate, ("status",))
