"""The board's rows: each application of the plan as its card's texts and the dated markers
of its strip (`daemon/board.py` draws them on an axis as HTML)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from daemon.render import next_action
from policy.models import (
    Action,
    ActionType,
    Application,
    Plan,
    Rule,
    Settings,
    State,
    Status,
    Timeline,
    Why,
)

_DECISION_GLYPH = {"offer": "✓", "rejected": "✗", "next_round": "→"}
GROUPS = (
    ("open", "In progress"),
    ("closed", "Closed"),
    ("dormant", "Dormant"),
)
_SOURCE = {
    "event": "the interview's notes",
    "email": "a reply",
    "default": "no timeline stated: the default",
    "user": "your mark",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Marker:
    """One dated thing on an application's strip (an action, P, a reply that moved the plan)."""

    kind: str  # interview | prep | thank_you | follow_up | promised | auto_reply | decision
    on: date
    status: str  # done | due | planned | cancelled for actions; "fact" for the rest
    glyph: str
    text: str
    key: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    interview_id: str
    company: str
    role: str
    when: str
    interviewers: tuple[str, ...]
    state: str
    outcome: str
    next_text: str
    promise_text: str
    markers: tuple[Marker, ...]


def rows_of(plan: Plan, settings: Settings) -> dict[str, list[Row]]:
    """Each application as a row, in plan order, grouped as the page shows them."""
    zone = settings.timezone
    now = plan.generated_at
    groups: dict[str, list[Row]] = {name: [] for name, _ in GROUPS}
    for app in plan.applications:
        groups[_group(app)].append(_row(app, settings, zone, now))
    return groups


def _group(app: Application) -> str:
    if app.outcome is not None and app.outcome.value == "dormant":
        return "dormant"
    return "closed" if app.state is State.CLOSED else "open"


def _row(app: Application, settings: Settings, zone: ZoneInfo, now: datetime) -> Row:
    interview = app.interview
    starts, ends = interview.start_at.astimezone(zone), interview.end_at.astimezone(zone)
    day, moment = _formats(now, zone)
    upcoming = next_action(app)
    if upcoming is not None:
        next_text = f"Next: {_label(upcoming)}, {moment(upcoming.due_at)}"
        next_text += f" ({_relative(upcoming.due_at, now, zone)})"
    elif app.state is State.WAITING_FOR_RECRUITER:
        next_text = (
            f"Nothing more planned: {app.followups_done} follow-ups sent, the next move is theirs"
        )
    else:
        next_text = "Nothing more planned"
    timeline = app.timeline
    promise = f"P {day(timeline.promised_on)} · “{timeline.text}” ({_source(timeline, day)})"
    return Row(
        interview_id=interview.interview_id,
        company=app.company,
        role=role_of(interview.title, app.company, settings.interview_keywords),
        when=f"{day(starts.date())} {starts:%H:%M}–{ends:%H:%M}"
        + ("" if starts.date() == ends.date() else f" ({day(ends.date())})"),
        interviewers=interviewers_of(app, settings),
        state=app.state.value.replace("_", " "),
        outcome=app.outcome.value.replace("_", " ") if app.outcome else "",
        next_text=next_text,
        promise_text=promise,
        markers=tuple(markers_of(app, zone, now)),
    )


def markers_of(app: Application, zone: ZoneInfo, now: datetime) -> list[Marker]:
    """The interview, every action, P, and the dated replies that changed the plan."""
    day, moment = _formats(now, zone)
    thanked_on = next((w.on for w in app.why if w.rule is Rule.THANK_YOU_SENT), None)
    found = [_interview_marker(app, zone, day)]
    found += [_action_marker(a, zone, now, day, moment, thanked_on) for a in app.actions]
    timeline = app.timeline
    found.append(
        _fact(
            "promised",
            timeline.promised_on,
            "P",
            f"P, the promised date, {day(timeline.promised_on)}: “{timeline.text}” "
            f"({_source(timeline, day)})",
        )
    )
    # The dates the plan states only in its why: an auto-reply's return, the decision.
    found += [m for why in app.why if (m := _why_marker(why, day)) is not None]
    return found


def _fact(kind: str, on: date, glyph: str, text: str) -> Marker:
    return Marker(kind=kind, on=on, status="fact", glyph=glyph, text=text)


def _interview_marker(app: Application, zone: ZoneInfo, day: Callable[[date], str]) -> Marker:
    interview = app.interview
    starts, ends = interview.start_at.astimezone(zone), interview.end_at.astimezone(zone)
    when = f"{day(starts.date())} {starts:%H:%M}–{ends:%H:%M}"
    return _fact("interview", starts.date(), "I", f"Interview: {interview.title}, {when}")


