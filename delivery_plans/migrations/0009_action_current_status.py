"""Each action's current status stored on it (delivery_plans.status), filled from its latest
published update."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Action = apps.get_model("delivery_plans", "Action")
    ActionUpdate = apps.get_model("delivery_plans", "ActionUpdate")
    latest = ActionUpdate.objects.filter(action=OuterRef("pk"), status="published").order_by(
        "-reported_on", "-pk"
    )
    Action.objects.update(
        current_rag=Subquery(latest.values("rag")[:1]),
        current_distance=Subquery(latest.values("distance")[:1]),
        last_update_on=Subquery(latest.values("reported_on")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("delivery_plans", "0008_real_plan_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="current_distance",
            field=models.CharField(editable=False, max_length=20, null=True),
        ),
        migrations.AddField(
            model_name="action",
            name="current_rag",
            field=models.CharField(editable=False, max_length=20, null=True),
        ),
        migrations.AddField(
            model_name="action",
            name="last_update_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
