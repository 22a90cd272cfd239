"""Shared by the migrations that gave every content model `created` and `modified`: each
existing row takes the time of its first and of its latest audit history entry (a row with
no history keeps the time of the migration)."""

from django.db import migrations


def from_history(app_label, *model_names):
    def backfill(apps, schema_editor):
        quote = schema_editor.quote_name
        for name in model_names:
            model = apps.get_model(app_label, name)
            history = apps.get_model(app_label, f"Historical{model.__name__}")
            table, history_table = quote(model._meta.db_table), quote(history._meta.db_table)
            key = quote(model._meta.pk.column)
            schema_editor.execute(
                f"UPDATE {table} SET "
                f"created = COALESCE((SELECT MIN(h.history_date) FROM {history_table} h "
                f"WHERE h.{key} = {table}.{key}), created), "
                f"modified = COALESCE((SELECT MAX(h.history_date) FROM {history_table} h "
                f"WHERE h.{key} = {table}.{key}), modified)"
            )

    return migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)
