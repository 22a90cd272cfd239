from django.http import FileResponse
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
    preview = can_preview(request.user) and request.GET.get("preview") == "1"
    page = queries.meeting_page(slug, date, preview=preview)
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
