from django.db import migrations, models


def pdf_headers(apps, schema_editor):
    """The PDFs stored so far were all sent inline under their filename."""
    RenderedDocument = apps.get_model("safer_norfolk", "RenderedDocument")
    for document in RenderedDocument.objects.all():
        document.headers = {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="{document.filename}"',
        }
        document.save(update_fields=["headers"])


class Migration(migrations.Migration):
    dependencies = [
        ("safer_norfolk", "0008_organisation_is_example"),
    ]

    operations = [
        migrations.AddField(
            model_name="rendereddocument",
            name="headers",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="rendereddocument",
            name="compressed",
            field=models.FileField(blank=True, upload_to="rendered/"),
        ),
        migrations.AlterField(
            model_name="rendereddocument",
            name="filename",
            field=models.CharField(
                blank=True, help_text="The name it is downloaded under, if any.", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="rendereddocument",
            name="object_key",
            field=models.CharField(
                help_text="The key of what it was made for: the meeting or plan, or for a file "
                "holding addresses the host it was asked on, with the variant it was asked for.",
                max_length=255,
            ),
        ),
        migrations.AlterField(
            model_name="rendereddocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("agenda", "Agenda front sheet"),
                    ("minutes", "Minutes"),
                    ("plan_report", "Plan report"),
                    ("calendar", "Meetings calendar"),
                    ("committee_calendar", "Committee calendar"),
                    ("feed", "Latest papers feed"),
                    ("action_points_csv", "Committee action points CSV"),
                    ("figures_csv", "Framework figures CSV"),
                    ("outstanding_csv", "Outstanding items CSV"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(pdf_headers, migrations.RunPython.noop),
    ]
