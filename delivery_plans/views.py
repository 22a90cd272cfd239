import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from delivery_plans import pdf, queries
from delivery_plans.filters import ActionFilter
from delivery_plans.models import NO_DAY
from safer_norfolk import page_cache
from safer_norfolk.exports import safe_row
from safer_norfolk.models import RenderedDocument
from safer_norfolk.queries import ACTIONS_PER_PAGE


def plan_list(request):
    return render(request, "delivery_plans/plan_list.html", {"plans": queries.plans()})


def plan_detail(request, slug):
    plan = queries.plan_for(slug)
    actions = queries.plan_actions(plan)
    action_filter = ActionFilter(request.GET, queryset=actions, plan=plan)
    narrowed = action_filter.is_valid() and any(
        value not in (None, "", []) for value in action_filter.form.cleaned_data.values()
    )
    summary = queries.summarise(plan, queries.sections_of(plan))
    # The counts above cover the whole plan; the table shows one page of the actions.
    listed = Paginator(action_filter.qs if narrowed else actions, ACTIONS_PER_PAGE)
    return render(
        request,
        "delivery_plans/plan_detail.html",
        {
            "plan": plan,
            "summary": summary,
            "filter": action_filter,
            "actions": listed.get_page(request.GET.get("actions_page")),
            "filtered": narrowed and listed.count != summary.plan.total,
        },
    )


def plan_meetings(request, slug):
    plan = queries.plan_for(slug)
    history = queries.plan_history(plan, request.GET.get("page"))
    return render(request, "delivery_plans/plan_meetings.html", {"plan": plan, "history": history})


def plan_distance(request, slug):
    plan = queries.plan_for(slug)
    actions = list(queries.plan_actions(plan))
    sections = queries.sections_of(plan)
    return render(
        request,
        "delivery_plans/plan_distance.html",
        {
            "plan": plan,
            # Counted from the actions the page lists, all of them: the plan page's summary
            # (summarise) counts in the database because it lists one page of them.
            "tally": queries.tally_of(actions),
            "groups": queries.distance_groups(actions, sections),
        },
    )


def action_detail(request, slug, number):
    page = queries.action_page(slug, number, page=request.GET.get("page"))
    return render(
        request, "delivery_plans/action_detail.html", {"page": page, "action": page.action}
    )


def plan_report_pdf(request, slug):
    """Made once per content version and day, and kept (safer_norfolk.page_cache)."""
    plan = queries.plan_for(slug)
    return page_cache.document_response(
        request,
        kind=RenderedDocument.Kind.PLAN_REPORT,
        key=plan.pk,
        render=lambda: pdf.render_plan_report(plan),
    )


def plan_actions_csv(request, slug):
    """The plan's actions with their current RAG and distance, filtered as on the plan page."""
    plan = queries.plan_for(slug)
    action_filter = ActionFilter(request.GET, queryset=queries.plan_actions(plan), plan=plan)
    actions = action_filter.qs if action_filter.is_valid() else queries.plan_actions(plan)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-actions.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Number", "Section", "Action", "Success measure", "Owners", "Owner as written", "Date as written", "Due by",
         "Stage", "RAG", "Distance to the success measure", "Last update", "Overdue", "No recent update"]
    )  # fmt: skip
    for action in actions:
        writer.writerow(
            safe_row(
                [
                    action.number,
                    str(action.section) if action.section else "",
                    action.title,
                    action.success_measure_shown,
                    "; ".join(owner.name for owner in action.owner_list),
                    action.owner_note,
                    action.due_text,
                    action.due_date or "",
                    action.get_stage_display(),
                    action.current_rag or "not_assessed",
                    action.current_distance or "not_assessed",
                    action.last_update_on if action.last_update_day_given else NO_DAY,
                    "yes" if action.is_overdue else "no",
                    "yes" if action.is_stale else "no",
                ]
            )
        )
    return response
