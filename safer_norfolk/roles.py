"""The back-office roles, as groups of model permissions.

Each role names the models it works on by app label and model name; a model that does not
exist yet is skipped, so the groups grow as the apps gain models and `sync_role_groups()`
is run again (load_demo runs it; so does `manage.py sync_roles` on a server).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ALL = ("view", "add", "change", "delete")
EDIT = ("view", "add", "change")
VIEW = ("view",)

COMMITTEE_OFFICER = "Committee officers"
PARTNERSHIP_OFFICER = "Partnership officers"
DATA_OFFICER = "Data officers"

# role -> [(app_label, model_name or "*", actions)]
ROLES = {
    COMMITTEE_OFFICER: [
        ("safer_norfolk", "organisation", EDIT),
        ("safer_norfolk", "person", EDIT),
        ("meetings", "*", ALL),
        ("delivery_plans", "*", VIEW),
        ("outcomes", "*", VIEW),
    ],
    PARTNERSHIP_OFFICER: [
        ("safer_norfolk", "organisation", VIEW),
        ("safer_norfolk", "person", VIEW),
        ("delivery_plans", "plan", VIEW),
        ("delivery_plans", "section", VIEW),
        ("delivery_plans", "action", VIEW),
        ("delivery_plans", "actionupdate", EDIT),
        ("meetings", "writtenquestion", ("view", "change")),
    ],
    DATA_OFFICER: [
        ("safer_norfolk", "organisation", VIEW),
        ("outcomes", "*", EDIT),
    ],
}


def permissions_for(specs):
    permissions = Permission.objects.select_related("content_type")
    wanted = []
    for app_label, model, actions in specs:
        for permission in permissions.filter(content_type__app_label=app_label):
            action, _, model_name = permission.codename.partition("_")
            if action in actions and model in ("*", model_name):
                wanted.append(permission)
    return wanted


@transaction.atomic
def sync_role_groups():
    """Create or refresh each role's group; returns {group name: permission count}."""
    counts = {}
    for name, specs in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = permissions_for(specs)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
