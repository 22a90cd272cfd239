from django.conf import settings

# Which item of the service navigation a page belongs to, by URL name.
NAV_SECTIONS = {
    "home": "home",
    "committees": "meetings",
    "committee": "meetings",
    "meeting": "meetings",
    "decisions": "meetings",
    "calendar_month": "meetings",
    "people": "meetings",
    "person": "meetings",
    "questions": "questions",
    "outstanding": "outstanding",
    "search": "search",
    "frameworks": "outcomes",
    "framework": "outcomes",
    "outcome": "outcomes",
    "measure": "outcomes",
    "plans": "plans",
    "plan": "plans",
    "distance": "plans",
    "action": "plans",
}


def site(request):
    match = getattr(request, "resolver_match", None)
    return {
        "site_name": settings.SITE_NAME,
        "site_phase": settings.SITE_PHASE,
        "feedback_email": settings.FEEDBACK_EMAIL,
        "nav_section": NAV_SECTIONS.get(match.url_name) if match else None,
    }
