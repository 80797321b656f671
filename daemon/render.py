"""The plan as INTERFACE.md's JSON, and as a table for people."""

from __future__ import annotations

from typing import Any

from policy.models import Action, Application, Plan, Status


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
        "why": list(app.why),
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
