from django.db import models


class WebAddressField(models.URLField):
    """A URL field whose form assumes https:// when an officer types a bare domain."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
