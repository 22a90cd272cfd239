from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SaferNorfolkConfig(AppConfig):
    default = True
    name = "safer_norfolk"
    verbose_name = "Partnership directory"

    def ready(self):
        # Sign-in, sign-out and failure log lines (docs/security.md).
        from safer_norfolk import (
            accounts,  # noqa: F401
            removals,
        )
        from safer_norfolk.audit import stamp_relation_changes
        from safer_norfolk.models import (
            ORGANISATION_PUBLIC_ROLES,
            PUBLIC_ROLES,
            Organisation,
            Person,
        )
        from safer_norfolk.page_cache import connect_signals

        # Every change to the site's content makes cached public pages unreachable.
        connect_signals()
        # Published records that leave the public record are listed for re-users, and a
        # link between two records made or undone marks both as changed.
        removals.watch(Organisation, Person)
        # People and organisations are published while published material names them.
        removals.derive(Person, PUBLIC_ROLES)
        removals.derive(Organisation, ORGANISATION_PUBLIC_ROLES)
        stamp_relation_changes()


class OfficerAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that applies the officers' sign-in rules."""

    default = False
    default_site = "safer_norfolk.accounts.OfficerAdminSite"
