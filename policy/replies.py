"""What a message says: its new text, whether it is an auto-reply, and any decision in it.

POLICY.md "Which threads belong": only the new text of a message counts; quoted earlier
messages, forwarded blocks and signatures are not read. POLICY.md "Replies that change the
plan": auto-reply markers, bulk mail, and decisions (read by `policy.decisions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import quotequail

from policy.business_days import BusinessCalendar
from policy.decisions import read_decision
from policy.html_text import html_to_text
from policy.models import Message, Outcome
from policy.timeline import find_return_date, find_statement
from policy.vocabulary import compile_re

__all__ = ["Reading", "decision_in", "is_auto_reply", "is_bulk", "new_text", "read_reply"]

# --- new text ------------------------------------------------------------------------------

# RFC 3676 section 4.3: "-- " alone on a line starts the signature. Many clients strip the
# trailing space, so a bare "--" counts too.
_SIG_DELIMITER = compile_re(r"^--[ \t]*$")

# Mobile and webmail footers that are signatures in all but name.
_DEVICE_FOOTER = compile_re(
    r"^(sent from my \w[\w ]*|sent from (outlook|yahoo mail|mail) for \w[\w ]*"
    r"|get outlook for \w[\w ]*|sent via \w[\w ]*)\.?$",
    re.IGNORECASE,
)

# A sign-off line: the phrase alone, or followed by a name on the same line ("Best, Jane").
_SIGN_OFF_PHRASES = (
    "best",
    "best regards",
    "best wishes",
    "best of luck",
    "all the best",
    "warm regards",
    "warmest regards",
    "kind regards",
    "kindest regards",
    "regards",
    "many thanks",
    "thanks",
    "thanks so much",
    "thanks again",
    "thank you",
    "thank you again",
    "thank you so much",
    "thanks and regards",
    "cheers",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours truly",
    "yours",
    "warmly",
    "warm wishes",
    "respectfully",
    "talk soon",
    "take care",
    "speak soon",
    "with thanks",
    "with gratitude",
    "have a great day",
    "have a good day",
    "have a nice day",
    "have a great weekend",
    "have a good weekend",
)
_SIGN_OFF = compile_re(
    # Longest first, so "best regards" is not read as "best" followed by a name.
    "^(?:"
    + "|".join(re.escape(p) for p in sorted(_SIGN_OFF_PHRASES, key=len, reverse=True))
    + r")(?![\w'])\s*[,.!:\-\u2013\u2014]*",
    re.IGNORECASE,
)
_NAME_WORD = compile_re(r"^[A-Z][\w.'\-]*$")
# A signature after a sign-off: at most this many non-empty lines, none longer than that.
_SIG_MAX_LINES = 10
_SIG_MAX_LINE = 600  # legal disclaimers are long single lines
# A postscript is part of the message, not of the signature.
_POSTSCRIPT = compile_re(r"^p\.?\s?s\.?\b", re.IGNORECASE)


# Two "Key: value" lines in a row ("From: …" then "Sent: …"): the only shape unwrap() reads
# as a reply or forward header, checked first because unwrap() is slow on every body.
_HEADER_PAIR = compile_re(
    r"^[ \t*]*[^\W\d][\w .-]{0,24}:[^\n]*\n[ \t*]*[^\W\d][\w .-]{0,24}:", re.M
)


# quote() tries some 30 patterns on every line (about 3 ms a message). Each contains one of
# these words, unbroken (quotequail's REPLY_PATTERNS and FORWARD_PATTERNS: "On … wrote:",
# "Am … schrieb …:", "---- Forwarded message ----", "Ursprüngliche Nachricht:", a rule of
# underscores; Gmail's "2026/12/01 Jane <jane@…>" has its date), so a text with none of them
# is returned whole, as quote() would. It also cuts at its 1000-line limit: longer, it runs.
_INTRO_WORDS = (
    *("wrote", "schrieb", "écrit", "escribió", "написал", "skrev", "escreveu", "schreef"),
    *("geschreven", "_" * 32, "orwarded", "weitergeleiteten", "réexpédié", "reenviado"),
    *("oorgestuurd", "Vidarebefordrat", "riginal", "Ursprüngliche", "Oorspronkelijk"),
    *("transféré", "rigineel", "Пересылаемое"),
)
_GMAIL_DATE = compile_re(r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}")  # its "(date) (name <addr>)"
_QUOTE_LIMIT = 1000  # quote()'s default `limit`


def _quotequail_top(text: str) -> str:
    """The part of `text` above any quoted reply or forwarded block, as quotequail finds it."""
    plain = not any(word in text for word in _INTRO_WORDS) and not _GMAIL_DATE.search(text)
    if plain and text.count("\n") < _QUOTE_LIMIT - 1:
        parts = [(True, text)]  # what quote() returns: none of its patterns can match
    else:
        try:
            parts = quotequail.quote(text, quote_intro_line=True)
        except Exception:  # an odd body must not stop the pass: read it whole
            parts = [(True, text)]
    top = parts[0][1] if parts and parts[0][0] else ""
    if len(parts) == 1 and _HEADER_PAIR.search(top):
        # quote() misses Outlook blocks that start at "From: … Sent: …" with no rule line
        # above them; unwrap() recognises those by their header lines.
        try:
            unwrapped = quotequail.unwrap(top)
        except Exception:
            unwrapped = None
        if unwrapped is not None and unwrapped.get("type") in ("reply", "forward"):
            top = unwrapped.get("text_top", "")
    return top


_TAG = compile_re(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
# lxml (under quotequail) silently cuts a tree deeper than about 255 elements: the text down
# there, a recruiter's statement included, would be lost. Deeper HTML is read whole.
_DEEPEST = 200


def _too_deep(html: str) -> bool:
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            if depth > _DEEPEST:
                return True
    return False


def _quotequail_html_top(html: str) -> str:
    """The HTML above any quoted or forwarded block, or the whole HTML when quotequail fails."""
    if _too_deep(html):
        return html
    try:
        parts = quotequail.quote_html(html, quote_intro_line=True)
    except Exception:
        return html
    if not parts:
        return html
    show, top = parts[0]
    return top if show else ""


def _drop_quoted_lines(text: str) -> str:
    """Interleaved replies: lines quoted with ">" are earlier messages, the rest is new."""
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))


def _looks_like_name(line: str) -> bool:
    """A short run of capitalised words: "Jane", "Jane Doe", "J. Doe"."""
    words = line.strip().rstrip(",.!").split()
    return (
        0 < len(words) <= 4 and len(line.strip()) <= 50 and all(_NAME_WORD.match(w) for w in words)
    )


def _cut_sign_off(lines: list[str]) -> list[str] | None:
    """Lines before the last sign-off that ends the message with a short name block."""
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        sign_off = _SIGN_OFF.match(line)
        if sign_off is None:
            continue
        named_inline = bool(line[sign_off.end() :].strip())
        if named_inline and not _looks_like_name(line[sign_off.end() :]):
            continue  # "Thanks for your time." is a sentence, not a sign-off
        block = [line.strip() for line in lines[index + 1 :]]
        postscript = next((i for i, line in enumerate(block) if _POSTSCRIPT.match(line)), None)
        rest = block if postscript is None else block[:postscript]
        filled = [line for line in rest if line]
        if len(filled) > _SIG_MAX_LINES or any(len(line) > _SIG_MAX_LINE for line in filled):
            return None
        if filled and not _looks_like_name(filled[0]) and not named_inline:
            return None
        kept = lines[:index]
        if postscript is not None:
            kept += lines[index + 1 + postscript :]
        return kept
    return None


def _strip_signature(text: str) -> str:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _SIG_DELIMITER.match(line) or _DEVICE_FOOTER.match(line.strip()):
            lines = lines[:index]
            break
    # Up to twice: "Thanks!" just above "Best,\nJane" is a sign-off too.
    for _ in range(2):
        while lines and not lines[-1].strip():
            lines.pop()
        cut = _cut_sign_off(lines)
        if cut is None:
            break
        lines = cut
    return "\n".join(lines)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# What is read of one body (issue 10: bounded work per message). A recruiter's mail is a few
# KB; HTML is allowed more for its markup and inline styles.
MAX_BODY_CHARS = 1_000_000
MAX_HTML_CHARS = 2_000_000


def new_text(message: Message) -> str:
    """The text the sender wrote in `message`: no quotes, forwards or signature; never raises."""
    try:
        body_text = message.body_text[:MAX_BODY_CHARS]
        body_html = message.body_html[:MAX_HTML_CHARS]
        if body_text.strip():
            text = body_text
        elif body_html.strip():
            text = html_to_text(_quotequail_html_top(body_html))
        else:
            return ""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _quotequail_top(text)
        text = _drop_quoted_lines(text)
        text = _strip_signature(text)
        return _tidy(text)
    except Exception:  # the last resort: the whole body is better than a stopped pass
        return _tidy(
            message.body_text[:MAX_BODY_CHARS] or html_to_text(message.body_html[:MAX_HTML_CHARS])
        )


# --- auto-replies ---------------------------------------------------------------------------

_AUTO_SUBJECT = compile_re(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto[- ]?reply|automatic response"
    r"|auto[- ]?response)\b",
    re.IGNORECASE,
)


def _header_says_yes(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in ("no", "false", "0")


def is_auto_reply(message: Message) -> bool:
    """POLICY.md "Auto-reply": RFC 3834 and common vendor markers, or an auto-reply subject."""
    auto_submitted = message.header("auto-submitted")
    if auto_submitted is not None:
        # RFC 3834 section 5: "no" (optionally with parameters) marks a human message.
        keyword = auto_submitted.split(";", 1)[0].strip().lower()
        if keyword and keyword != "no":
            return True
    if _header_says_yes(message.header("x-autoreply")):
        return True
    if _header_says_yes(message.header("x-autorespond")):
        return True
    precedence = message.header("precedence")
    if precedence is not None and precedence.strip().lower() == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.match(message.subject))


# --- bulk mail -------------------------------------------------------------------------------

_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})


def is_bulk(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> bool:
    """POLICY.md "Which threads belong": `List-Id`, `List-Unsubscribe` or `Precedence:
    bulk|list|junk` mark mail sent to many, which is never a statement or an update."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    for name, value in pairs:
        key = str(name).strip().lower()
        if key in ("list-id", "list-unsubscribe"):
            return True
        # The first word: "junk (spam)" carries a comment after it.
        if key == "precedence" and (str(value).split() or [""])[0].lower() in _BULK_PRECEDENCE:
            return True
    return False


