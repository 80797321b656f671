"""The plan as INTERFACE.md's JSON, and as a table for people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from daemon.wording import plural
from policy.models import Action, ActionType, Application, Plan, Rule, Status, Why


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


# The rules that close an application; the planner puts the one that closed it first.
_CLOSES = frozenset({Rule.DECISION, Rule.NEXT_ROUND, Rule.STOPPED, Rule.DORMANT})
_TIMELINES = frozenset(
    {Rule.TIMELINE_MARK, Rule.TIMELINE_NOTE, Rule.TIMELINE_EMAIL, Rule.TIMELINE_DEFAULT}
)
_THANK_YOU_CHANNEL = frozenset(
    {Rule.THANK_YOU_HANDWRITTEN, Rule.THANK_YOU_EMAIL_PAPER, Rule.THANK_YOU_EMAIL}
)
# A follow-up's due, set by a reply (a new date, none) or counted from the one before it.
_SETS_FOLLOW_UP = frozenset(
    {Rule.FOLLOW_UP_NEW_DATE, Rule.FOLLOW_UP_DATELESS, Rule.FOLLOW_UP_WEEK_AFTER}
)


def most_useful(app: Application) -> Why | None:
    """The why line that answers the question a person has on looking at the application:
    "why is it closed?" once it is, else "why is the next thing due when it is?".

    In that order, the first that applies:
    1. closed: the rule that closed it (the decision, the next round, the stop mark, or
       dormancy when nothing else closed it first);
    2. a reply that may state a decision: reading it is what is next;
    3. the next action is a follow-up: an auto-reply that pushed it back; else the rule
       that set its due (a reply's new date, a dateless reply, a week after the last one);
       else, due the business day after P, the statement (or default) that set P;
    4. the next action is the thank-you: how it is sent (email, handwritten);
       the next is the prep: why the event is an interview;
    5. nothing pending: the follow-ups are used up, so it waits for the recruiter.
    None when no rule fired that answers it (the lines then stand in time order alone).
    """
    if app.outcome is not None:
        return next((w for w in app.why if w.rule in _CLOSES), None)
    upcoming = next_action(app)
    tests: list[Callable[[Why], bool]] = [lambda w: w.rule is Rule.MAYBE_DECISION]
    if upcoming is None:
        tests.append(lambda w: w.rule is Rule.FOLLOW_UPS_EXHAUSTED)
    elif upcoming.type is ActionType.FOLLOW_UP:
        number = upcoming.number
        tests.append(lambda w: w.rule is Rule.AUTO_REPLY)
        tests.append(lambda w: w.rule in _SETS_FOLLOW_UP and w.count == number)
        tests.append(lambda w: w.rule in _TIMELINES)
    elif upcoming.type is ActionType.THANK_YOU:
        tests.append(lambda w: w.rule in _THANK_YOU_CHANNEL)
    else:
        tests.append(lambda w: w.rule is Rule.INTERVIEW)
    for test in tests:
        found = [w for w in app.why if test(w)]
        if found:
            return found[-1]
    return None


def useful_first(app: Application) -> list[Why]:
    """The application's why lines with `most_useful` first, the rest in time order: by the
    date each speaks of (the interview's day for the lines about the interview itself), the
    planner's order among lines of the same day, and lines of no date after the line they
    followed."""
    first = most_useful(app)
    interview_on = app.interview.start_at.date()
    dated: list[tuple[date, int, Why]] = []
    last = interview_on
    for index, why in enumerate(app.why):
        last = why.on or why.due_on or (interview_on if why.rule in _AT_INTERVIEW else last)
        dated.append((last, index, why))
    rest = [why for _, _, why in sorted(dated, key=lambda item: item[:2]) if why is not first]
    return [first, *rest] if first is not None else rest


# Lines about the interview itself: they speak of its day.
_AT_INTERVIEW = frozenset({Rule.INTERVIEW, Rule.MAIL, *_THANK_YOU_CHANNEL})


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
