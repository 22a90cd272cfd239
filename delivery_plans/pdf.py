"""The plan report: the plan's actions by section in the seed papers' table layout
(N / action / success measure / owner / date / latest update / RAG), fed by
`delivery_plans.queries`."""

from django.utils import timezone

from delivery_plans import queries
from safer_norfolk.pdf import render_html, render_pdf
from safer_norfolk.text import render_markdown


def report_context(plan):
    actions = list(queries.report_actions(plan))
    for action in actions:
        update = action.published_updates[0] if action.published_updates else None
        action.latest_update_html = render_markdown(update.text) if update else ""
        action.latest_update = update
    sections = queries.sections_of(plan)
    return {
        "title": f"{plan.title}: progress report",
        "plan": plan,
        "today": timezone.localdate(),
        "summary": queries.summarise(plan, sections),
        "groups": queries.distance_groups_in_number_order(actions, sections),
        "numbering": "document",
        "landscape": True,
    }


def render_plan_report(plan):
    """(filename, bytes)."""
    return f"{plan.slug}-report.pdf", render_pdf(
        render_html("delivery_plans/pdf/plan_report.html", report_context(plan))
    )
