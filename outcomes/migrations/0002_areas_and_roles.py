from django.db import migrations

from safer_norfolk.roles import sync_role_groups

# (name, slug, kind, parent slug, ONS GSS code)
AREAS = [
    ("Norfolk", "norfolk", "county", None, "E10000020"),
    ("Breckland", "breckland", "district", "norfolk", "E07000143"),
    ("Broadland", "broadland", "district", "norfolk", "E07000144"),
    ("Great Yarmouth", "great-yarmouth", "district", "norfolk", "E07000145"),
    ("King's Lynn and West Norfolk", "kings-lynn-and-west-norfolk", "district", "norfolk", "E07000146"),
    ("North Norfolk", "north-norfolk", "district", "norfolk", "E07000147"),
    ("Norwich", "norwich", "district", "norfolk", "E07000148"),
    ("South Norfolk", "south-norfolk", "district", "norfolk", "E07000149"),
    ("Out of county", "out-of-county", "other", None, ""),
    ("Cambridgeshire", "cambridgeshire", "county", None, "E10000003"),
    ("Cambridge", "cambridge", "district", "cambridgeshire", "E07000008"),
    ("East Cambridgeshire", "east-cambridgeshire", "district", "cambridgeshire", "E07000009"),
    ("Fenland", "fenland", "district", "cambridgeshire", "E07000010"),
    ("Huntingdonshire", "huntingdonshire", "district", "cambridgeshire", "E07000011"),
    ("South Cambridgeshire", "south-cambridgeshire", "district", "cambridgeshire", "E07000012"),
    ("Peterborough", "peterborough", "district", None, "E06000031"),
    ("Cambridgeshire and Peterborough", "cambridgeshire-and-peterborough", "other", None, ""),
]


def create_areas(apps, schema_editor):
    Area = apps.get_model("outcomes", "Area")
    by_slug = {}
    for order, (name, slug, kind, parent, code) in enumerate(AREAS):
        area, _ = Area.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "parent": by_slug.get(parent), "gss_code": code, "order": order},
        )
        by_slug[slug] = area


def create_role_groups(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("outcomes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_areas, migrations.RunPython.noop),
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]
