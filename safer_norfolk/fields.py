import re

from django.db import models


class WebAddressField(models.URLField):
    """A URL field whose form assumes https:// when an officer types a bare domain."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def natural_sort_key(number):
    """A key that sorts numbers as people read them: "6" < "6.1" < "9" < "10", "07/01" < "07/02".

    Each run of digits is zero-padded to eight places, so plain string order is natural order.
    """
    return re.sub(r"\d+", lambda digits: digits.group().zfill(8), number.strip().lower())


class NaturalSortKeyField(models.CharField):
    """A column holding natural_sort_key() of another field, kept in step on every save.

    Order by this column ("sort_key") wherever numbered things are listed: agenda items,
    minutes, action points, plan actions.
    """

    def __init__(self, *args, source="number", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 120:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = natural_sort_key(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
