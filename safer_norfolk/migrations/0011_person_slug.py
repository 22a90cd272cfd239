from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    """Each person's slug from their name, made unique by a number in the order they were
    added: "john-smith", "john-smith-2" (the rule of safer_norfolk.models.unique_slug)."""
    Person = apps.get_model("safer_norfolk", "Person")
    taken = set()
    for person in Person.objects.order_by("pk").only("pk", "name"):
        base = slugify(person.name)[:200] or "person"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        Person.objects.filter(pk=person.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("safer_norfolk", "0010_person_api_list_idx"),
    ]

    operations = [
        # No index until the slugs are filled and made unique: the unique constraint then
        # brings its own (on PostgreSQL a second "_like" index would clash with the first).
        migrations.AddField(
            model_name="person",
            name="slug",
            field=models.SlugField(blank=True, max_length=220, default="", db_index=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="slug",
            field=models.SlugField(blank=True, max_length=220, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The person's address on the site: /people/<slug>/. Left blank, it is "
                "made from the name.",
                max_length=220,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="historicalperson",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The person's address on the site: /people/<slug>/. Left blank, it is "
                "made from the name.",
                max_length=220,
            ),
        ),
    ]
