from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from safer_norfolk.models import Organisation, Person
from safer_norfolk.roles import (
    COMMITTEE_OFFICER,
    DATA_OFFICER,
    PARTNERSHIP_OFFICER,
    REPORT_AUTHOR,
    sync_role_groups,
)

# Loaded in this order: each file refers only to rows of the files before it.
DEMO_FIXTURES = [
    "directory",
    "outcomes",
    "plans_safer_norfolk",
    "plans_safe_accommodation",
    "meetings_nccsp",
    "meetings_cambridge",
    "meetings_childrens_services",
]

DEMO_PASSWORD = "safer-norfolk-demo"  # noqa: S105 -- demo logins exist only with DEBUG on

# username -> (role group or None for the superuser, person's name, organisation short name)
DEMO_USERS = {
    "committee-officer": (COMMITTEE_OFFICER, "Demo Committee Officer", "NCC"),
    "partnership-officer": (PARTNERSHIP_OFFICER, "Demo Partnership Officer", "OPCCN"),
    "data-officer": (DATA_OFFICER, "Demo Data Officer", "NCC"),
    "report-author": (REPORT_AUTHOR, "Demo Report Author", "NCC"),
    "admin": (None, "Demo Administrator", None),
}


class Command(BaseCommand):
    help = (
        "Load the demo data taken from the seed papers and the fictional example partnership "
        "(safe to run again: rows are updated, not duplicated) and, with DEBUG on only, the "
        "demo logins for each role."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            for fixture in DEMO_FIXTURES:
                call_command("loaddata", fixture, verbosity=0)
            # Fixtures load without history: give every record its first audit entry.
            call_command("populate_history", auto=True, verbosity=0)
            # The fictional partnership whose year of work shows what the site is for (named,
            # not imported: it draws on every app above this one). Its rows are written with
            # their history, so it comes after the fixtures' first audit entries.
            call_command("load_example_data", stdout=self.stdout)
            groups = sync_role_groups()
        self.stdout.write(f"Loaded demo data: {', '.join(DEMO_FIXTURES)}.")
        self.stdout.write(
            "Role groups: "
            + ", ".join(f"{name} ({count} permissions)" for name, count in groups.items())
        )
        if settings.PRODUCTION or not settings.DEBUG:
            self.stdout.write("Demo logins are created only with DEBUG on, never in production.")
            return
        self.ensure_demo_users()

    @transaction.atomic
    def ensure_demo_users(self):
        User = get_user_model()
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for each: {DEMO_PASSWORD}):"))
        for username, (group_name, person_name, organisation_short_name) in DEMO_USERS.items():
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "is_superuser": group_name is None,
                    "is_active": True,
                    "email": f"{username}@example.org",
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if group_name:
                user.groups.set([Group.objects.get(name=group_name)])
            organisation = (
                Organisation.objects.filter(short_name=organisation_short_name).first()
                if organisation_short_name
                else None
            )
            Person.objects.update_or_create(
                user=user,
                defaults={
                    "name": person_name,
                    "organisation": organisation,
                    "job_title": "Demo login",
                },
            )
            self.stdout.write(f"  {username:<20} {group_name or 'Superuser'}")
