"""`followup board`: the plan as one self-contained HTML page, every application on one date axis.

The page is drawn from the `Plan` the other commands print (no second planner): the actions
with their keys, dates and statuses, P and its statement, and, from its `Why` records, what
it dates nowhere else (an auto-reply's return, the day of a decision). It loads nothing:
inline CSS, no script, and a Content-Security-Policy that forbids every fetch, because it
holds names and mail text.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

from daemon.render import next_action, plan_to_json
from policy.errors import WriteError
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
)

logger = logging.getLogger(__name__)

# Beside this module (pyproject's package-data), found by path: under pytest's importlib
# mode the name "daemon" can resolve to tests/daemon/.
_TEMPLATE = Path(__file__).with_name("templates") / "board.html"

# Lanes of a strip, top to bottom, so that what falls on one day does not overlap: the
# interview day holds the prep reminder, the interview and the thank-you.
_LANE = {
    "interview": 0,
    "decision": 0,
    "prep": 1,
    "auto_reply": 1,
    "thank_you": 2,
    "follow_up": 2,
    "promised": 3,
}
_DECISION_GLYPH = {"offer": "✓", "rejected": "✗", "next_round": "→"}
_GROUPS = (
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


class BoardError(WriteError):
    """The page could not be written."""


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Axis:
    """Whole days from `start_on` to `end_on` inclusive; Monday to Sunday in the week scale."""

    start_on: date
    end_on: date
    scale: str  # week | month | year

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1

    def percent(self, on: date) -> float:
        """The centre of day `on`, in percent of the strip's width."""
        return ((on - self.start_on).days + 0.5) / self.days * 100


# --- from the plan to rows ------------------------------------------------------------------


def rows_of(plan: Plan, settings: Settings) -> dict[str, list[Row]]:
    """Each application as a row, in plan order, grouped as the page shows them."""
    zone = settings.timezone
    now = plan.generated_at
    groups: dict[str, list[Row]] = {name: [] for name, _ in _GROUPS}
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
    interview = app.interview
    starts, ends = interview.start_at.astimezone(zone), interview.end_at.astimezone(zone)
    found = [
        Marker(
            kind="interview",
            on=starts.date(),
            status="fact",
            glyph="I",
            text=f"Interview: {interview.title}, {day(starts.date())} {starts:%H:%M}–{ends:%H:%M}",
        )
    ]
    thanked_on = next((w.on for w in app.why if w.rule is Rule.THANK_YOU_SENT), None)
    for action in app.actions:
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
        found.append(
            Marker(
                kind=action.type.value,
                on=action.due_at.astimezone(zone).date(),
                status=status,
                glyph=_glyph(action),
                text=text,
                key=action.key,
            )
        )
    timeline = app.timeline
    found.append(
        Marker(
            kind="promised",
            on=timeline.promised_on,
            status="fact",
            glyph="P",
            text=f"P, the promised date, {day(timeline.promised_on)}: “{timeline.text}” "
            f"({_source(timeline, day)})",
        )
    )
    # The dates the plan states only in its why: an auto-reply's return, the decision.
    for why in app.why:
        if why.on is None:
            continue
        if why.rule is Rule.AUTO_REPLY:
            floor = f", so no follow-up before {day(why.due_on)}" if why.due_on else ""
            found.append(
                Marker(
                    kind="auto_reply",
                    on=why.on,
                    status="fact",
                    glyph="R",
                    text=f"Auto-reply: away until {day(why.on)}{floor}",
                )
            )
        elif why.rule is Rule.DECISION:
            found.append(
                Marker(
                    kind="decision",
                    on=why.on,
                    status="fact",
                    glyph=_DECISION_GLYPH.get(why.text, "■"),
                    text=f"Decision: {why.text.replace('_', ' ')}, in a reply of {day(why.on)}",
                )
            )
        elif why.rule is Rule.NEXT_ROUND:
            found.append(
                Marker(
                    kind="decision",
                    on=why.on,
                    status="fact",
                    glyph="→",
                    text=f"Next round: a later interview with the same company on {day(why.on)}",
                )
            )
    return found


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
    return (lambda on: _day(on, year)), (lambda at: _moment(at, zone, year))


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


def _day(on: date, year: int | None = None) -> str:
    """ "Tue 1 Dec", with the year when it is not `year` (this year)."""
    return f"{on:%a} {on.day} {on:%b}" + ("" if year in (None, on.year) else f" {on.year}")


