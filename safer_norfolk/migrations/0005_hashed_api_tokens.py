"""API tokens move from Django REST framework's table, which held each token as written, to
django-rest-knox's, which holds only its SHA-512 digest and first characters. Every token
already issued keeps working; the old table, its migration records and its permissions go."""

import hashlib

from django.conf import settings
from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

OLD_TABLE = "authtoken_token"
# knox finds a token by its first characters, then compares the digest of the whole token
# (knox.settings.CONSTANTS.TOKEN_KEY_LENGTH and its default SECURE_HASH_ALGORITHM).
KEY_LENGTH = 15


def hash_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    old_table, key = schema_editor.quote_name(OLD_TABLE), schema_editor.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, user_id FROM {old_table}")
        for plain, user_id in cursor.fetchall():
            token = AuthToken(
                digest=hashlib.sha512(plain.encode()).hexdigest(),
                token_key=plain[:KEY_LENGTH],
                user_id=user_id,
                expiry=None,
            )
            token.save(force_insert=True)
            # Keep the date the token was issued, copied as the database holds it.
            cursor.execute(
                f"UPDATE {schema_editor.quote_name(AuthToken._meta.db_table)} "
                f"SET created = (SELECT created FROM {old_table} WHERE {key} = %s) "
                "WHERE digest = %s",
                [plain, token.digest],
            )
    schema_editor.execute(schema_editor.sql_delete_table % {"table": old_table})
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()
    # Their permissions go with them, and so from any group that held them.
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safer_norfolk", "0004_edit_versions"),
        ("knox", "0009_extend_authtoken_field"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Going back leaves the digests: the tokens as written cannot be recovered from them.
    operations = [migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop)]
