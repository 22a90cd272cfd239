from django.http import HttpResponse
from django.shortcuts import render

from delivery_plans import pdf, queries
from delivery_plans.filters import ActionFilter


def plan_list(request):
    return render(request, "delivery_plans/plan_list.html", {"plans": queries.plans()})


def plan_detail(request, slug):
    plan = queries.plan_for(slug)
    actions = queries.plan_actions(plan)
    everything = list(actions)
    action_filter = ActionFilter(request.GET, queryset=actions, plan=plan)
    filtered = list(action_filter.qs) if action_filter.is_valid() else everything
    return render(
        request,
        "delivery_plans/plan_detail.html",
        {
            "plan": plan,
            "summary": queries.summarise(everything),
            "filter": action_filter,
            "actions": filtered,
            "filtered": bool(request.GET) and len(filtered) != len(everything),
        },
    )


def plan_distance(request, slug):
    plan = queries.plan_for(slug)
    actions = list(queries.plan_actions(plan))
    return render(
        request,
        "delivery_plans/plan_distance.html",
        {
            "plan": plan,
            "summary": queries.summarise(actions),
            "groups": queries.distance_groups(actions, queries.sections_of(plan)),
        },
    )


def action_detail(request, slug, number):
    page = queries.action_page(slug, number)
    return render(
        request, "delivery_plans/action_detail.html", {"page": page, "action": page.action}
    )


def plan_report_pdf(request, slug):
    plan = queries.plan_for(slug)
    filename, data = pdf.render_plan_report(plan)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