def _moment(at: datetime, zone: ZoneInfo, year: int | None = None) -> str:
    local = at.astimezone(zone)
    return f"{_day(local.date(), year)} {local:%H:%M}"


def _relative(at: datetime, now: datetime, zone: ZoneInfo) -> str:
    days = (at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if at <= now:
        if days == 0:
            return "due now"
        return "due since yesterday" if days == -1 else f"due for {-days} days"
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


# --- the axis -------------------------------------------------------------------------------


def axis_for(rows: Iterable[Row], today: date) -> Axis:
    """Every marker's day and today, on whole weeks (or months, years for long spans)."""
    days = [today, *(m.on for row in rows for m in row.markers)]
    low, high = min(days), max(days)
    if (high - low).days <= 16 * 7:
        start = low - timedelta(days=low.weekday())
        end = high + timedelta(days=6 - high.weekday())
        return Axis(start_on=start, end_on=end, scale="week")
    # a week's margin, so that a mark on the first or last day is not cut by the edge
    start = (low - timedelta(days=7)).replace(day=1)
    end = _month_after(high + timedelta(days=7)) - timedelta(days=1)
    return Axis(start_on=start, end_on=end, scale="month" if (end - start).days <= 1100 else "year")


def _month_after(on: date) -> date:
    return date(on.year + on.month // 12, on.month % 12 + 1, 1)


def _ticks(axis: Axis) -> list[tuple[date, str, str]]:
    """(day, label, kind) for the scale: Mondays and months, or months and years."""
    ticks = []
    if axis.scale == "week":
        on = axis.start_on
        while on <= axis.end_on:
            if on.weekday() == 0:
                ticks.append((on, f"Mon {on.day}", "minor"))
            if on.day == 1 or on == axis.start_on:
                ticks.append((on, f"{on:%B %Y}", "major"))
            on += timedelta(days=1)
        return ticks
    on = axis.start_on
    while on <= axis.end_on:
        if axis.scale == "month":
            ticks.append((on, f"{on:%b}", "minor"))
            if on.month == 1 or on == axis.start_on:
                ticks.append((on, f"{on:%Y}", "major"))
        elif on.month == 1 or on == axis.start_on:
            ticks.append((on, f"{on:%Y}", "major"))
        on = _month_after(on)
    return ticks


# --- HTML -----------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _edge_percent(axis: Axis, on: date) -> float:
    return (on - axis.start_on).days / axis.days * 100


def _strip_attrs(axis: Axis, name: str) -> str:
    """The class and the day count the CSS draws the day lines (and weekends) with."""
    weekly = " weekly" if axis.scale == "week" else ""
    return f'class="{name}{weekly}" style="--days:{axis.days}"'


def _marker_html(marker: Marker, axis: Axis, tag: str = "li") -> str:
    classes = f"m k-{marker.kind} s-{marker.status} lane-{_LANE[marker.kind]}"
    key = f' data-key="{_e(marker.key)}"' if marker.key else ""
    return (
        f'<{tag} class="{classes}" style="left:{axis.percent(marker.on):.4f}%" '
        f'data-kind="{marker.kind}" data-status="{marker.status}" '
        f'data-date="{marker.on.isoformat()}"{key} title="{_e(marker.text)}">'
        f'<span aria-hidden="true">{_e(marker.glyph)}</span>'
        f'<span class="sr">{_e(marker.text)}</span></{tag}>'
    )


def _today_html(axis: Axis, today: date) -> str:
    return (
        f'<div class="today" aria-hidden="true" data-date="{today.isoformat()}" '
        f'style="left:{_edge_percent(axis, today):.4f}%"></div>'
    )


def _row_html(row: Row, axis: Axis, today: date) -> str:
    badge = f'<span class="badge st-{_e(row.state.replace(" ", "-"))}">{_e(row.state)}</span>'
    if row.outcome:
        badge += (
            f' <span class="badge oc-{_e(row.outcome.replace(" ", "-"))}">{_e(row.outcome)}</span>'
        )
    people = ", ".join(row.interviewers) or "no interviewer named"
    promise_lines = [m for m in row.markers if m.kind == "promised"]
    pline = "".join(
        f'<div class="pline" aria-hidden="true" style="left:{axis.percent(m.on):.4f}%"></div>'
        for m in promise_lines
    )
    markers = "".join(_marker_html(m, axis) for m in sorted(row.markers, key=lambda m: m.on))
    return (
        f'<article class="row" id="app-{_e(row.interview_id)}" '
        f'data-interview="{_e(row.interview_id)}">'
        f'<div class="card"><h3><span class="company">{_e(row.company)}</span> {badge}</h3>'
        f'<p class="role">{_e(row.role)}</p>'
        f'<p class="meta">{_e(row.when)} · with {_e(people)}</p>'
        f'<p class="next">{_e(row.next_text)}</p>'
        f'<p class="promise">{_e(row.promise_text)}</p></div>'
        f"<div {_strip_attrs(axis, 'strip')}>"
        f"{_today_html(axis, today)}{pline}"
        f'<ul class="marks" aria-label="{_e(row.company)}: timeline">{markers}</ul></div>'
        "</article>"
    )


def _axis_html(axis: Axis, today: date) -> str:
    ticks = []
    for on, label, kind in _ticks(axis):
        at = _edge_percent(axis, on)
        # A label near the right end hangs to the left of its line rather than off the page.
        late = " late" if at > 100 - 10 * len(label) / 8 else ""
        ticks.append(f'<span class="tick {kind}{late}" style="left:{at:.4f}%">{_e(label)}</span>')
    return (
        '<div class="axis" aria-hidden="true"><div class="corner"></div>'
        f"<div {_strip_attrs(axis, 'scale')}>{''.join(ticks)}"
        f'<span class="today-label" style="left:{axis.percent(today):.4f}%">today</span>'
        "</div></div>"
    )


def _group_html(name: str, title: str, rows: list[Row], axis: Axis, today: date) -> str:
    body = "".join(_row_html(row, axis, today) for row in rows)
    return (
        f'<section class="group" id="{name}" aria-labelledby="{name}-h" '
        f'data-start="{axis.start_on.isoformat()}" data-end="{axis.end_on.isoformat()}" '
        f'data-days="{axis.days}">'
        f'<h2 id="{name}-h">{_e(title)} <span class="count">({len(rows)})</span></h2>'
        f"{_axis_html(axis, today)}{body}</section>"
    )


def _table_html(groups: dict[str, list[Row]], year: int) -> str:
    bodies = []
    for name, title in _GROUPS:
        for row in groups[name]:
            markers = sorted(row.markers, key=lambda m: m.on)
            cells = []
            for number, marker in enumerate(markers):
                head = (
                    f'<th scope="rowgroup" rowspan="{len(markers)}">{_e(row.company)}'
                    f'<br><span class="muted">{_e(title.lower())}</span></th>'
                    if number == 0
                    else ""
                )
                cells.append(
                    f"<tr>{head}<td>{_e(_day(marker.on, year))}</td>"
                    f"<td>{_e(marker.status if marker.status != 'fact' else '')}</td>"
                    f"<td>{_e(marker.text)}</td></tr>"
                )
            bodies.append(f"<tbody>{''.join(cells)}</tbody>")
    return (
        '<table class="dates"><caption>Every dated item of every application</caption>'
        '<thead><tr><th scope="col">Application</th><th scope="col">Date</th>'
        '<th scope="col">Status</th><th scope="col">What</th></tr></thead>'
        f"{''.join(bodies)}</table>"
    )


_LEGEND = (
    ("interview", "fact", "I", "the interview"),
    ("prep", "done", "p", "prep reminder"),
    ("thank_you", "done", "T", "thank-you"),
    ("follow_up", "planned", "F1", "follow-up 1, 2"),
    ("promised", "fact", "P", "P, the promised date (dashed line)"),
    ("auto_reply", "fact", "R", "auto-reply: away until"),
    ("decision", "fact", "✗", "decision (✓ offer, ✗ rejected, → next round)"),
)
_STATUSES = (
    ("done", "done"),
    ("due", "due now"),
    ("planned", "planned"),
    ("cancelled", "cancelled"),
)


def _legend_html() -> str:
    kinds = "".join(
        f'<li><span class="m k-{kind} s-{status}" aria-hidden="true">{_e(glyph)}</span> '
        f"{_e(text)}</li>"
        for kind, status, glyph, text in _LEGEND
    )
    statuses = "".join(
        f'<li><span class="m k-follow_up s-{status}" aria-hidden="true">F1</span> {_e(text)}</li>'
        for status, text in _STATUSES
    )
    return (
        '<div class="legend"><h2 class="sr">Legend</h2>'
        f'<ul aria-label="What the marks are">{kinds}</ul>'
        f'<ul aria-label="What their fill says">{statuses}'
        '<li><span class="swatch-today" aria-hidden="true"></span> today</li></ul></div>'
    )


def _axes(groups: dict[str, list[Row]], today: date) -> dict[str, Axis]:
    """Closed applications share the open ones' axis, to compare at a glance, unless theirs
    reaches a month beyond it (a rejection from the summer must not squeeze this week into
    a corner); dormant ones, months or years old, always get their own."""
    axes = {name: axis_for(rows, today) for name, rows in groups.items()}
    opened, closed = axes["open"], axes["closed"]
    margin = timedelta(days=28)
    if not groups["open"] or (
        closed.start_on >= opened.start_on - margin and closed.end_on <= opened.end_on + margin
    ):
        axes["open"] = axes["closed"] = axis_for([*groups["open"], *groups["closed"]], today)
    return axes


def render_board(plan: Plan, settings: Settings) -> str:
    """The whole page for `plan`, as of its `generated_at`, in the user's zone."""
    zone = settings.timezone
    now = plan.generated_at.astimezone(zone)
    today = now.date()
    groups = rows_of(plan, settings)
    axes = _axes(groups, today)
    parts = []
    for name, title in _GROUPS:
        if groups[name]:
            parts.append(_group_html(name, title, groups[name], axes[name], today))
    counts = " · ".join(f"{len(groups[n])} {t.lower()}" for n, t in _GROUPS if groups[n])
    if not plan.applications:
        parts.append('<p class="empty">No interviews found in the calendar.</p>')
    template = Template(_TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        fingerprint=_e(fingerprint(plan, settings)),
        updated=_e(f"{_day(today)} {now.year}, {now:%H:%M} {now.tzname() or ''}".strip()),
        updated_iso=_e(now.isoformat()),
        counts=_e(counts or "nothing yet"),
        legend=_legend_html(),
        groups="".join(parts),
        table=_table_html(groups, today.year) if plan.applications else "",
    )


# --- keeping a file current -----------------------------------------------------------------


def fingerprint(plan: Plan, settings: Settings) -> str:
    """What the page shows but the clock line: the plan without `generated_at`, the day
    (today's line, "in 3 days") and which pending actions have fallen due."""
    content = plan_to_json(plan, drafts=False)
    content.pop("generated_at", None)
    text = json.dumps([content, *_moving(plan, settings)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _moving(plan: Plan, settings: Settings) -> tuple[str, tuple[str, ...]]:
    """What changes on the page with the clock alone: the day, and the actions now due."""
    now = plan.generated_at
    due = tuple(
        a.key
        for app in plan.applications
        for a in app.actions
        if a.status is Status.PENDING and a.due_at <= now
    )
    return now.astimezone(settings.timezone).date().isoformat(), due


_STORED = re.compile(r'<meta name="followup-plan" content="([0-9a-f]+)"')


def write_board(path: Path, page: str) -> None:
    """Atomically (a temp file renamed over it), mode 0600: it holds names and mail text."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise BoardError(f"{path}: cannot write the board: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(page)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise BoardError(f"{path}: cannot write the board: {error.strerror or error}") from None


class BoardKeeper:
    """Rewrites `daemon.board_path` after a pass whose page would differ from the last one.

    The page carries its fingerprint, so a restart (or each `sync --once`) compares with the
    file on disk; an idle pass with the cached plan costs a hash of its JSON.
    """

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self._settings = settings
        self._last: str | None = None
        # The daemon's plan cache hands back the same applications while nothing changed:
        # then only the day and the due actions can move the page, and no hash is needed.
        self._seen: tuple[tuple[Application, ...], tuple[str, tuple[str, ...]]] | None = None

    def after_pass(self, plan: Plan) -> bool:
        """True when the page was written. A failure is logged: the pass itself went well."""
        moving = _moving(plan, self._settings)
        seen = self._seen
        if seen and seen[0] is plan.applications and seen[1] == moving and self.path.exists():
            return False
        current = fingerprint(plan, self._settings)
        if self._last is None:
            self._last = self._stored()
        if current == self._last and self.path.exists():
            self._seen = (plan.applications, moving)
            return False
        try:
            write_board(self.path, render_board(plan, self._settings))
        except BoardError as error:
            logger.warning("%s", error.user_message)
            return False
        self._last = current
        self._seen = (plan.applications, moving)
        logger.info("board rewritten: %d applications", len(plan.applications))
        return True

    def _stored(self) -> str:
        try:
            with self.path.open(encoding="utf-8", errors="replace") as page:
                head = page.read(4096)
        except OSError:
            return ""
        found = _STORED.search(head)
        return found.group(1) if found else ""
