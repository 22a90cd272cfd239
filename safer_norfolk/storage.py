from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files whose JavaScript module imports are rewritten too.

    The site's module imports GOV.UK Frontend by a relative path; with this on, the import
    points at the hashed file name, so the two are cached and replaced together.
    """

    support_js_module_import_aggregation = True
