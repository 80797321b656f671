"""iCalendar text as lines (RFC 5545 3.1, 3.3.11): escaping TEXT values, folding a line at
75 octets, and reading folded lines back, for the reminder writers (`ics_reminders`, CalDAV).
"""

from __future__ import annotations

from connectors import hygiene


def escape(text: str) -> str:
    """RFC 5545 TEXT escaping; controls (NUL, BEL, ESC, ...) are dropped, every line break
    (CR, U+2028, NEL, ...) is a newline."""
    text = hygiene.multiline(text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append("\n" if following in ("n", "N") else following)
    return "".join(out)


def fold(line: str) -> list[str]:
    """RFC 5545 folding: at most 75 octets per line, never inside a UTF-8 sequence."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    pieces.append(current)
    return pieces


def logical_end(lines: tuple[str, ...], index: int) -> int:
    """Index just after the logical line that begins at `index` (its continuations)."""
    end = index + 1
    while end < len(lines) and lines[end][:1] in (" ", "\t"):
        end += 1
    return end


def logical(physical: tuple[str, ...] | list[str]) -> list[str]:
    """Unfolded lines, in time linear in their length."""
    out: list[list[str]] = []
    for line in physical:
        if line[:1] in (" ", "\t") and out:
            out[-1].append(line[1:])
        else:
            out.append([line])
    return ["".join(pieces) for pieces in out]
