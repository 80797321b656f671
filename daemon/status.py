"""`followup status`: the plan as a table for people, then one reason per application."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from daemon.render import most_useful, next_action, why_text
from daemon.wording import due, short_id, when
from policy.models import Action, ActionType, Application, Outcome, Plan, Rule


def _describe(action: Action) -> str:
    if action.type is ActionType.FOLLOW_UP:
        return f"follow-up {action.number}"
    if action.type is ActionType.THANK_YOU and action.channel is not None:
        return f"thank-you ({action.channel.value})"
    return action.type.value.replace("_", "-")


def reason(app: Application) -> str:
    """The one why line that best explains where the application stands: the one `explain`
    shows first (daemon/render.py `most_useful`), else the latest."""
    best = most_useful(app) or (app.why[-1] if app.why else None)
    return why_text(best) if best else ""


def is_dormant(app: Application) -> bool:
    """Old and quiet (POLICY.md "Old interviews"), whatever closed it first."""
    return any(why.rule is Rule.DORMANT for why in app.why)


def _month_and_outcome(app: Application, zone: tzinfo | None) -> str:
    """ "Mar 2024", or "Mar 2024, rejected" when something else closed it first."""
    month = f"{app.interview.start_at.astimezone(zone):%b %Y}"
    if app.outcome is None or app.outcome is Outcome.DORMANT:
        return month
    return f"{month}, {app.outcome.value.replace('_', ' ')}"


def dormant_line(apps: Sequence[Application], zone: tzinfo | None, *, shown: int = 8) -> str:
    """One line for the dormant applications: company and month, the newest first."""
    newest = sorted(apps, key=lambda a: a.interview.start_at, reverse=True)
    names = [f"{a.company} ({_month_and_outcome(a, zone)})" for a in newest]
    listed = ", ".join(names[:shown]) + (
        f" and {len(names) - shown} more" if len(names) > shown else ""
    )
    days = next((w.count for a in apps for w in a.why if w.rule is Rule.DORMANT), None)
    quiet = f"quiet more than {days} days" if days is not None else "quiet"
    return (
        f"Dormant, nothing planned ({quiet}): {len(apps)}: {listed}. "
        "`followup status --all` shows them in the table."
    )


def print_status(plan: Plan, *, show_all: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not plan.applications:
        console.print("No interviews found in the calendar.")
        return
    zone = plan.generated_at.tzinfo
    dormant = [] if show_all else [a for a in plan.applications if is_dormant(a)]
    shown = [a for a in plan.applications if show_all or not is_dormant(a)]
    if shown:
        _print_table(console, Table, shown, plan, zone)
    else:
        console.print("Nothing planned: every interview is dormant.")
    if dormant:
        console.print(dormant_line(dormant, zone), highlight=False, soft_wrap=True)


def _print_table(
    console: Any, table_type: Any, apps: Sequence[Application], plan: Plan, zone: tzinfo | None
) -> None:
    table = table_type(title=f"followup — {plan.generated_at:%a %d %b %Y %H:%M %Z}")
    for column in ("company", "interview", "state", "next", "due"):
        table.add_column(column, overflow="fold")
    reasons = []
    for app in apps:
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
        reasons.append(f"{app.company} ({short_id(app.interview.interview_id)}): {reason(app)}")
    console.print(table)
    console.print("Why:", style="bold")
    for line in reasons:
        console.print(f"  {line}", highlight=False)
