"""`followup board` on the bundled example, read back from a real headless Chromium.

What a person sees is checked from the browser's layout, not from our HTML: each company
shown, today's line inside the axis, each action's marker over its day's column, the marks
not hiding each other, text contrast in both color schemes, the table when printed, and no
request leaving the machine. `.ci/run` installs Debian's chromium; without one this module
fails (set FOLLOWUP_NO_BROWSER=1 to skip it on purpose, and it says so).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from daemon.board import BoardKeeper, axis_for, render_board, write_board
from daemon.board_rows import markers_of
from daemon.config import load_config
from tests.conftest import ROOT, followup_command
from tests.e2e.chromium import Browser, Page, find_chromium

EXAMPLE = ROOT / "examples" / "config.toml"
NOW = "2026-12-10T12:00:00-05:00"
ZONE = ZoneInfo("America/New_York")


def followup(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*followup_command(), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def chromium() -> str:
    if os.environ.get("FOLLOWUP_NO_BROWSER") == "1":
        pytest.skip("FOLLOWUP_NO_BROWSER=1: the board is not checked in a browser")
    found = find_chromium()
    if found is None:
        pytest.fail(
            "no chromium to check the board in: `apt-get install -y chromium` (.ci/run does), "
            "or FOLLOWUP_CHROMIUM=/path/to/chrome"
        )
    return found


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("board") / "board.html"
    done = followup("board", "--config", str(EXAMPLE), "--now", NOW, "--output", str(path))
    assert done.returncode == 0, done.stderr
    assert f"wrote {path}" in done.stdout
    return path


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    done = followup("plan", "--config", str(EXAMPLE), "--now", NOW, "--json", "--no-drafts")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with Browser(chromium) as running:
        yield running


# What the layout holds: each row's strip, today's band and each mark, as the browser put them.
MEASURE = """JSON.stringify((() => {
  const box = (el) => {
    const b = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width,
            height: b.height, shown: cs.visibility !== 'hidden' && cs.display !== 'none'
            && parseFloat(cs.opacity) > 0.5, color: cs.color, background: cs.backgroundColor};
  };
  const groups = [];
  for (const g of document.querySelectorAll('section.group')) {
    const rows = [];
    for (const row of g.querySelectorAll('article.row')) {
      const today = row.querySelector('.today');
      rows.push({
        id: row.dataset.interview,
        company: row.querySelector('.company').innerText,
        companyBox: box(row.querySelector('.company')),
        card: row.querySelector('.card').innerText,
        strip: box(row.querySelector('.strip')),
        today: {...box(today), date: today.dataset.date},
        marks: [...row.querySelectorAll('.m')].map(m => ({...box(m), kind: m.dataset.kind,
          status: m.dataset.status, date: m.dataset.date, key: m.dataset.key || '',
          title: m.title, glyph: box(m.querySelector('[aria-hidden]'))})),
      });
    }
    groups.push({id: g.id, start: g.dataset.start, days: +g.dataset.days, rows});
  }
  const html = getComputedStyle(document.documentElement);
  return {groups, width: document.documentElement.clientWidth, background: html.backgroundColor,
          color: html.color, text: document.body.innerText,
          table: box(document.getElementById('as-table')),
          meta: box(document.querySelector('.meta'))};
})())"""


def measure(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(page.evaluate(MEASURE))
    return result


def rows_by_id(layout: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {row["id"]: (group, row) for group in layout["groups"] for row in group["rows"]}


def column(group: dict[str, Any], strip: dict[str, Any], on: date) -> tuple[float, float]:
    """The left and right edge, in the viewport, of day `on` on the group's axis."""
    width = strip["width"] / group["days"]
    start = (on - date.fromisoformat(group["start"])).days
    return strip["left"] + start * width, strip["left"] + (start + 1) * width


def centre(box: dict[str, Any]) -> float:
    return float(box["left"] + box["right"]) / 2


def local_day(moment: str) -> date:
    # INTERFACE.md: `due` carries the offset of user.timezone, so its date is the local date.
    return datetime.fromisoformat(moment).date()


