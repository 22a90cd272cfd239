"""A record filed under an agenda item or a minute must be of that item's meeting.

The model check (meetings.models.check_same_meeting) refuses it in every form and service;
on PostgreSQL a foreign key on (item, meeting) refuses it whatever writes the row. Adding
the keys fails, naming the row, if a database already holds such a record: correct it (the
record's meeting, or its item) and migrate again.
"""

from django.db import migrations, models

# (table, its item column, the table referred to): each refers to (id, meeting_id).
SAME_MEETING = [
    ("meetings_minute", "agenda_item_id", "meetings_agendaitem"),
    ("meetings_document", "agenda_item_id", "meetings_agendaitem"),
    ("meetings_declaration", "agenda_item_id", "meetings_agendaitem"),
    ("meetings_writtenquestion", "agenda_item_id", "meetings_agendaitem"),
    ("meetings_actionpoint", "minute_id", "meetings_minute"),
]


def _name(table, column):
    return f"{table.removeprefix('meetings_')}_{column.removesuffix('_id')}_same_meeting"


def add_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, referred in SAME_MEETING:
        # Deferred to the end of the transaction, as Django's own keys are, so a meeting and
        # everything filed under it can be deleted together.
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {_name(table, column)}"
            f" FOREIGN KEY ({column}, meeting_id) REFERENCES {referred} (id, meeting_id)"
            " DEFERRABLE INITIALLY DEFERRED"
        )


def drop_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, _ in SAME_MEETING:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_name(table, column)}")


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0022_question_counts_index'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='agendaitem',
            constraint=models.UniqueConstraint(fields=('id', 'meeting'), name='agenda_item_of_meeting'),
        ),
        migrations.AddConstraint(
            model_name='minute',
            constraint=models.UniqueConstraint(fields=('id', 'meeting'), name='minute_of_meeting'),
        ),
        migrations.RunPython(add_keys, drop_keys, elidable=False),
    ]
