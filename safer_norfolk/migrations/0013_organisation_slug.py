from django.db import migrations, models
from django.utils.text import slugify

HELP = "The organisation's address on the site; left blank, it is made from the name."
LENGTH = 80


def fill_slugs(apps, schema_editor):
    """Give every organisation an address from its name, in the order they were made; a name
    that slugifies like an earlier one's gets "-2", "-3" …"""
    Organisation = apps.get_model("safer_norfolk", "Organisation")
    taken = set()
    for organisation in Organisation.objects.order_by("pk"):
        base = slugify(organisation.name)[:LENGTH] or "organisation"
        slug, number = base, 2
        while slug in taken:
            suffix = f"-{number}"
            slug, number = f"{base[: LENGTH - len(suffix)]}{suffix}", number + 1
        taken.add(slug)
        # One row at a time, without a history entry: the address is not an edit.
        Organisation.objects.filter(pk=organisation.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("safer_norfolk", "0012_decisions_csv_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalorganisation",
            name="slug",
            field=models.SlugField(blank=True, help_text=HELP, max_length=LENGTH),
        ),
        migrations.AddField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(blank=True, help_text=HELP, max_length=LENGTH, db_index=False),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="slug",
            field=models.SlugField(blank=True, help_text=HELP, max_length=LENGTH, unique=True),
        ),
    ]
