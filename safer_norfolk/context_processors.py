from django.conf import settings


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_phase": settings.SITE_PHASE,
        "feedback_email": settings.FEEDBACK_EMAIL,
    }
