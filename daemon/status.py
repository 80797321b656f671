"""`followup status`: the plan as a table for people, then one reason per application."""

from __future__ import annotations

from daemon.render import next_action
from daemon.wording import due, short_id, when
from policy.models import Action, ActionType, Application, Plan

# The why line that explains each kind of next step best starts with one of these.
_EXPLAINS = {
    ActionType.PREP: ("interview:",),
    ActionType.THANK_YOU: ("thank-you:",),
    ActionType.FOLLOW_UP: ("auto-reply:", "follow-up", "follow-ups:"),
}
_CLOSES = ("decision:", "next round:", "closed:")


def _describe(action: Action) -> str:
    if action.type is ActionType.FOLLOW_UP:
        return f"follow-up {action.number}"
    if action.type is ActionType.THANK_YOU and action.channel is not None:
        return f"thank-you ({action.channel.value})"
    return action.type.value.replace("_", "-")


def reason(app: Application, upcoming: Action | None) -> str:
    """The one why line that best explains where the application stands."""
    wanted: tuple[str, ...]
    if upcoming is None:
        wanted = _CLOSES if app.outcome else ("follow-ups:", *_CLOSES)
    else:
        wanted = _EXPLAINS[upcoming.type]
    for line in reversed(app.why):
        if line.startswith(wanted):
            return line
    return app.why[-1] if app.why else ""


def print_status(plan: Plan) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not plan.applications:
        console.print("No interviews found in the calendar.")
        return
    zone = plan.generated_at.tzinfo
    table = Table(title=f"followup — {plan.generated_at:%a %d %b %Y %H:%M %Z}")
    for column in ("company", "interview", "state", "next", "due"):
        table.add_column(column, overflow="fold")
    reasons = []
    for app in plan.applications:
        upcoming = next_action(app)
        state = app.state.value.replace("_", " ")
        if app.outcome:
            state += f" ({app.outcome.value.replace('_', ' ')})"
        now = plan.generated_at
        table.add_row(
            app.company,
            when(app.interview.start_at, zone, now) if zone else "",
            state,
            _describe(upcoming) if upcoming else "—",
            due(upcoming.due_at, zone, now) if upcoming and zone else "",
        )
        reasons.append(
            f"{app.company} ({short_id(app.interview.interview_id)}): {reason(app, upcoming)}"
        )
    console.print(table)
    console.print("Why:", style="bold")
    for line in reasons:
        console.print(f"  {line}", highlight=False)