# --- decisions ------------------------------------------------------------------------------


def decision_in(text: str) -> Outcome | None:
    """The decision `text` (a message's new text) states, or None (see `policy.decisions`)."""
    return read_decision(text).decision


# --- one message, read once ---------------------------------------------------------------------

# What is read of one message's new text (timeline and return dates); the decision reader
# reads its own, shorter, prefix. Real new text is a few KB; this bounds a hostile message.
MAX_READ_CHARS = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What one recruiter-side message tells me: the planner's and `followup read`'s answer."""

    auto: bool
    bulk: bool
    decision: Outcome | None
    uncertain: bool  # it may state a decision the reader could not make out: read it
    maybe: Outcome | None
    promised_on: date | None  # a timeline statement's P
    statement: str
    returns_on: date | None  # an auto-reply's return date R


def read_reply(message: Message, text: str, sent_on: date, calendar: BusinessCalendar) -> Reading:
    """Read `message` whose new text is `text`, sent on the local date `sent_on`.

    POLICY.md: an auto-reply is never an answer or a statement (only its return date
    counts); bulk mail is never a statement, only a decision in it counts.
    """
    text = text[:MAX_READ_CHARS]
    auto = is_auto_reply(message)
    bulk = is_bulk(message.headers)
    if auto:
        return Reading(
            auto=True,
            bulk=bulk,
            decision=None,
            uncertain=False,
            maybe=None,
            promised_on=None,
            statement="",
            returns_on=find_return_date(text, sent_on, calendar),
        )
    decided = read_decision(text)
    statement = None if bulk else find_statement(text, sent_on, calendar)
    return Reading(
        auto=False,
        bulk=bulk,
        decision=decided.decision,
        uncertain=decided.uncertain,
        maybe=decided.maybe,
        promised_on=statement.promised_on if statement else None,
        statement=statement.text if statement else "",
        returns_on=None,
    )
