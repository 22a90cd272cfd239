"""The back-office roles, as groups of model permissions.

Each role names the models it works on by app label and model name; a model that does not
exist yet is skipped. Data migrations call `sync_role_groups(apps)` whenever an app gains
models, so a migrated database always has the groups; `manage.py sync_roles` refreshes them
by hand. Object-level limits (a partnership officer answers only questions addressed to their
organisation) are enforced by the services and the admin, not here.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import transaction

ALL = ("view", "add", "change", "delete")
EDIT = ("view", "add", "change")
VIEW = ("view",)

COMMITTEE_OFFICER = "Committee officers"
PARTNERSHIP_OFFICER = "Partnership officers"
DATA_OFFICER = "Data officers"
REPORT_AUTHOR = "Report authors"

# role -> [(app_label, model_name or "*", actions)]
ROLES = {
    COMMITTEE_OFFICER: [
        ("safer_norfolk", "organisation", EDIT),
        ("safer_norfolk", "person", EDIT),
        ("meetings", "*", ALL),
        # Publishing a report with its agenda: a report's author drafts it, and cannot.
        ("meetings", "report", ("publish",)),
        ("delivery_plans", "*", ALL),
        ("outcomes", "*", VIEW),
        # Email alerts: what was sent, and readers' and officers' wishes to stop them.
        ("alerts", "message", VIEW),
        ("alerts", "reminder", VIEW),
        ("alerts", "reminderoptout", ("view", "delete")),
        ("alerts", "subscription", ("view", "delete")),
    ],
    PARTNERSHIP_OFFICER: [
        ("safer_norfolk", "organisation", VIEW),
        ("safer_norfolk", "person", VIEW),
        ("delivery_plans", "plan", VIEW),
        ("delivery_plans", "section", VIEW),
        ("delivery_plans", "action", VIEW),
        ("delivery_plans", "actionupdate", EDIT),
        ("meetings", "*", VIEW),
        ("meetings", "writtenquestion", ("view", "change")),
    ],
    DATA_OFFICER: [
        ("safer_norfolk", "organisation", VIEW),
        ("outcomes", "*", EDIT),
    ],
    # Officers who write committee reports: they draft and change reports, and see the
    # meetings, plans and outcomes a report may concern; a committee officer publishes.
    REPORT_AUTHOR: [
        ("safer_norfolk", "person", VIEW),
        ("meetings", "committee", VIEW),
        ("meetings", "meeting", VIEW),
        ("meetings", "agendaitem", VIEW),
        ("meetings", "reporttemplate", VIEW),
        ("meetings", "report", EDIT),
        ("delivery_plans", "plan", VIEW),
        ("delivery_plans", "action", VIEW),
        ("outcomes", "outcome", VIEW),
    ],
}


def permissions_for(specs, Permission):
    wanted = []
    for app_label, model, actions in specs:
        for permission in Permission.objects.filter(content_type__app_label=app_label):
            action, _, model_name = permission.codename.partition("_")
            if action in actions and model in ("*", model_name):
                wanted.append(permission)
    return wanted


@transaction.atomic
def sync_role_groups(apps=global_apps):
    """Create or refresh each role's group; returns {group name: permission count}.

    Given a migration's historical `apps`, it first creates the permissions of every model
    migrated so far (Django otherwise adds them only after the whole migrate run).
    """
    for app_config in apps.get_app_configs():
        # Historical app configs carry no models module, and create_permissions skips those.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    counts = {}
    for name, specs in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = permissions_for(specs, Permission)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
