"""Background work for meetings: building agenda packs (django-tasks)."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from meetings.models import AgendaPack

logger = logging.getLogger(__name__)


@task()
def build_agenda_pack(pack_id):
    """Render and store the pack recorded as `pack_id`. The file is named by the hash of its
    contents, so an unchanged pack is never built twice."""
    from meetings import pdf

    pack = AgendaPack.objects.select_related("meeting__committee").get(pk=pack_id)
    if pack.status == AgendaPack.Status.READY:
        return pack.pk
    folder = "restricted/" if pack.restricted else ""
    name = f"{folder}{pdf.slug_for(pack.meeting)}-{pack.content_hash[:16]}.pdf"
    # A failed build, or a storage that cannot take the files (an object store out of reach),
    # is recorded, and retried on the next request for the pack.
    try:
        plan = pdf.plan_pack(pack.meeting, restricted=pack.restricted)
        built = pdf.build_pack(plan)
        pack.file.save(name, ContentFile(built.data), save=False)
        pack.front_sheet.save(
            name.replace(".pdf", "-agenda.pdf"), ContentFile(built.front_sheet), save=False
        )
    except Exception as error:
        logger.exception("Agenda pack %s failed", pack_id)
        pack.status, pack.error = AgendaPack.Status.FAILED, f"{type(error).__name__}: {error}"
        pack.save(update_fields=["status", "error"])
        return pack.pk
    pack.page_count = built.page_count
    pack.front_sheet_pages = built.front_sheet_pages
    pack.item_pages = {str(item): page for item, page in built.item_pages.items()}
    pack.layout = pdf.layout_key(plan.items)
    pack.status, pack.error = AgendaPack.Status.READY, ""
    pack.built_at = timezone.now()
    pack.save()
    return pack.pk
