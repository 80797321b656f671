"""What a message says: its new text, whether it is an auto-reply, and any decision in it.

POLICY.md "Which threads belong": only the new text of a message counts; quoted earlier
messages, forwarded blocks and signatures are not read. POLICY.md "Replies that change the
plan": the decision phrases and the auto-reply markers.
"""

from __future__ import annotations

import re

import quotequail

from policy.html_text import html_to_text
from policy.models import Message, Outcome

__all__ = ["decision_in", "is_auto_reply", "new_text"]

# --- new text ------------------------------------------------------------------------------

# RFC 3676 section 4.3: "-- " alone on a line starts the signature. Many clients strip the
# trailing space, so a bare "--" counts too.
_SIG_DELIMITER = re.compile(r"^--[ \t]*$")

# Mobile and webmail footers that are signatures in all but name.
_DEVICE_FOOTER = re.compile(
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
_SIGN_OFF = re.compile(
    # Longest first, so "best regards" is not read as "best" followed by a name.
    "^(?:"
    + "|".join(re.escape(p) for p in sorted(_SIGN_OFF_PHRASES, key=len, reverse=True))
    + r")(?![\w'])\s*[,.!:\-\u2013\u2014]*",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-Z][\w.'\-]*$")
# A signature after a sign-off: at most this many non-empty lines, none longer than that.
_SIG_MAX_LINES = 10
_SIG_MAX_LINE = 600  # legal disclaimers are long single lines
# A postscript is part of the message, not of the signature.
_POSTSCRIPT = re.compile(r"^p\.?\s?s\.?\b", re.IGNORECASE)


# Two "Key: value" lines in a row ("From: …" then "Sent: …"): the only shape unwrap() reads
# as a reply or forward header, checked first because unwrap() is slow on every body.
_HEADER_PAIR = re.compile(
    r"^[ \t*]*[^\W\d][\w .-]{0,24}:[^\n]*\n[ \t*]*[^\W\d][\w .-]{0,24}:", re.M
)


def _quotequail_top(text: str) -> str:
    """The part of `text` above any quoted reply or forwarded block, as quotequail finds it."""
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


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")
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


def new_text(message: Message) -> str:
    """The text the sender wrote in `message`: no quotes, forwards or signature; never raises."""
    try:
        if message.body_text.strip():
            text = message.body_text
        elif message.body_html.strip():
            text = html_to_text(_quotequail_html_top(message.body_html))
        else:
            return ""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _quotequail_top(text)
        text = _drop_quoted_lines(text)
        text = _strip_signature(text)
        return _tidy(text)
    except Exception:  # the last resort: the whole body is better than a stopped pass
        return _tidy(message.body_text or html_to_text(message.body_html))


# --- auto-replies ---------------------------------------------------------------------------

_AUTO_SUBJECT = re.compile(
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


# --- decisions ------------------------------------------------------------------------------

_NEG = r"(?:\bnot|n't|\bno longer|\bnever|\bunable)"
# Words between a negation and its verb: "not be moving", "not going to move", "not able to".
_AUX = r"(?:(?:be |been )?(?:able to |going to )?|to )?"
_MOVE = (
    r"(?:mov(?:e|ing)|go(?:ing)?|advanc(?:e|ing)|tak(?:e|ing)|invit(?:e|ing)|progress(?:ing)?"
    r"|proceed(?:ing)?)"
)
_OTHER_PEOPLE = (
    r"(?:(?:an?other|other|(?:a )?different|(?:a )?(?:few|small number of|number of) other"
    r"|more qualified|stronger) (?:\w+ ){0,2}?(?:candidate|applicant|individual|profile|finalist"
    r"|person|people)|someone else|(?:the |other )?(?:candidates?|applicants?) (?:whose|who|that))"
)

# POLICY.md "Decision", rejected, with the variants recruiters commonly write.
_REJECTED = tuple(
    re.compile(pattern)
    for pattern in (
        # "decided to move forward with other candidates", "go ahead with another applicant"
        r"\b(?:mov(?:e|ed|es|ing)|go(?:ing|ne)?|went|proceed\w*|continu\w*) (?:forward |ahead )?"
        rf"with {_OTHER_PEOPLE}",
        r"\bpursu\w* " + _OTHER_PEOPLE,
        # "not moving forward", "will not be moving forward", "won't be moving you forward"
        # ("not moving forward with anyone yet" is no decision)
        rf"{_NEG} {_AUX}{_MOVE} (?:(?:you|your \w+(?: \w+)?) )?"
        r"(?:forward|ahead|further|to (?:an? |the )?(?:next|final|second|onsite|interview))"
        r"(?! (?:with (?:anyone|anybody|any \w+)|until|yet|before|without)\b)",
        # "decided not to proceed", "will not be progressing your application"
        rf"{_NEG} {_AUX}(?:proceed(?:ing)?|progress(?:ing)?|pursu(?:e|ing)|continu(?:e|ing))"
        r" (?:with |forward with )?(?:you\b|your (?:application|candidacy|profile|process)"
        r"|this application|at this (?:time|stage|point))",
        rf"{_NEG} to (?:proceed|progress|pursue|continue)\b",
        rf"{_NEG} {_AUX}(?:extend(?:ing)?|mak(?:e|ing)) (?:you )?(?:an|the|a) offer",
        # "unable to offer you", "not in a position to offer you the role"
        r"\b(?:unable|not able|not in a position) to (?:offer|extend)",
        # "the position has been filled"
        r"\b(?:position|role|job|vacancy|opening|req(?:uisition)?)s? (?:has|have|had|is|was) "
        r"(?:now |already |since )?(?:been )?filled\b",
        r"\bwe (?:have |'ve )?(?:now |already )?filled (?:the|this|that) (?:position|role|job)",
        # "offered the role to another candidate", "hired someone else"
        r"\boffer(?:ed)? (?:the|this) (?:position|role|job) to (?:an?other|someone|a different"
        r"|an internal)",
        r"\b(?:hire|hired|hiring) (?:someone else|another candidate|a different candidate)",
        r"\b(?:go|going|gone|went) (?:in )?(?:a )?different direction",
        # "you were not selected", "your application was unsuccessful"
        r"\b(?:have|has|were|was|are|is)(?: not|n't) (?:been )?selected\b",
        r"\b(?:have|has|were|was)(?: not|n't) been successful\b",
        r"\b(?:application|candidacy|you) (?:has|have|was|were) (?:been )?unsuccessful\b",
    )
)

# POLICY.md "Decision", offer. "offer" alone is not an offer.
_OFFER = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(?:pleased|happy|delighted|excited|thrilled|glad) to (?:formally )?"
        r"(?:offer (?:you\b|(?:the|this|a) (?:position|role|job)\b|employment)"
        r"|extend (?:you )?(?:an|the|this|a formal|a verbal|a written) offer)",
        r"\b(?:like|love|want) to (?:formally )?offer you\b",
        r"\bextend(?:ing)? (?:you )?(?:an|the|a formal|a verbal|a written) offer",
        r"\boffer letter\b",
        r"\boffer of employment\b",
        r"\b(?:formal|verbal|written) offer\b",
    )
)
# "pleased to offer you a second interview" is the next round, not an offer.
_TO_OFFER = re.compile(r"\boffer you$")
_OFFER_OF_INTERVIEW = re.compile(
    r"^[\w ,'\-]{0,40}?\b(?:interview|round|stage|call|chat|conversation|meeting|onsite"
    r"|on-site|assessment|opportunity to (?:meet|speak|interview|talk))\b"
)

# POLICY.md "Decision", next round.
_NEXT_ROUND = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bnext (?:round|stage|interview)\b",
        r"\binvit(?:e|ing) you (?:to|for|back)\b",
        r"\b(?:schedule|set up|arrange|book) (?:a|an|the|your) (?:follow-up|follow up|second"
        r"|third|final|next|onsite|on-site|technical|panel) (?:round|interview|conversation|call)",
        r"\b(?:mov(?:e|ing)|advanc(?:e|ing)|progress(?:ing)?) you (?:forward|ahead|on|to)\b",
        r"\b(?:have|bring|see) you (?:back|in) (?:for|to)\b",
        r"\boffer you (?:a|an|the) (?:[\w-]+ ){0,2}?(?:interview|round|stage)\b",
    )
)
# "invite you to apply for future roles", "... to join our talent community": not a round.
_INVITE_ELSEWHERE = re.compile(
    r"^\s*(?:re-?apply|apply|join our (?:talent|candidate|alumni)|connect|follow|subscribe"
    r"|stay in touch|keep in touch|our talent|consider other)"
)

