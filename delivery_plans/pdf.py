"""The plan report: the plan's actions by section in the seed papers' table layout
(N / action / success measure / owner / date / latest update / RAG), fed by
`delivery_plans.queries`."""

from django.utils import timezone

from delivery_plans import queries
from delivery_plans.models import ActionUpdate
from safer_norfolk.pdf import render_html, render_pdf
from safer_norfolk.text import render_markdown

PROGRESS, NEXT_STEPS = ActionUpdate.Kind.PROGRESS, ActionUpdate.Kind.NEXT_STEPS


def report_context(plan):
    actions = list(queries.report_actions(plan))
    for action in actions:
        # The latest progress update, and the next steps written after it (a plan's "Year 3
        # proposed actions" are not an update of its progress, and do not hide the one before).
        update = next((u for u in action.published_updates if u.kind == PROGRESS), None)
        action.latest_update_html = render_markdown(update.text) if update else ""
        action.latest_update = update
        steps = next((u for u in action.published_updates if u.kind == NEXT_STEPS), None)
        if steps is not None and update is not None and _before(steps, update):
            steps = None
        action.next_steps = steps
        action.next_steps_html = render_markdown(steps.text) if steps else ""
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


def _before(one, other):
    """Whether update `one` came before `other`, in the order updates are listed."""
    return (one.reported_on, one.pk) < (other.reported_on, other.pk)


def render_plan_report(plan):
    """(filename, bytes)."""
    return f"{plan.slug}-report.pdf", render_pdf(
        render_html("delivery_plans/pdf/plan_report.html", report_context(plan))
    )
