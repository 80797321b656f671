"""A subset of Gmail's search-box syntax (the `q` parameter), evaluated per message.

Supported: from: to: cc: bcc: deliveredto: subject: rfc822msgid: label: in: is: has:attachment
after: before: newer: older: (YYYY/MM/DD at midnight America/Los_Angeles, or epoch seconds)
newer_than: older_than: (Nd, Nm, Ny, Nh), quoted phrases, bare words, `-` negation, AND, OR,
parentheses, `{a b}` OR groups, and operator groups such as from:(a OR b) and from:{a b}.
Unknown operators are searched as plain text, as Gmail does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

GMAIL_DATE_ZONE = ZoneInfo("America/Los_Angeles")

ADDRESS_OPS = frozenset({"from", "to", "cc", "bcc", "deliveredto"})
KNOWN_OPS = ADDRESS_OPS | {
    "subject",
    "rfc822msgid",
    "label",
    "in",
    "is",
    "has",
    "after",
    "before",
    "newer",
    "older",
    "newer_than",
    "older_than",
}


@dataclass(frozen=True, slots=True)
class SearchView:
    """What a query can see of one message."""

    from_: tuple[tuple[str, str], ...]  # (display name, address)
    to: tuple[tuple[str, str], ...]
    cc: tuple[tuple[str, str], ...]
    bcc: tuple[tuple[str, str], ...]
    delivered_to: tuple[tuple[str, str], ...]
    subject: str
    text: str  # body text plus header text, for bare words
    labels: frozenset[str]
    label_names: frozenset[str]
    internal_at: datetime
    message_id: str  # without angle brackets
    has_attachment: bool


Predicate = Callable[[SearchView], bool]


class QueryError(ValueError):
    pass


_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _phrase_in(phrase: str, text: str) -> bool:
    needle = _words(phrase)
    if not needle:
        return True
    hay = _words(text)
    n = len(needle)
    return any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


# --- lexer -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "(" ")" "{" "}" "-" "OR" "AND" "TERM" "OPGROUP"
    op: str | None = None
    value: str = ""
    quoted: bool = False


_STOP = set(' \t\r\n(){}"')


def _lex(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
            continue
        if c in "(){}":
            toks.append(_Tok(c))
            i += 1
            continue
        if c == "-" and i + 1 < n and not q[i + 1].isspace():
            toks.append(_Tok("-"))
            i += 1
            continue
        if c == '"':
            end = q.find('"', i + 1)
            end = n if end < 0 else end
            toks.append(_Tok("TERM", None, q[i + 1 : end], True))
            i = end + 1
            continue
        j = i
        while j < n and q[j] not in _STOP:
            j += 1
        word = q[i:j]
        i = j
        if word in ("OR", "|"):
            toks.append(_Tok("OR"))
            continue
        if word == "AND":
            toks.append(_Tok("AND"))
            continue
        op, sep, value = word.partition(":")
        op_l = op.lower()
        if sep and op_l in KNOWN_OPS:
            if value == "" and i < n and q[i] in '"({':
                if q[i] == '"':
                    end = q.find('"', i + 1)
                    end = n if end < 0 else end
                    toks.append(_Tok("TERM", op_l, q[i + 1 : end], True))
                    i = end + 1
                else:
                    toks.append(_Tok("OPGROUP", op_l, q[i]))
                    i += 1
                continue
            toks.append(_Tok("TERM", op_l, value))
            continue
        toks.append(_Tok("TERM", None, word))
    return toks


# --- parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, toks: list[_Tok], ctx: _Context) -> None:
        self.toks = toks
        self.pos = 0
        self.ctx = ctx

    def peek(self) -> _Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Predicate:
        pred = self.parse_or(None, closer=None)
        if self.peek() is not None:
            # A stray closing bracket: Gmail ignores it; so do we.
            self.take()
            rest = self.parse_or(None, closer=None)
            first = pred
            return lambda v: first(v) and rest(v)
        return pred

    def parse_or(self, default_op: str | None, closer: str | None) -> Predicate:
        preds = [self.parse_and(default_op, closer)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            preds.append(self.parse_and(default_op, closer))
        if len(preds) == 1:
            return preds[0]
        return lambda v: any(p(v) for p in preds)

    def parse_and(self, default_op: str | None, closer: str | None) -> Predicate:
        preds: list[Predicate] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "OR" or tok.kind == closer:
                break
            if tok.kind in (")", "}"):
                if closer is None:
                    self.take()  # unbalanced: ignore
                    continue
                break
            if tok.kind == "AND":
                self.take()
                continue
            preds.append(self.parse_unary(default_op))
        if not preds:
            return lambda v: True
        return lambda v: all(p(v) for p in preds)

    def parse_unary(self, default_op: str | None) -> Predicate:
        tok = self.take()
        if tok.kind == "-":
            if self.peek() is None:
                return lambda v: True
            inner = self.parse_unary(default_op)
            return lambda v: not inner(v)
        if tok.kind == "(":
            inner = self.parse_or(default_op, closer=")")
            self._close(")")
            return inner
        if tok.kind == "{":
            return self._any_group(default_op, "}")
        if tok.kind == "OPGROUP":
            if tok.value == "(":
                inner = self.parse_or(tok.op, closer=")")
                self._close(")")
                return inner
            return self._any_group(tok.op, "}")
        return self.ctx.term(tok.op or default_op, tok.value, tok.quoted)

    def _any_group(self, default_op: str | None, closer: str) -> Predicate:
        preds: list[Predicate] = []
        while (tok := self.peek()) is not None and tok.kind != closer:
            if tok.kind in ("OR", "AND"):
                self.take()
                continue
            preds.append(self.parse_unary(default_op))
        self._close(closer)
        if not preds:
            return lambda v: True
        return lambda v: any(p(v) for p in preds)

    def _close(self, closer: str) -> None:
        tok = self.peek()
        if tok is not None and tok.kind == closer:
            self.take()


# --- terms -----------------------------------------------------------------------------------


class _Context:
    def __init__(self, me: Sequence[str], now: datetime) -> None:
        self.me = tuple(a.lower() for a in me)
        self.now = now

    def term(self, op: str | None, value: str, quoted: bool) -> Predicate:
        value = value.strip()
        if op is None:
            return lambda v: _phrase_in(value, v.text) if value else True
        if op in ADDRESS_OPS:
            field = {
                "from": "from_",
                "to": "to",
                "cc": "cc",
                "bcc": "bcc",
                "deliveredto": "delivered_to",
            }[op]
            if op == "to":
                # Gmail's to: also finds the message when the address is in Cc or Bcc.
                return lambda v: (
                    self._addr(value, v.to) or self._addr(value, v.cc) or self._addr(value, v.bcc)
                )
            return lambda v: self._addr(value, getattr(v, field))
        if op == "subject":
            return lambda v: _phrase_in(value, v.subject)
        if op == "rfc822msgid":
            wanted = value.strip("<>").lower()
            return lambda v: v.message_id.lower() == wanted
        if op == "label":
            return self._label(value)
        if op == "in":
            return self._in(value.lower())
        if op == "is":
            return self._is(value.lower())
        if op == "has":
            if value.lower() == "attachment":
                return lambda v: v.has_attachment
            return lambda v: False
        if op in ("after", "newer", "before", "older"):
            bound = _parse_date(value)
            if op in ("after", "newer"):
                return lambda v: v.internal_at >= bound
            return lambda v: v.internal_at < bound
        if op in ("newer_than", "older_than"):
            delta = _parse_relative(value)
            cutoff = self.now - delta
            if op == "newer_than":
                return lambda v: v.internal_at > cutoff
            return lambda v: v.internal_at <= cutoff
        raise QueryError(f"unsupported operator {op}")

    def _addr(self, value: str, addrs: tuple[tuple[str, str], ...]) -> bool:
        wanted = value.lower().strip()
        if not wanted:
            return bool(addrs)
        for name, addr in addrs:
            addr = addr.lower()
            domain = addr.rpartition("@")[2]
            if wanted == "me":
                if addr in self.me:
                    return True
                continue
            if "@" in wanted:
                if addr == wanted or (wanted.startswith("@") and domain == wanted[1:]):
                    return True
                continue
            if "." in wanted and " " not in wanted:
                if domain == wanted or domain.endswith("." + wanted) or addr == wanted:
                    return True
                if _phrase_in(wanted, name):
                    return True
                continue
            tokens = set(_words(addr.replace("@", " ")))
            if (" " not in wanted and wanted in tokens) or _phrase_in(wanted, name):
                return True
        return False

    @staticmethod
    def _label(value: str) -> Predicate:
        wanted = value.lower().replace("-", " ").replace("/", " ")

        def check(v: SearchView) -> bool:
            for name in v.label_names | v.labels:
                if name.lower().replace("-", " ").replace("/", " ") == wanted:
                    return True
            return False

        return check

    @staticmethod
    def _in(value: str) -> Predicate:
        labels = {
            "inbox": "INBOX",
            "sent": "SENT",
            "draft": "DRAFT",
            "drafts": "DRAFT",
            "spam": "SPAM",
            "trash": "TRASH",
            "starred": "STARRED",
            "important": "IMPORTANT",
        }
        if value == "anywhere":
            return lambda v: True
        label = labels.get(value)
        if label is None:
            return _Context._label(value)
        return lambda v: label in v.labels

    @staticmethod
    def _is(value: str) -> Predicate:
        if value == "read":
            return lambda v: "UNREAD" not in v.labels
        label = {"unread": "UNREAD", "starred": "STARRED", "important": "IMPORTANT"}.get(value)
        if label is None:
            return lambda v: False
        return lambda v: label in v.labels


def _parse_date(value: str) -> datetime:
    value = value.strip()
    if value.isdigit() and len(value) > 8:
        return datetime.fromtimestamp(int(value), tz=GMAIL_DATE_ZONE)
    for fmt in ("%Y/%m/%d", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            day = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return day.replace(tzinfo=GMAIL_DATE_ZONE)
    raise QueryError(f"bad date {value!r}")


def _parse_relative(value: str) -> timedelta:
    m = re.fullmatch(r"(\d+)([dmyh])", value.strip().lower())
    if not m:
        raise QueryError(f"bad relative date {value!r}")
    n, unit = int(m.group(1)), m.group(2)
    return {
        "h": timedelta(hours=n),
        "d": timedelta(days=n),
        "m": timedelta(days=30 * n),
        "y": timedelta(days=365 * n),
    }[unit]


def compile_query(q: str, *, me: Sequence[str], now: datetime) -> Predicate:
    """Compile a Gmail search string into a predicate over SearchView."""
    return _Parser(_lex(q), _Context(me, now)).parse()


def mentions_spam_or_trash(q: str) -> bool:
    """Gmail leaves spam and trash out unless the query asks for them."""
    low = q.lower()
    return any(
        s in low for s in ("in:spam", "in:trash", "in:anywhere", "label:spam", "label:trash")
    )
