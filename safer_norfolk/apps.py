from django.apps import AppConfig


class SaferNorfolkConfig(AppConfig):
    name = "safer_norfolk"
    verbose_name = "Partnership directory"