# A decision stated as a condition is none yet: "if we decide to move you forward, ...".
_CONDITIONAL = re.compile(
    r"\b(?:if|whether|unless|in case|once (?:we|you|the|our|i)|should (?:we|you|the)"
    r"|before (?:we|you|your|the|making|extending|any)|in the event)\b"
)
# An offer or round that is only announced as still to come: "we'll let you know about the
# next round by Friday" is a timeline statement, not a decision.
_TO_COME = re.compile(
    r"\b(?:let you know|get back to you|be in touch|hear back|update you|decide|deciding)\b"
)
# A negated or hedged offer or round: "we are not able to invite you to", "we may invite you".
_HEDGE = re.compile(r"(?:\bnot|n't|\bno|\bnever|\bunable|\bcannot|\bmay|\bmight|\bhope)\b")
_CLAUSE_END = re.compile(r"[.!?;:\n]")


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return re.sub(r"[ \t\u00a0]+", " ", text)


def _clause_before(text: str, start: int) -> str:
    """The text of the sentence (or line) that a match at `start` sits in, up to the match."""
    begin = 0
    for found in _CLAUSE_END.finditer(text, 0, start):
        begin = found.end()
    return text[begin:start]


def _stated(text: str, start: int, *, hedged: bool) -> bool:
    """True unless the match at `start` is conditional (or, with `hedged`, negated/hedged)."""
    clause = _clause_before(text, start)
    if _CONDITIONAL.search(clause):
        return False
    if hedged:
        if _TO_COME.search(clause):
            return False
        near = " ".join(clause.split()[-4:])
        if _HEDGE.search(near):
            return False
    return True


