"""Query parts every app's queries share."""

from django.db.models import OuterRef, Prefetch, Subquery


def public_key(model, field):
    """An annotation: the key held in `field` if its record is public by `model`'s public()."""
    return Subquery(model.objects.public().filter(pk=OuterRef(field)).values("pk")[:1])


def public_keys(relation, model, to_attr):
    """A Prefetch of the public records of a many-to-many `relation`, keys only, for a
    KeysField reading `to_attr`: links to unpublished records are not listed."""
    return Prefetch(
        relation, queryset=model.objects.public().only("pk").order_by("pk"), to_attr=to_attr
    )
