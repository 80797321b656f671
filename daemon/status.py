"""`followup status`: the plan as a table for people, then one reason per application."""

from __future__ import annotations

from daemon.render import next_action, why_text
from daemon.wording import due, short_id, when
from policy.models import Action, ActionType, Application, Plan, Rule

# The rules whose why explains each kind of next step best.
_EXPLAINS = {
    ActionType.PREP: frozenset({Rule.INTERVIEW}),
    ActionType.THANK_YOU: frozenset(
        {
            Rule.THANK_YOU_HANDWRITTEN,
            Rule.THANK_YOU_EMAIL_PAPER,
            Rule.THANK_YOU_EMAIL,
            Rule.THANK_YOU_SENT,
            Rule.THANK_YOU_MARKED,
        }
    ),
    ActionType.FOLLOW_UP: frozenset(
        {
            Rule.AUTO_REPLY,
            Rule.FOLLOW_UP_SENT,
            Rule.FOLLOW_UP_NEW_DATE,
            Rule.FOLLOW_UP_DATELESS,
            Rule.FOLLOW_UP_AFTER_P,
            Rule.FOLLOW_UP_WEEK_AFTER,
            Rule.FOLLOW_UPS_EXHAUSTED,
        }
    ),
}
_CLOSES = frozenset({Rule.DECISION, Rule.NEXT_ROUND, Rule.STOPPED})


def _describe(action: Action) -> str:
    if action.type is ActionType.FOLLOW_UP:
        return f"follow-up {action.number}"
    if action.type is ActionType.THANK_YOU and action.channel is not None:
        return f"thank-you ({action.channel.value})"
    return action.type.value.replace("_", "-")


def reason(app: Application, upcoming: Action | None) -> str:
    """The one why line that best explains where the application stands."""
    if upcoming is None:
        wanted = _CLOSES if app.outcome else _CLOSES | {Rule.FOLLOW_UPS_EXHAUSTED}
    else:
        wanted = _EXPLAINS[upcoming.type]
    for why in reversed(app.why):
        if why.rule in wanted:
            return why_text(why)
    return why_text(app.why[-1]) if app.why else ""


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
