from django.apps import AppConfig


class DeliveryPlansConfig(AppConfig):
    name = "delivery_plans"
    verbose_name = "Delivery plans"

    def ready(self):
        from delivery_plans import status

        status.connect()