@pytest.fixture(scope="module")
def laptop(browser: Browser, board: Path) -> tuple[Page, dict[str, Any]]:
    page = browser.open(board, width=1400, height=900)
    return page, measure(page)


def test_the_page_references_nothing_outside_itself(board: Path) -> None:
    text = board.read_text(encoding="utf-8")
    assert not re.search(r"https?:|//[a-z0-9]|url\(|@import|<script|<link|<img|<iframe", text, re.I)
    assert not re.search(r"\s(src|href|action|srcset|poster)\s*=", text, re.I)
    assert "default-src 'none'" in text  # and the page forbids itself any fetch
    assert stat.S_IMODE(board.stat().st_mode) == 0o600


def test_no_request_leaves_the_machine(laptop: tuple[Page, dict[str, Any]], board: Path) -> None:
    page, _ = laptop
    assert page.requests() == [board.resolve().as_uri()]


def test_every_application_is_on_the_board(
    laptop: tuple[Page, dict[str, Any]], plan: dict[str, Any]
) -> None:
    _, layout = laptop
    rows = rows_by_id(layout)
    assert len(rows) == len(plan["applications"]) == 9
    for app in plan["applications"]:
        group, row = rows[app["interview"]["id"]]
        assert row["company"] == app["company"]
        box = row["companyBox"]
        assert (
            box["shown"] and box["width"] > 0 and 0 <= box["left"] < box["right"] <= layout["width"]
        )
        assert group["id"] == ("closed" if app["state"] == "closed" else "open")
        assert app["state"].replace("_", " ") in row["card"]
        if app["outcome"]:
            assert app["outcome"].replace("_", " ") in row["card"]
    assert "Dentist" not in layout["text"]


def test_todays_line_is_inside_the_axis_on_every_row(laptop: tuple[Page, dict[str, Any]]) -> None:
    _, layout = laptop
    today = date(2026, 12, 10)
    assert len({(g["start"], g["days"]) for g in layout["groups"]}) == 1  # one shared axis
    for group in layout["groups"]:
        start = date.fromisoformat(group["start"])
        assert start <= today < start + timedelta(days=group["days"])
        for row in group["rows"]:
            band, strip = row["today"], row["strip"]
            assert band["date"] == today.isoformat()
            assert strip["left"] <= band["left"] < band["right"] <= strip["right"] + 0.5
            left, right = column(group, strip, today)
            assert abs(band["left"] - left) < 1 and abs(band["right"] - right) < 1


def test_each_action_is_marked_at_its_date(
    laptop: tuple[Page, dict[str, Any]], plan: dict[str, Any]
) -> None:
    _, layout = laptop
    rows = rows_by_id(layout)
    now = datetime.fromisoformat(NOW)
    checked = 0
    for app in plan["applications"]:
        group, row = rows[app["interview"]["id"]]
        by_key = {m["key"]: m for m in row["marks"] if m["key"]}
        wanted = [(a["key"], local_day(a["due"]), a) for a in app["actions"]]
        for key, on, action in wanted:
            mark = by_key[key]
            assert mark["date"] == on.isoformat(), key
            left, right = column(group, row["strip"], on)
            assert left <= centre(mark) <= right, (key, on, mark)
            assert row["strip"]["top"] <= mark["top"] < mark["bottom"] <= row["strip"]["bottom"]
            assert mark["shown"] and mark["width"] > 8 and mark["height"] > 8
            expected = action["status"]
            if expected == "pending":
                expected = "due" if datetime.fromisoformat(action["due"]) <= now else "planned"
            assert mark["status"] == expected, key
            checked += 1
        # P, with the statement that gave it on hover
        promised = [m for m in row["marks"] if m["kind"] == "promised"]
        assert [m["date"] for m in promised] == [app["timeline"]["promised"]]
        assert app["timeline"]["text"] in promised[0]["title"]
        p_left, p_right = column(group, row["strip"], date.fromisoformat(promised[0]["date"]))
        assert p_left <= centre(promised[0]) <= p_right
        # the interview itself
        interview = [m for m in row["marks"] if m["kind"] == "interview"]
        assert [m["date"] for m in interview] == [local_day(app["interview"]["start"]).isoformat()]
        # auto-reply deferrals and decisions, as the plan's why lines date them
        for line in app["why"]:
            found = re.match(r"auto-reply: away until (\S+),", line) or re.match(
                r"decision: .* in a reply of (\S+)$", line
            )
            if found:
                kind = "auto_reply" if line.startswith("auto-reply") else "decision"
                marks = [m for m in row["marks"] if m["kind"] == kind]
                assert [m["date"] for m in marks] == [found.group(1)], line
                left, right = column(group, row["strip"], date.fromisoformat(found.group(1)))
                assert left <= centre(marks[0]) <= right
                checked += 1
    assert checked >= 30
    kinds = {m["kind"] for _, row in rows.values() for m in row["marks"]}
    assert kinds == {
        "interview",
        "prep",
        "thank_you",
        "follow_up",
        "promised",
        "auto_reply",
        "decision",
    }


