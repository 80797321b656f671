"""`followup board`: the plan as one self-contained HTML page, every application on one date axis.

The page is drawn from the `Plan` the other commands print (no second planner): the actions
with their keys, dates and statuses, P and its statement, and, from its `Why` records, what
it dates nowhere else (an auto-reply's return, the day of a decision). It loads nothing:
inline CSS, no script, and a Content-Security-Policy that forbids every fetch, because it
holds names and mail text.

The rows (the cards' texts and the strips' markers) are `daemon/board_rows.py`; this module
puts them on an axis, draws the HTML and keeps the file current.
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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from string import Template

from daemon.board_rows import GROUPS, Marker, Row, day_text, rows_of
from daemon.render import plan_to_json
from policy.errors import WriteError
from policy.models import (
    Application,
    Plan,
    Settings,
    Status,
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


class BoardError(WriteError):
    """The page could not be written."""


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
    for name, title in GROUPS:
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
                    f"<tr>{head}<td>{_e(day_text(marker.on, year))}</td>"
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
    for name, title in GROUPS:
        if groups[name]:
            parts.append(_group_html(name, title, groups[name], axes[name], today))
    counts = " · ".join(f"{len(groups[n])} {t.lower()}" for n, t in GROUPS if groups[n])
    if not plan.applications:
        parts.append('<p class="empty">No interviews found in the calendar.</p>')
    template = Template(_TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        fingerprint=_e(fingerprint(plan, settings)),
        updated=_e(f"{day_text(today)} {now.year}, {now:%H:%M} {now.tzname() or ''}".strip()),
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
