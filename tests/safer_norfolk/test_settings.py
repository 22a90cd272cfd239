import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from safer_norfolk.env import env_bool, env_int, env_list, env_str

pytestmark = pytest.mark.sqlite

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "safer_norfolk" / "settings.py"
GOOD_KEY = "a-production-secret-key-that-is-long-and-random-enough-0123456789"


def load_settings(monkeypatch, **environ):
    """Evaluate settings.py afresh under the given environment and return its names."""
    for name in (
        "DJANGO_ENV",
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DATABASE_CONN_MAX_AGE",
        "DATABASE_TRANSACTION_POOLING",
        "PAGE_CACHE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_settings_default_to_sqlite_without_debug(monkeypatch):
    loaded = load_settings(monkeypatch)

    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["DEBUG"] is False
    assert loaded["SITE_NAME"] == "Safer Norfolk"


def test_settings_use_database_url_for_postgresql(monkeypatch):
    loaded = load_settings(monkeypatch, DATABASE_URL="postgres://officer:pw@db.internal:5433/safer")

    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "safer")


def test_server_side_cursors_stay_on_unless_the_pool_is_per_transaction(monkeypatch):
    url = "postgres://officer:pw@pgbouncer.internal:6432/safer"

    direct = load_settings(monkeypatch, DATABASE_URL=url)["DATABASES"]["default"]
    pooled = load_settings(
        monkeypatch,
        DATABASE_URL=url,
        DATABASE_TRANSACTION_POOLING="true",
        DATABASE_CONN_MAX_AGE="0",
    )["DATABASES"]["default"]

    assert direct["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert direct["CONN_MAX_AGE"] == 60
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert pooled["CONN_MAX_AGE"] == 0


def test_the_page_cache_is_each_processs_own_unless_a_redis_server_is_named(monkeypatch):
    own = load_settings(monkeypatch)["CACHES"]["pages"]
    shared = load_settings(monkeypatch, PAGE_CACHE_URL="redis://cache.internal:6379/0")

    assert own["BACKEND"] == "safer_norfolk.cache.BoundedLocMemCache"
    assert own["OPTIONS"]["MAX_BYTES"] == 64 * 1024 * 1024
    assert shared["CACHES"]["pages"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["CACHES"]["pages"]["LOCATION"] == "redis://cache.internal:6379/0"


def test_a_page_cache_address_that_is_not_redis_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PAGE_CACHE_URL must be a Redis address"):
        load_settings(monkeypatch, PAGE_CACHE_URL="memcached://cache.internal:11211")


def test_production_refuses_the_development_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, DJANGO_ENV="production", ALLOWED_HOSTS="example.org")


def test_production_refuses_debug(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        load_settings(
            monkeypatch,
            DJANGO_ENV="production",
            SECRET_KEY=GOOD_KEY,
            ALLOWED_HOSTS="example.org",
            DEBUG="1",
        )


def test_production_refuses_empty_allowed_hosts(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        load_settings(monkeypatch, DJANGO_ENV="production", SECRET_KEY=GOOD_KEY)


def test_production_turns_on_https_only_cookies_and_hsts(monkeypatch):
    loaded = load_settings(
        monkeypatch, DJANGO_ENV="production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.org"
    )

    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert loaded["ALLOWED_HOSTS"] == ["example.org"]


def test_production_reads_the_secret_key_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(GOOD_KEY + "\n")

    loaded = load_settings(
        monkeypatch,
        DJANGO_ENV="production",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="example.org",
    )

    assert loaded["SECRET_KEY"] == GOOD_KEY


def test_unknown_environment_name_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ENV must be one of"):
        load_settings(monkeypatch, DJANGO_ENV="staging")


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("On", True), ("0", False), ("no", False)]
)
def test_env_bool_reads_common_spellings(raw, expected):
    assert env_bool("FLAG", environ={"FLAG": raw}) is expected


def test_env_bool_refuses_an_unclear_value():
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG", environ={"FLAG": "maybe"})


def test_env_int_refuses_words_and_values_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("WORKERS", 1, environ={"WORKERS": "two"})
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("WORKERS", 1, minimum=0, environ={"WORKERS": "-3"})


def test_env_list_drops_blank_items():
    assert env_list("HOSTS", environ={"HOSTS": "a.org, ,b.org,"}) == ["a.org", "b.org"]


def test_env_file_and_value_together_are_refused(tmp_path):
    secret = tmp_path / "value"
    secret.write_text("from-file")

    assert env_str("TOKEN", environ={"TOKEN_FILE": str(secret)}) == "from-file"
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_str("TOKEN", environ={"TOKEN_FILE": str(secret), "TOKEN": "inline"})


def test_env_file_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="TOKEN_FILE: cannot read"):
        env_str("TOKEN", environ={"TOKEN_FILE": str(tmp_path / "missing")})
