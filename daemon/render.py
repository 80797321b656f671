"""The plan as INTERFACE.md's JSON, and as a table for people."""

from __future__ import annotations

from typing import Any

from daemon.wording import plural
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


# How each rule reads; the fields are filled by `why_text`.
_WORDING = {
    Rule.INTERVIEW: "{text}",
    Rule.MAIL: "mail: {threads} with the recruiter side",
    Rule.TIMELINE_MARK: "timeline: your mark '{text}' from {on} gives P {p}",
    Rule.TIMELINE_NOTE: "timeline: '{text}' in the interview's notes of {on} gives P {p}",
    Rule.TIMELINE_EMAIL: "timeline: '{text}' in an email of {on} gives P {p}",
    Rule.TIMELINE_DEFAULT: (
        "timeline: none stated, so the default '{text}' from the interview ({on}) gives P {p}"
    ),
    Rule.STOPPED: "closed: you stopped tracking it",
    Rule.DECISION: "decision: {words} in a reply of {on}",
    Rule.NEXT_ROUND: "next round: a later interview with the same company on {on}",
    Rule.DORMANT: "dormant: nothing since {on}, more than {n} days ago, so nothing is planned",
    Rule.THANK_YOU_HANDWRITTEN: (
        "thank-you: handwritten, since the culture is paper and P is {n} days away"
    ),
    Rule.THANK_YOU_EMAIL_PAPER: (
        "thank-you: email although the culture is paper, since P is only {n} days away"
    ),
    Rule.THANK_YOU_EMAIL: "thank-you: by email, to the interviewers, an hour after the end",
    Rule.THANK_YOU_SENT: "thank-you: sent on {on}",
    Rule.THANK_YOU_MARKED: "thank-you: you marked it done",
    Rule.FOLLOW_UP_SENT: "follow-up {n}: sent {on}",
    Rule.FOLLOW_UP_NEW_DATE: (
        "follow-up {n}: moved to {due}, the business day after the date given on {on} ({p})"
    ),
    Rule.FOLLOW_UP_DATELESS: "follow-up {n}: a reply without a date on {on}, so wait a full week",
    Rule.FOLLOW_UP_AFTER_P: "follow-up {n}: due {due}, the business day after P",
    Rule.FOLLOW_UP_WEEK_AFTER: "follow-up {n}: due {due}, a full week after follow-up {before}",
    Rule.FOLLOW_UPS_EXHAUSTED: "follow-ups: {n} sent with no decision, so wait for the recruiter",
    Rule.AUTO_REPLY: "auto-reply: away until {on}, so no follow-up before {due}",
    Rule.MAYBE_DECISION: "follow-up: a reply on {day} may be a decision: read it",
}


def why_text(why: Why) -> str:
    """One rule's figures in words."""
    on = why.on
    return _WORDING[why.rule].format(
        text=why.text,
        words=why.text.replace("_", " "),
        n=why.count,
        before=(why.count or 1) - 1,
        threads=plural(why.count or 0, "thread"),
        on=on,
        day=f"{on:%b} {on.day}" if on else "?",
        p=why.promised_on,
        due=why.due_on,
    )