def _finds(
    text: str, patterns: tuple[re.Pattern[str], ...], *, hedged: bool
) -> list[re.Match[str]]:
    return [
        found
        for pattern in patterns
        for found in pattern.finditer(text)
        if _stated(text, found.start(), hedged=hedged)
    ]


def decision_in(text: str) -> Outcome | None:
    """The decision `text` (a message's new text) announces, or None.

    Priority when several match: rejected > offer > next_round, so a rejection that "invites
    you to apply for future roles" is a rejection. A phrase inside a conditional clause
    ("if", "whether", "once we", "before we" earlier in its sentence) is not a decision; an
    offer or round phrase just after a negation or hedge ("not", "unable", "may", "might")
    is not one either.
    """
    normal = _normalise(text)
    if _finds(normal, _REJECTED, hedged=False):
        return Outcome.REJECTED
    for found in _finds(normal, _OFFER, hedged=True):
        if _TO_OFFER.search(found.group(0)) and _OFFER_OF_INTERVIEW.match(normal[found.end() :]):
            continue
        return Outcome.OFFER
    for found in _finds(normal, _NEXT_ROUND, hedged=True):
        if found.group(0).startswith("invit") and _INVITE_ELSEWHERE.match(normal[found.end() :]):
            continue
        return Outcome.NEXT_ROUND
    return None
