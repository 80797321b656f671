"""`followup status`: the plan as a table for people."""

from __future__ import annotations

from daemon.render import next_action
from policy.models import ActionType, Plan


def _describe(action_type: ActionType, number: int | None) -> str:
    if action_type is ActionType.FOLLOW_UP:
        return f"follow-up {number}"
    return action_type.value.replace("_", "-")


def print_status(plan: Plan) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"followup — {plan.generated_at:%a %d %b %Y %H:%M %Z}", expand=False)
    for column in ("company", "interview", "state", "next action", "due", "why"):
        table.add_column(column, overflow="fold")
    for app in plan.applications:
        upcoming = next_action(app)
        state = app.state.value.replace("_", " ")
        if app.outcome:
            state += f" ({app.outcome.value.replace('_', ' ')})"
        starts = app.interview.start_at.astimezone(plan.generated_at.tzinfo)
        table.add_row(
            app.company,
            f"{app.interview.title}\n{starts:%a %d %b %H:%M}",
            state,
            _describe(upcoming.type, upcoming.number) if upcoming else "—",
            f"{upcoming.due_at:%a %d %b %H:%M}" if upcoming else "",
            "\n".join(app.why[-2:]),
        )
    console = Console()
    if not plan.applications:
        console.print("No interviews found in the calendar.")
        return
    console.print(table)
