"""How times, dates and counts read for people, the same in every command.

Every time shown names its zone (the user's); a date outside the current year shows its
year; counts agree with their nouns ("1 draft", "2 drafts").
"""

from __future__ import annotations

from datetime import datetime, tzinfo


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def day(moment: datetime, zone: tzinfo, now: datetime) -> str:
    """`Mon 30 Nov`, or `Mon 30 Nov 2025` outside `now`'s year (both in `zone`)."""
    local = moment.astimezone(zone)
    year = "" if local.year == now.astimezone(zone).year else f" {local.year}"
    return f"{local:%a} {local.day:02d} {local:%b}{year}"


def when(moment: datetime, zone: tzinfo, now: datetime) -> str:
    """`Mon 30 Nov 09:30 EST`: the day as `day` gives it, the time and the zone's name."""
    local = moment.astimezone(zone)
    return f"{day(moment, zone, now)} {local:%H:%M %Z}"


def due(moment: datetime, zone: tzinfo, now: datetime) -> str:
    """A due time, or `overdue since Mon 30 Nov` once it has passed."""
    if moment <= now:
        return f"overdue since {day(moment, zone, now)}"
    return when(moment, zone, now)


def short_id(interview_id: str) -> str:
    """An id people can read and type: a Google event id (26 characters or more) shows its
    first 12 and an ellipsis; `explain` and `mark` take the shown prefix."""
    return interview_id if len(interview_id) <= 20 else interview_id[:12] + "…"
