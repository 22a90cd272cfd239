import errno
import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

# The disk is full, or the site's share of it is.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT}


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files whose JavaScript module imports are rewritten too.

    The site's module imports GOV.UK Frontend by a relative path; with this on, the import
    points at the hashed file name, so the two are cached and replaced together.
    """

    support_js_module_import_aggregation = True


class UploadNotStored(Exception):
    """An uploaded file the storage could not take; nothing of it was kept. The message is
    for the officer who uploaded it."""


def store_upload(field_file, upload):
    """Store `upload` as the file of `field_file`'s record, under the name saving the record
    would give it, and return that name.

    A write that fails part way (a full disk) leaves part of a file behind, which Django does
    not remove: it is removed here, and the failure raised as UploadNotStored.
    """
    field, storage = field_file.field, field_file.storage
    name = storage.get_available_name(
        field.generate_filename(field_file.instance, upload.name), max_length=field.max_length
    )
    try:
        stored = storage.save(name, upload, max_length=field.max_length)
    except OSError as error:
        logger.error("Upload %s could not be stored: %s", name, error)
        discard(storage, name)
        if error.errno in NO_ROOM:
            reason = (
                "the server has no room left for files. Tell the site’s administrator, and "
                "upload it again once they have made room."
            )
        else:
            reason = (
                f"the server could not write it ({error.strerror}). Tell the site’s administrator."
            )
        raise UploadNotStored(f"The file “{upload.name}” could not be stored: {reason}") from error
    setattr(field_file.instance, field.attname, stored)
    return stored


def discard(storage, name):
    """Remove a stored file that no record will hold."""
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:
        logger.exception("%s could not be removed from storage", name)
