"""Query parts every app's queries share."""

from django.core.paginator import Paginator
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


HISTORY_PER_PAGE = 20
# A subject's actions (a plan's, or those serving an outcome) are listed this many a page.
ACTIONS_PER_PAGE = 50


def considered(items, page=None):
    """The public agenda items among `items` (a queryset of the meetings layer, reached
    through a reverse relation, so the layers below it never import it), oldest meeting first, each
    with its meeting and committee and its public minutes with their decisions: every
    meeting that considered a plan, an action or an outcome, in order. One page of them
    (`page`, a number as given in the address; HISTORY_PER_PAGE to a page), as a Django
    Page: a plan discussed at hundreds of meetings is read and written 50 at a time.

    The public items' keys are read once, in order, and paged; only the page's items are
    read with their meetings, minutes and decisions (four queries). Counting the items and
    sorting all of them with every column, as paging a queryset does, cost twice as much."""
    model = items.model
    minutes = model._meta.get_field("minutes").related_model
    resolutions = minutes._meta.get_field("resolutions").related_model
    keys = list(
        items.public().order_by("meeting__starts_at", "sort_key", "pk").values_list("pk", flat=True)
    )
    page = Paginator(keys, HISTORY_PER_PAGE).get_page(page)
    shown = (
        model.objects.filter(pk__in=page.object_list)
        .select_related("meeting__committee")
        # What the table shows and links to: not the items' and meetings' search vectors
        # and long texts.
        .only(
            "number",
            "title",
            "meeting__starts_at",
            "meeting__committee__slug",
            "meeting__committee__name",
            "meeting__committee__short_name",
        )
        .prefetch_related(
            Prefetch(
                "minutes",
                queryset=minutes.objects.public()
                .only("pk", "meeting_id", "agenda_item_id", "number", "heading")
                .order_by("sort_key")
                .prefetch_related(
                    Prefetch(
                        "resolutions",
                        queryset=resolutions.objects.public()
                        .only("pk", "minute_id", "order", "verb", "text")
                        .order_by("order", "pk"),
                    )
                ),
            )
        )
        .in_bulk()
    )
    # An item deleted since its key was read is left out.
    page.object_list = [shown[key] for key in page.object_list if key in shown]
    return page
