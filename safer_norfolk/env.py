"""Small typed readers for settings taken from the environment.

Each reader accepts NAME or NAME_FILE (the path of a file holding the value, as container
secrets are mounted) and raises ImproperlyConfigured on a value it cannot use, naming the
variable, so a misconfigured server refuses to start instead of running on a wrong guess.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name, environ):
    environ = os.environ if environ is None else environ
    file_name = environ.get(f"{name}_FILE")
    if file_name:
        if name in environ:
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {error}") from error
    return environ.get(name)


def env_str(name, default="", *, environ=None):
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name, default=False, *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


def env_int(name, default, *, minimum=None, environ=None):
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name, default=(), *, environ=None):
    """A comma-separated list; blank items are dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name, default, choices, *, environ=None):
    value = env_str(name, default, environ=environ).strip()
    if value not in choices:
        allowed = ", ".join(choices)
        raise ImproperlyConfigured(f"{name} must be one of {allowed}, not {value!r}.")
    return value
