"""The plan as INTERFACE.md's JSON, and as a table for people."""

from __future__ import annotations

from typing import Any

from policy.models import Action, Application, Plan, Rule, Status, Why


def plan_to_json(plan: Plan, *, drafts: bool = True) -> dict[str, Any]:
    return {
        "generated_at": plan.generated_at.isoformat(),
        "applications": [_application(app, drafts) for app in plan.applications],
    }


def _application(app: Application, drafts: bool) -> dict[str, Any]:
    zone = app.interview.start_at.tzinfo
    tz = app.actions[0].due_at.tzinfo if app.actions else zone
    return {
        "interview": {
            "id": app.interview.interview_id,
            "title": app.interview.title,
            "start": app.interview.start_at.astimezone(tz).isoformat(),
            "end": app.interview.end_at.astimezone(tz).isoformat(),
        },
        "company": app.company,
        "state": app.state.value,
        "outcome": app.outcome.value if app.outcome else None,
        "timeline": {
            "text": app.timeline.text,
            "source": app.timeline.source.value,
            "promised": app.timeline.promised_on.isoformat(),
        },
        "followups_done": app.followups_done,
        "actions": [_action(action, drafts) for action in app.actions],
        "why": why_lines(app),
    }


def _action(action: Action, drafts: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": action.type.value}
    if action.number is not None:
        out["number"] = action.number
    if action.channel is not None:
        out["channel"] = action.channel.value
    out["due"] = action.due_at.isoformat()
    out["status"] = action.status.value
    if action.status is Status.DONE and action.done_at is not None:
        out["done_at"] = action.done_at.isoformat()
    out["key"] = action.key
    if drafts and action.draft is not None and action.status is Status.PENDING:
        draft = action.draft
        out["draft"] = {"to": list(draft.to), "subject": draft.subject, "body": draft.body}
        if draft.thread_id:
            out["draft"]["thread_id"] = draft.thread_id
    return out


def next_action(app: Application) -> Action | None:
    pending = [a for a in app.actions if a.status is Status.PENDING]
    return min(pending, key=lambda a: a.due_at) if pending else None


def why_lines(app: Application) -> list[str]:
    """The plan's `why`, one line per rule that fired (INTERFACE.md: a list of strings)."""
    return [why_text(why) for why in app.why]


def why_text(why: Why) -> str:
    """One rule's figures in words."""
    n, on, p, due = why.count, why.on, why.promised_on, why.due_on
    match why.rule:
        case Rule.INTERVIEW:
            return why.text
        case Rule.MAIL:
            return f"mail: {n} thread(s) with the recruiter side"
        case Rule.TIMELINE_MARK:
            return f"timeline: your mark '{why.text}' from {on} gives P {p}"
        case Rule.TIMELINE_NOTE:
            return f"timeline: '{why.text}' in the interview's notes of {on} gives P {p}"
        case Rule.TIMELINE_EMAIL:
            return f"timeline: '{why.text}' in an email of {on} gives P {p}"
        case Rule.TIMELINE_DEFAULT:
            return (
                f"timeline: none stated, so the default '{why.text}' from the "
                f"interview ({on}) gives P {p}"
            )
        case Rule.STOPPED:
            return "closed: you stopped tracking it"
        case Rule.DECISION:
            return f"decision: {why.text.replace('_', ' ')} in a reply of {on}"
        case Rule.NEXT_ROUND:
            return f"next round: a later interview with the same company on {on}"
        case Rule.DORMANT:
            return f"dormant: nothing since {on}, more than {n} days ago, so nothing is planned"
        case Rule.THANK_YOU_HANDWRITTEN:
            return f"thank-you: handwritten, since the culture is paper and P is {n} days away"
        case Rule.THANK_YOU_EMAIL_PAPER:
            return f"thank-you: email although the culture is paper, since P is only {n} days away"
        case Rule.THANK_YOU_EMAIL:
            return "thank-you: by email, to the interviewers, an hour after the end"
        case Rule.THANK_YOU_SENT:
            return f"thank-you: sent on {on}"
        case Rule.THANK_YOU_MARKED:
            return "thank-you: you marked it done"
        case Rule.FOLLOW_UP_SENT:
            return f"follow-up {n}: sent {on}"
        case Rule.FOLLOW_UP_NEW_DATE:
            return (
                f"follow-up {n}: moved to {due}, the business day after the date "
                f"given on {on} ({p})"
            )
        case Rule.FOLLOW_UP_DATELESS:
            return f"follow-up {n}: a reply without a date on {on}, so wait a full week"
        case Rule.FOLLOW_UP_AFTER_P:
            return f"follow-up {n}: due {due}, the business day after P"
        case Rule.FOLLOW_UP_WEEK_AFTER:
            return f"follow-up {n}: due {due}, a full week after follow-up {(n or 1) - 1}"
        case Rule.FOLLOW_UPS_EXHAUSTED:
            return f"follow-ups: {n} sent with no decision, so wait for the recruiter"
        case Rule.AUTO_REPLY:
            return f"auto-reply: away until {on}, so no follow-up before {due}"
        case Rule.MAYBE_DECISION:
            day = f"{on:%b} {on.day}" if on else "?"
            return f"follow-up: a reply on {day} may be a decision: read it"
