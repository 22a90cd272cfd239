from django.core.management.base import BaseCommand

from safer_norfolk.roles import sync_role_groups


class Command(BaseCommand):
    help = "Create or refresh the back-office role groups and their permissions."

    def handle(self, *args, **options):
        for name, count in sync_role_groups().items():
            self.stdout.write(f"{name}: {count} permissions")