@pytest.mark.parametrize("width", [1400, 1024])
def test_marks_do_not_hide_each_other(browser: Browser, board: Path, width: int) -> None:
    layout = measure(browser.open(board, width=width, height=800))
    for group in layout["groups"]:
        for row in group["rows"]:
            marks = row["marks"]
            for number, one in enumerate(marks):
                assert one["right"] <= row["strip"]["right"] + 1, one
                for other in marks[number + 1 :]:
                    across = min(one["right"], other["right"]) - max(one["left"], other["left"])
                    down = min(one["bottom"], other["bottom"]) - max(one["top"], other["top"])
                    assert across <= 0.5 or down <= 0.5, (row["id"], one, other)


def luminance(css: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_keeps_its_contrast_in_both_color_schemes(
    browser: Browser, board: Path, scheme: str
) -> None:
    layout = measure(browser.open(board, width=1400, height=900, scheme=scheme))
    page_bg = layout["background"]
    assert (luminance(page_bg) < 0.05) == (scheme == "dark")
    assert contrast(layout["color"], page_bg) >= 7
    assert contrast(layout["meta"]["color"], page_bg) >= 4.5
    for group in layout["groups"]:
        for row in group["rows"]:
            for mark in row["marks"]:
                background = mark["background"]
                if "rgba" in background and background.endswith(", 0)"):
                    background = page_bg
                assert contrast(mark["glyph"]["color"], background) >= 4.5, (scheme, mark)


def test_printed_it_keeps_the_board_and_the_table(browser: Browser, board: Path) -> None:
    page = browser.open(board, width=1100, height=800, scheme="dark", media="print")
    layout = measure(page)
    assert luminance(layout["background"]) > 0.9  # print is black on white whatever the scheme
    assert layout["table"]["shown"] and layout["table"]["height"] > 100
    table = page.evaluate("document.getElementById('as-table').innerText")
    for company in ("Acme", "Globex", "Initech", "Umbrella", "Dunder Mifflin", "Hooli", "Stark"):
        assert company in table
    assert "Follow-up 1: planned, Wed 16 Dec 09:30" in table
    pdf = page.browser.call("Page.printToPDF", page.session, printBackground=True)
    assert len(pdf["data"]) > 1000


def test_the_table_holds_every_dated_item(board: Path, plan: dict[str, Any]) -> None:
    text = board.read_text(encoding="utf-8")
    table = text[text.index('<table class="dates"') :]
    for app in plan["applications"]:
        for action in app["actions"]:
            on = local_day(action["due"])
            assert f"<td>{on:%a} {on.day} {on:%b}</td>" in table


def example_plan(now: datetime) -> tuple[Any, Any]:
    from daemon.sources import observe
    from policy.planner import plan

    config = load_config(EXAMPLE)
    seen = observe(config)
    return plan(seen.events, seen.threads, config.settings, now), config.settings


def earlier(app: Any, days: int) -> Any:
    """The same application `days` earlier: every date in it, its why included."""
    delta = timedelta(days=days)
    interview = replace(
        app.interview, start_at=app.interview.start_at - delta, end_at=app.interview.end_at - delta
    )
    timeline = replace(
        app.timeline,
        promised_on=app.timeline.promised_on - delta,
        anchor_on=app.timeline.anchor_on - delta,
    )
    why = tuple(
        replace(
            w,
            **{
                name: getattr(w, name) - delta
                for name in ("on", "promised_on", "due_on")
                if getattr(w, name) is not None
            },
        )
        for w in app.why
    )
    actions = tuple(replace(a, due_at=a.due_at - delta) for a in app.actions)
    return replace(app, interview=interview, timeline=timeline, why=why, actions=actions)


def test_long_spans_and_dormant_ones_keep_dates_and_today_in_place(
    browser: Browser, tmp_path: Path
) -> None:
    """Months of history: a closed application from the summer gets an axis of months of its
    own rather than squeezing this week; a dormant one from two years ago is grouped apart."""
    now = datetime.fromisoformat(NOW)
    plan, settings = example_plan(now)
    apps = {app.interview.interview_id: app for app in plan.applications}
    # The planner has no dormant outcome yet (POLICY.md "Old interviews"): as it will say it.
    dormant = replace(earlier(apps["umbrella-1"], 700), outcome=SimpleNamespace(value="dormant"))
    old = earlier(apps["soylent-1"], 150)
    kept = [
        a for a in plan.applications if a.interview.interview_id not in ("umbrella-1", "soylent-1")
    ]
    page_path = tmp_path / "long.html"
    page_path.write_text(
        render_board(replace(plan, applications=(old, *kept, dormant)), settings), encoding="utf-8"
    )
    layout = measure(browser.open(page_path, width=1400, height=900))
    groups = {group["id"]: group for group in layout["groups"]}
    assert [row["id"] for row in groups["dormant"]["rows"]] == ["umbrella-1"]
    assert [row["id"] for row in groups["closed"]["rows"]] == ["soylent-1"]
    assert groups["dormant"]["start"] < "2025-02-01" < groups["closed"]["start"]
    assert groups["closed"]["start"] <= "2026-07-03" < "2026-11-01" <= groups["open"]["start"]
    today = now.date()
    for group in groups.values():
        for row in group["rows"]:
            left, right = column(group, row["strip"], today)
            assert left - 1 <= centre(row["today"]) <= right + 1
            assert row["strip"]["left"] <= row["today"]["left"] <= row["strip"]["right"]
            for mark in row["marks"]:
                left, right = column(group, row["strip"], date.fromisoformat(mark["date"]))
                assert left - 1 <= centre(mark) <= right + 1, (row["id"], mark)
                assert mark["shown"] and mark["width"] >= 8


# --- without a browser: the file, the daemon's hook, the command's edges -------------------


def test_the_keeper_rewrites_only_when_the_page_would_change(tmp_path: Path) -> None:
    now = datetime.fromisoformat(NOW)
    first, settings = example_plan(now)
    path = tmp_path / "board.html"
    keeper = BoardKeeper(path, settings)
    assert keeper.after_pass(first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    inode = path.stat().st_ino
    # the same plan a minute later: nothing changed that the page shows
    assert not keeper.after_pass(replace(first, generated_at=now + timedelta(minutes=1)))
    # a new keeper (a restart, or the next `sync --once`) reads the page's fingerprint
    assert not BoardKeeper(path, settings).after_pass(first)
    assert path.stat().st_ino == inode
    # the next morning: today's line moves, so the page is written again (a new file renamed)
    assert keeper.after_pass(replace(first, generated_at=now + timedelta(days=1)))
    assert path.stat().st_ino != inode
    assert "Fri 11 Dec 2026, 12:00 EST" in path.read_text(encoding="utf-8")
    # a deleted page comes back at the next pass
    path.unlink()
    assert keeper.after_pass(replace(first, generated_at=now + timedelta(days=1, minutes=5)))
    assert path.exists()
    assert not list(tmp_path.glob(".board.html.*"))  # no temp file left behind


def test_the_daemon_pass_keeps_the_board_current(tmp_path: Path) -> None:
    for name in ("calendar.ics", "mail.mbox"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    config = tmp_path / "config.toml"
    text = (ROOT / "examples" / "config.toml").read_text(encoding="utf-8")
    config.write_text(text + 'board_path = "out/board.html"\n', encoding="utf-8")
    page = tmp_path / "out" / "board.html"
    done = followup("sync", "--once", "--config", str(config), "--now", NOW, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert not page.exists()  # a dry run changes nothing
    done = followup("sync", "--once", "--config", str(config), "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert "Hooli" in page.read_text(encoding="utf-8")
    inode = page.stat().st_ino
    done = followup("sync", "--once", "--config", str(config), "--now", "2026-12-10T12:05:00-05:00")
    assert done.returncode == 0, done.stderr
    assert page.stat().st_ino == inode  # the plan did not change
    # a reply arrives: the plan changes, and so does the page
    with (tmp_path / "mail.mbox").open("a", encoding="utf-8") as mbox:
        mbox.write(
            "From jane@acme-corp.com Fri Dec 11 10:00:00 2026\n"
            "From: Jane <jane@acme-corp.com>\nTo: alex@example.com\n"
            "Subject: Re: Backend Engineer\nDate: Fri, 11 Dec 2026 10:00:00 -0500\n"
            "Message-ID: <board-test@acme-corp.com>\n\n"
            "Thanks Alex, we will get back to you by December 22.\n\n"
        )
    done = followup("sync", "--once", "--config", str(config), "--now", "2026-12-11T12:00:00-05:00")
    assert done.returncode == 0, done.stderr
    assert page.stat().st_ino != inode
    assert "by December 22" in page.read_text(encoding="utf-8")


def test_board_opens_the_page_in_the_browser(tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "opener.py"
    opener.write_text(
        f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])\n", encoding="utf-8"
    )
    output = tmp_path / "page.html"
    done = followup(
        "board",
        "--config",
        str(EXAMPLE),
        "--now",
        NOW,
        "--output",
        str(output),
        "--open",
        env={"BROWSER": f"{sys.executable} {opener} %s", "DISPLAY": ""},
    )
    assert done.returncode == 0, done.stderr
    assert opened.read_text(encoding="utf-8") == output.resolve().as_uri()


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    done = followup("board", "--config", str(EXAMPLE), "--output", str(blocker / "board.html"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(blocker / "board.html") in done.stderr


def test_dates_are_the_users_local_dates_across_the_dst_change() -> None:
    """A due time late on Sunday 1 November 2026 (EST from that night) is that Sunday,
    though it is Monday in UTC; the axis counts calendar days across the change."""
    now = datetime(2026, 10, 30, 12, tzinfo=ZONE)
    plan, settings = example_plan(datetime.fromisoformat(NOW))
    app = plan.applications[0]
    late = datetime(2026, 11, 1, 23, 30, tzinfo=ZONE)
    moved = replace(
        app, actions=(replace(app.actions[0], due_at=late.astimezone(ZoneInfo("UTC"))),)
    )
    marks = {m.key: m for m in markers_of(moved, ZONE, now) if m.key}
    assert marks[app.actions[0].key].on == date(2026, 11, 1)
    axis = axis_for([], date(2026, 10, 28))
    assert (axis.start_on, axis.end_on, axis.days) == (date(2026, 10, 26), date(2026, 11, 1), 7)
    page = render_board(replace(plan, generated_at=now, applications=(moved,)), settings)
    assert 'data-date="2026-11-01"' in page


def test_write_board_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "board.html"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    write_board(path, "<!DOCTYPE html>new")
    assert path.read_text(encoding="utf-8") == "<!DOCTYPE html>new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
