"""Addresses of records that pages list by the hundred, without a search of the URLconf for
each one.

reverse() looks the name up among the URLconf's patterns, converts and checks every
argument, then quotes the whole path: 20 to 30 µs a call, which a plan of 200 actions pays
200 times. A Route reverses its name once (per script prefix) with marker values into a
template; each address is then the template filled with the arguments converted, checked
against the converter's pattern and quoted: the steps reverse() takes, with the same result
(tests/safer_norfolk/test_routes.py compares the two over generated values). An argument reverse() would
refuse goes to reverse() itself, which raises as it always did.
"""

import re
from functools import lru_cache
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.urls.converters import get_converters
from django.utils.http import RFC3986_SUBDELIMS

# What reverse() leaves unquoted (django.urls.resolvers.URLResolver._reverse_with_prefix).
SAFE = RFC3986_SUBDELIMS + "/~:@"
# A value each kind of converter accepts, unlikely to be part of any address by chance.
MARKERS = {
    "slug": "route-marker-{}",
    "str": "route-marker-{}",
    "path": "route-marker-{}",
    "int": "90817263{}",
    "isodate": "1{:03d}-01-01",
}


class Route:
    """route(**kwargs) == reverse(name, kwargs=kwargs), for a name whose arguments go through
    the converters named here: Route("meetings:meeting", slug="slug", date="isodate")."""

    def __init__(self, name, **converters):
        self.name = name
        self.converters = converters
        _routes.append(self)
        self._template = lru_cache(maxsize=8)(self._build)

    def __call__(self, **kwargs):
        template, converters = self._template(get_script_prefix())
        values = {}
        for key, converter, pattern in converters:
            text = str(converter.to_url(kwargs[key]))
            if not pattern.fullmatch(text):
                return reverse(self.name, kwargs=kwargs)
            values[key] = quote(text, safe=SAFE)
        return template.format_map(values)

    def _build(self, prefix):
        """The address with a {placeholder} per argument, and each argument's converter."""
        markers = {
            key: MARKERS[name].format(index)
            for index, (key, name) in enumerate(self.converters.items())
        }
        # Reversing first imports the URLconf, which registers its own converters.
        address = reverse(self.name, kwargs=markers)
        template = address.replace("{", "{{").replace("}", "}}")
        for key, marker in markers.items():
            if address.count(marker) != 1:
                raise ImproperlyConfigured(f"Route {self.name}: cannot place {key} in {address}.")
            template = template.replace(marker, "{" + key + "}")
        known = get_converters()
        converters = [
            (key, known[name], re.compile(known[name].regex))
            for key, name in self.converters.items()
        ]
        return template, converters


_routes = []


@receiver(setting_changed)
def _forget_templates(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        for route in _routes:
            route._template.cache_clear()