def _action_marker(
    action: Action,
    zone: ZoneInfo,
    now: datetime,
    day: Callable[[date], str],
    moment: Callable[[datetime], str],
    thanked_on: date | None,
) -> Marker:
    status = _status(action, now)
    label = _label(action)
    text = f"{label[0].upper()}{label[1:]}: {status}"
    if status == "done" and action.type is not ActionType.FOLLOW_UP:
        text += f" (due {moment(action.due_at)})"
        if action.type is ActionType.THANK_YOU and thanked_on:
            text += f", sent on {day(thanked_on)}"
    elif status == "done":
        text += f" on {moment(action.due_at)}"
    else:
        text += f", {moment(action.due_at)}"
    return Marker(
        kind=action.type.value,
        on=action.due_at.astimezone(zone).date(),
        status=status,
        glyph=_glyph(action),
        text=text,
        key=action.key,
    )


def _why_marker(why: Why, day: Callable[[date], str]) -> Marker | None:
    """An auto-reply's return or a decision, on its day; None for any other why."""
    if why.on is None:
        return None
    if why.rule is Rule.AUTO_REPLY:
        floor = f", so no follow-up before {day(why.due_on)}" if why.due_on else ""
        return _fact("auto_reply", why.on, "R", f"Auto-reply: away until {day(why.on)}{floor}")
    if why.rule is Rule.DECISION:
        glyph = _DECISION_GLYPH.get(why.text, "■")
        text = f"Decision: {why.text.replace('_', ' ')}, in a reply of {day(why.on)}"
        return _fact("decision", why.on, glyph, text)
    if why.rule is Rule.NEXT_ROUND:
        text = f"Next round: a later interview with the same company on {day(why.on)}"
        return _fact("decision", why.on, "→", text)
    return None


def _source(timeline: Timeline, day: Callable[[date], str]) -> str:
    """Where the statement that gave P came from, dated when it was a reply or a mark."""
    source = _SOURCE.get(timeline.source.value, timeline.source.value)
    if timeline.source.value in ("email", "user"):
        source += f" of {day(timeline.anchor_on)}"
    return source


def _formats(
    now: datetime, zone: ZoneInfo
) -> tuple[Callable[[date], str], Callable[[datetime], str]]:
    """Day and moment formats in the user's zone, naming the year only when it is not this one."""
    year = now.astimezone(zone).year
    return (lambda on: day_text(on, year)), (lambda at: _moment(at, zone, year))


def _status(action: Action, now: datetime) -> str:
    if action.status is Status.PENDING:
        return "due" if action.due_at <= now else "planned"
    return action.status.value


def _label(action: Action) -> str:
    if action.type is ActionType.FOLLOW_UP:
        return f"follow-up {action.number}"
    if action.type is ActionType.THANK_YOU and action.channel is not None:
        return f"thank-you ({action.channel.value})"
    return "prep reminder" if action.type is ActionType.PREP else action.type.value


def _glyph(action: Action) -> str:
    if action.type is ActionType.FOLLOW_UP:
        return f"F{action.number}"
    return "T" if action.type is ActionType.THANK_YOU else "p"


def role_of(title: str, company: str, keywords: Sequence[str]) -> str:
    """The part of the title that names neither the company nor the kind of interview
    ("Interview with Acme - Backend Engineer" → "Backend Engineer"), else the whole title."""
    folded = company.casefold()
    for part in re.split(r"\s+[-–—|]\s+|:\s+|\s*[()]\s*", title):
        part = part.strip(" -–—|:")
        lowered = part.casefold()
        if not part or folded in lowered or any(k.casefold() in lowered for k in keywords):
            continue
        return part
    return title


def interviewers_of(app: Application, settings: Settings) -> tuple[str, ...]:
    """The organizer and attendees who are not me, by name where the calendar has one."""
    people = []
    if app.interview.organizer is not None:
        people.append((app.interview.organizer.email, app.interview.organizer.name))
    people += [(a.email, a.name) for a in app.interview.attendees if a.response != "declined"]
    seen: set[str] = set()
    names = []
    for email, name in people:
        if email.lower() in settings.me or email.lower() in seen:
            continue
        seen.add(email.lower())
        names.append(name or email)
    return tuple(names)


def day_text(on: date, year: int | None = None) -> str:
    """ "Tue 1 Dec", with the year when it is not `year` (this year)."""
    return f"{on:%a} {on.day} {on:%b}" + ("" if year in (None, on.year) else f" {on.year}")


def _moment(at: datetime, zone: ZoneInfo, year: int | None = None) -> str:
    local = at.astimezone(zone)
    return f"{day_text(local.date(), year)} {local:%H:%M}"


def _relative(at: datetime, now: datetime, zone: ZoneInfo) -> str:
    days = (at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if at <= now:
        if days == 0:
            return "due now"
        return "due since yesterday" if days == -1 else f"due for {-days} days"
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"
