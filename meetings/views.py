from django.http import FileResponse, Http404
from django.shortcuts import render

from meetings import queries


def can_preview(user):
    """Officers may see unpublished meetings; every such page says it is a preview."""
    return user.is_active and user.is_staff and user.has_perm("meetings.view_meeting")


def home(request):
    return render(request, "home.html", queries.home_meetings())


def committee_list(request):
    return render(request, "meetings/committee_list.html", {"committees": queries.committees()})


def committee_detail(request, slug):
    return render(request, "meetings/committee_detail.html", {"page": queries.committee_page(slug)})


def meeting_detail(request, slug, date):
    officer = can_preview(request.user)
    preview = officer and request.GET.get("preview") == "1"
    try:
        page = queries.meeting_page(slug, date, preview=preview)
    except Http404:
        if not officer or preview:
            raise
        # An officer following "View on site" from the admin sees the unpublished meeting as a preview.
        page = queries.meeting_page(slug, date, preview=True)
    return render(request, "meetings/meeting_detail.html", {"page": page, "meeting": page.meeting})


def document_download(request, pk):
    document = queries.public_document(pk)
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=document.file.name.rsplit("/", 1)[-1],
    )


def written_question_list(request):
    status = request.GET.get("status")
    if status not in dict(queries.QuestionStatus.CHOICES):
        status = None
    questions, counts = queries.written_questions(status)
    return render(
        request,
        "meetings/written_question_list.html",
        {
            "questions": questions,
            "counts": counts,
            "status": status,
            "statuses": queries.QuestionStatus.CHOICES,
        },
    )
