"""What a reply tells me about this job: rejected, offered, invited further, or nothing yet.

POLICY.md "Replies that change the plan", Decision. Employers word these in endless ways,
so this is no list of stock phrases: each sentence is read for what it says.
(Why one long module: the vocabulary of each reading below sits beside the function that
uses it, and the readings are weighed against each other in `read_decision`.)

- **Who and to whom.** An offer, an invitation or a move forward counts when it is made to
  me ("offer *you*", "invite *you*", "move *you* forward", "*your* application"); the same
  verbs with someone else as their object ("another candidate", "someone with more
  experience", "a designer whose ...") say the job went elsewhere, so I am rejected.
- **Negation.** "not", "never", "no longer", "unable to" (contractions are expanded first)
  in front of a verb of advancing, offering or selecting turn it into a rejection
  ("we won't be moving you forward", "you were not selected", "unable to offer you a
  place"); in front of an offer or an invitation they cancel it.
- **What is still open.** A clause that is conditional ("if you're selected for the next
  round"), hoped or planned ("we hope to make an offer"), retracted ("please disregard the
  invitation"), pending ("made an offer to another finalist and are waiting to hear back"),
  or about no one yet ("not moving forward with anyone until January") decides nothing.
- **The job itself.** The role filled, closed or eliminated is a rejection unless the same
  sentence keeps mine open ("we filled the Seattle role, but yours is still open").
- **Another job than mine.** An offer or an invitation for a different role ("the Junior
  Analyst position instead", "a better fit for a different team") is a rejection of this
  one, as POLICY.md says of another role suggested instead. A request for my references is
  the reference check, a further stage.

The decision is read from the whole new text, so the decisive sentence may stand first,
after small talk or in a P.S. Priority when several are stated: rejected > offer >
next_round. Where only the tone says something ("unfortunately", "congratulations") and
no sentence states a decision, the reading is `uncertain`: a person should read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from policy.models import Outcome
from policy.vocabulary import Lazy

__all__ = ["DecisionReading", "read_decision"]


# Decisions are stated near the top of real mail; a longer text is read up to this many
# characters (the rest is usually a pasted document or a disclaimer).
MAX_DECISION_CHARS = 20_000


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionReading:
    """The decision a text states, or that it may state (`uncertain`, with its guess)."""

    decision: Outcome | None
    uncertain: bool = False
    maybe: Outcome | None = None


# --- normalisation ---------------------------------------------------------------------------

_CONTRACTIONS = (
    (Lazy(r"\bwon't\b"), "will not"),
    (Lazy(r"\bshan't\b"), "shall not"),
    (Lazy(r"\bcan't\b|\bcannot\b"), "can not"),
    (Lazy(r"\bain't\b"), "is not"),
    (Lazy(r"n't\b"), " not"),
    (Lazy(r"'re\b"), " are"),
    (Lazy(r"'ve\b"), " have"),
    (Lazy(r"'ll\b"), " will"),
    (Lazy(r"\bi'm\b"), "i am"),
    (Lazy(r"'d\b"), " would"),
    (Lazy(r"'s (?=been\b)"), " has "),
    (Lazy(r"\b(it|that|there|here|this|what|who|he|she)'s\b"), r"\1 is"),
)
_SPACES = Lazy(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def _normalise(text: str) -> str:
    text = text.lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\u2010-\u2012]", "-", text)
    text = re.sub(r"[\u2013\u2014\u2015]", " \u2014 ", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text)


# A sentence ends at . ! ? followed by a space or the end, at a line break, and at ;.
# Abbreviations ("dr.", "e.g.") and decimals do not end one.
_SENTENCE_END = Lazy(r"[.!?]+(?=\s|$)|\n|;")
_ABBREVIATION = Lazy(r"(?:\b(?:dr|mr|mrs|ms|prof|st|no|vs|etc|approx|e\.g|i\.e|inc|ltd)|\b\w)$")


def _sentences(text: str) -> Iterator[str]:
    start = 0
    for found in _SENTENCE_END.finditer(text):
        if found.group().startswith(".") and _ABBREVIATION.search(text, start, found.start()):
            continue
        piece = text[start : found.start()].strip(" \"'*-\u2022>")
        if piece:
            yield piece
        start = found.end()
    piece = text[start:].strip(" \"'*-\u2022>")
    if piece:
        yield piece


def _w(pattern: str) -> Lazy:
    """A rule: a space stands for one space (text is normalised), `\\b` guards both ends."""
    return Lazy(r"\b(?:" + pattern + r")\b")


# --- words -----------------------------------------------------------------------------------

# Me as the one the verb is about.
_ME = r"(?:you|your (?:application|candidacy|candidature|profile|cv|resume|file|details|interest))"
# The job as a thing that can be offered.
_JOB = (
    r"(?:position|role|job|post|place|spot|seat|contract|appointment|opportunity|employment"
    r"|offer|internship|vacancy|placement|training contract|residency)"
)
_PERSON = (
    r"(?:candidate|applicant|finalist|person|individual|profile|hire|professional|colleague"
    r"|designer|engineer|developer|manager|teacher|nurse|people|candidates|applicants"
    r"|finalists|individuals|profiles|professionals|folks|talent|guy|bloke|chap|woman|man|lady"
    r"|gentleman|fellow)"
)
# Someone who is not me: "another candidate", "someone else", "a designer with deeper motion
# experience", "candidates whose background is closer", "an internal candidate".
_OTHER = (
    r"(?:(?:someone|somebody|anybody) (?:else|who|whose|with|from|that|internally|in-house)"
    r"|another (?:[\w-]+ ){0,2}?" + _PERSON + r"|another one"
    r"|(?:the |a few |some |several |two |three |four )?other (?:[\w-]+ ){0,2}?" + _PERSON + r""
    r"|(?:an?|the|one) (?:different|other"
    r"|preferred|internal|external|stronger|alternative|more(?: [\w-]+)?) (?:[\w-]+ ){0,2}?"
    + _PERSON
    + r"|(?:an?|the|one|two|three|several) (?:[\w-]+ ){0,2}?"
    + _PERSON
    + r" (?:who|whose|whom|with|that|from)|"
    + _PERSON
    + r" (?:who|whose|whom|that|with (?:more|deeper|stronger|greater|broader|direct|prior"
    r"|longer|specific|hands-on|extensive|significant))|(?:an?) [\w-]+ (?:who|whose"
    r"|with (?:more|deeper|stronger"
    r"|greater|broader|extensive|significant|direct|prior|longer|specific|hands-on|[\w-]+ "
    r"experience)))"
)
_NEG = r"(?:not|never|no longer|unable to|no)"
# Between a negation and its verb: "not be", "not yet be able to", "not in a position to".
_GAP = (
    r"(?:(?:be|been|being|able to|going to|in a position to|to|currently|quite|ever|have|has"
    r"|had|consider|be able to|want to|wish to|likely|now|at this (?:time|stage|point)"
    r"|on this occasion|this time|ultimately|today|decided to|planning to|looking to"
    # a judgement negated before what it judges: "we don't feel there is a strong enough match"
    r"|(?:feel|think|believe) (?:that )?(?:there is|there was|it is|it was|this is|you are)"
    r"|there is|there was|an?)\s+){0,4}"
)

# --- rejected: negated advancement -----------------------------------------------------------

_REJECT_NEGATED = tuple(
    _w(_NEG + r" " + _GAP + body)
    for body in (
        # "not moving forward", "won't be taking you further", "not progress your application"
        r"(?:mov\w*|tak\w*|took|progress\w*|advanc\w*|bring\w*|brought|put\w*|carry\w*|push\w*"
        r"|go\w*|went) (?:(?:"
        + _ME
        + r"|things|this|it|matters|your \w+) )?(?:any |much )?(?:forward|further"
        r"|ahead|on to|onto|through|past|beyond|to (?:an? |the )?(?:next|final|second|third"
        r"|later|offer|onsite|reference|interview)\w*)",
        r"(?:proceed\w*|progress\w*|continu\w*|pursu\w*|advanc\w*) (?:forward )?(?:with )?(?:"
        + _ME
        + r"|further|forward|at this (?:time|stage|point)|this time|on this occasion|to (?:the )?"
        r"(?:next|references?|reference|offer|interview|second|final|stage|onsite|later)\w*)",
        r"(?:proceed\w*|progress\w*|pursu\w*)$",
        # a stray word before the verb, as merged templates leave it, when its object is my
        # application: "we will not be extending proceeding with your application"
        r"(?:[\w-]+ ){1,2}?(?:proceed\w*|progress\w*|continu\w*|mov\w* forward|go\w* ahead)"
        r" (?:further )?with (?:you\b|your (?:application|candidacy|candidature|profile))",
        r"(?:consider\w*|under consideration|in consideration|in the running|in contention)"
        r"(?: " + _ME + r"| further| for (?:this|the|that) \w+)?",
        # "not extending an offer", "not offering you a training contract", "unable to offer"
        r"(?:offer\w*|extend\w*|mak\w*|made|giv\w*|gave) (?:you )?(?:(?:an?|the|any|this|that)"
        r" )?(?:[\w-]+ ){0,3}?" + _JOB,
        r"(?:offer\w*|extend\w*) you\b",
        r"invit\w* (?:you|" + _ME + r") (?:to|for|back)",
        r"(?:schedul\w*|arrang\w*|book\w*|set\w* up|offer\w*|hold\w*) (?:you )?(?:an?|the|any)"
        r" (?:further|second|next|final|follow-up|another|additional|more|third) (?:[\w-]+ )?"
        r"(?:interview|round|stage|call|meeting|conversation|assessment)",
        r"(?:select\w*|shortlist\w*|chosen|picked|recommend\w*|appoint\w*|placed|succeed\w*"
        r"|successful|cleared|qualif\w*|among (?:them|the \w+)|one of (?:them|the \w+)"
        r"|progress\w*|advanced|short-listed)",
        r"(?:pass\w*|clear\w*|meet|met|obtain\w*|achiev\w*|reach\w*|make|made|get|got)"
        r" (?:the |through |to the )?(?:[\w-]+ ){0,2}?"
        r"(?:round|stage|interview|test|assessment|pass mark|threshold|bar|cut|requirements"
        r"|criteria|standard|shortlist)",
        r"work\w* out",
        r"(?:have|has|got) (?:a |any )?(?:place|role|position|spot|opening|room|vacancy) for you",
        r"(?:demonstrat\w*|show\w*|evidenc\w*) (?:the |enough |sufficient |a )?(?:[\w-]+ )?(?:level"
        r"|depth|evidence|experience|skills?|competenc\w*|knowledge)",
        r"(?:ma[dk]e|made|making|get|got|getting) it (?:through )?(?:to|into|onto|past)",
        r"(?:quite )?(?:strong|good|positive|solid|convincing|close|clear|compelling) enough",
        r"(?:tak\w*|bring\w*|hir\w*|welcom\w*) you (?:on|aboard|on ?board)\b",
        r"(?:(?:been|be) )?(?:found|considered|deemed|judged|assessed as) (?:to be )?(?:suitable"
        r"|eligible|qualified|a (?:good |strong )?(?:fit|match))",
        r"(?:quite |exactly )?what (?:we|they|the \w+|our \w+) (?:are|is|were|was) (?:looking for"
        r"|after|seeking|searching for|hoping for)",
        r"(?:(?:quite|sufficiently|fully|closely|well|strongly|entirely|really|exactly) )?"
        r"(?:match\w*|align\w*|fit|meet\w*|suit\w*) (?:with )?(?:what (?:we|the|our)|our"
        r" (?:[\w-]+ )?(?:needs|requirements|criteria)|the (?:[\w-]+ )?(?:role|requirements"
        r"|criteria"
        r"|needs|brief)"
        r"|exactly what)",
        r"(?:in your favou?r|the (?:news|outcome|answer|result) you|(?:good|great|the) news for"
        r" you)",
        r"(?:(?:think|believe|feel) )?(?:(?:it is|now is|the timing is|the time is) )(?:the )?right"
        r" (?:time|moment|timing)?",
        r"(?:hiring|recruiting|filling|recruit|hire|fill) (?:for )?(?:this|the|that) (?:[\w'-]+ )"
        r"{0,3}?(?:position|role|job|post|vacancy|opening)",
        r"(?:think |believe |feel )?(?:(?:it|this|you) (?:is|are|would be|will be) )?"
        r"(?:an? |the )?(?:right|good|strong|great|best|ideal|close|suitable|perfect|strongest"
        r"|closest|most suitable|natural)"
        r" (?:fit|match)|(?:(?:it|this|you) (?:is|are|would be|will be) )?(?:an? |the )(?:fit"
        r"|match)",
    )
)
# "not moving forward with anyone until January", "can't move forward with any decision":
# nothing decided about me yet.
_NOT_YET = Lazy(
    r"\s*(?:with (?:anyone|anybody|any (?:decisions?|candidates?|ones?|\w+ candidates?|hires?"
    r"|offers?|applicants?))"
    r"(?! (?:\w+ )?including you)|until|yet|before|pending|while|without)\b"
)
# Just after the negated verb: still to come ("yet", "until"), or a pause for a reason of
# the process ("because the budget is not approved", "because of a hiring freeze"), not a
# reason about me ("because of your experience").
_NOT_YET_NEAR = Lazy(
    r"\b(?:until|yet|pending|because (?:of )?(?:the |a |an |our |their |its )?(?:[\w-]+ ){0,2}?"
    r"(?:budget|approval|headcount|freeze|hold|pause|reorg\w*|restructur\w*|holidays?|delays?"
    r"|timing|funding|sign-off|paperwork))\b"
)
_GENERIC_NEGATED = Lazy(
    r"\b(?:candidates|applicants|those|anyone|people|everyone|others|whoever) (?:who are |who"
    r" have been |that are |)?$"
)

# --- rejected: the job went elsewhere or is gone ----------------------------------------------

_REJECT_OTHER = tuple(
    _w(body)
    for body in (
        r"(?:mov\w+|go|goes|going|gone|went|proceed\w*|continu\w*|progress\w*|advanc\w*)"
        r" (?:forward |ahead |on )?with " + _OTHER,
        r"(?:pursu\w*|select\w*|chose|chosen|choose|choosing|pick\w*|hire[ds]?|hiring|appoint\w*"
        r"|recommend\w*|identif\w*|decided on|settled on|landed on|opted for|(?:gone|went|going"
        r"|go) for|focus\w* on|prefer\w*|promot\w*|hold\w* out for|accepted|employ\w*|engag\w*"
        r"|take on|took on|bring on"
        r"|brought on"
        r"|brought in"
        r"|decided to (?:hire|appoint|select|go with)|found) " + _OTHER,
        r"(?:chosen|chose|decided|elected|opted) to (?:progress|advance|shortlist|take forward"
        r"|put forward|invite|move forward with|proceed with|go with|continue with) " + _OTHER,
        r"(?:offer\w*|giv\w*|gave|award\w*|extend\w*|made|mak\w+) (?:an? )?(?:(?:offer|the|this"
        r"|that|our|its) (?:[\w'-]+ ){0,6}?)?to " + _OTHER,
        r"fill\w* (?:the|this|that|it|our)(?: [\w'-]+){0,6}? with " + _OTHER,
        r"(?:accepted|taken) by " + _OTHER,
        # the job given to a third person, named before: "... decided to give the role to them"
        r"(?:offer\w*|giv\w*|gave|award\w*|extend\w*) (?:the|this|that|our|an?) (?:[\w'-]+ ){0,3}?"
        r"(?:job|role|position|post|offer|place|contract) to (?:him|her|them|that person|this"
        r" person)\b",
        r"(?:gone|went|been given|been awarded|given|awarded) to " + _OTHER,
        _OTHER + r" (?:has |have |had )?(?:now |since |already )?(?:accepted|taken|signed)"
        r" (?:the|our|an|their|this) (?:[\w-]+ )?(?:offer|role|position|job|post)",
    )
)
# An offer to someone else that is still open: "... and are waiting to hear back".
_PENDING = Lazy(
    r"\b(?:wait\w*|await\w*|hear\w* back|hear\w* from|respond\w*|response|reply|answer"
    r"|decline\w*|turn\w* (?:it )?"
    r"down|pending|not (?:yet )?(?:accepted|responded|answered|signed)|yet to (?:accept|respond|"
    r"sign)|fall\w* through|if (?:they|he|she))\b"
)
_REJECT_GONE = tuple(
    _w(body)
    for body in (
        r"(?:position|role|job|post|vacancy|opening|spot|place|requisition|req|it|search"
        r"|recruitment)(?: [^\s,;:]+){0,6}? (?:has|have|had|is|was|are|were)"
        r" (?:now |already |since |just |officially |recently )?(?:been )?"
        r"(?:filled|eliminated|cancelled|canceled|withdrawn|closed|abolished)",
        r"(?:we|they|the \w+|client|company) (?:have |has |had )?(?:now |already |just )?"
        r"(?:filled|closed) (?:all (?:of )?)?(?:the|this|that|our|their|its) (?:[\w'-]+ ){0,5}?"
        r"(?:position|role|job|post|vacancy|opening|spot|place|requisition|recruitment|search)s?",
        r"(?:clos\w+|end\w*|conclud\w*|cancel\w*) (?:the|this|our) (?:recruitment|requisition"
        r"|vacancy|hiring|search)(?! (?:for|on) (?:all )?(?:the|other))",
        r"(?:your|the) (?:application|candidacy|candidature|file)(?: [^\s,;:]+){0,6}?"
        r" (?:has|have|is|was) (?:now |been )*"
        r"(?:closed|declined|rejected|withdrawn|unsuccessful|not successful|not selected|ended)",
        r"(?:clos\w+|end\w*|stop\w*) (?:your|the) (?:application|candidacy|candidature|file)",
        r"(?:you|application|candidacy|candidature) (?:\w+ ){0,3}?(?:unsuccessful|not successful)",
        r"(?:(?:updated|changed|set) to|status(?: is)?)\W*(?:position filled|filled|closed"
        r"|not selected|rejected|declined|unsuccessful"
        r"|not progressing|no longer (?:under )?consider\w*)",
        r"(?:decided|going|chosen|opted|decide|will|would|have|had|are) (?:to )?pass(?! (?:along"
        r"|on to|onto|your|it|this|that|them|the|my|me|by|through|a|an|any))",
        r"pass on (?:you|your (?:application|candidacy|profile))",
        r"(?:stop|end|ending|close|closing) (?:things |it |the process |this process "
        r"|your (?:application|candidacy) )?(?:here|at this (?:point|stage)|for now)",
        r"(?:end|ending|close|closing) (?:the|this|our) process (?:with you|for you|here)",
        r"(?:go|going|gone|went|head\w*|take|taking|taken|move|moving) (?:in )?(?:a different"
        r"|another) (?:direction|way|route|path)|(?:go|going|gone|went|head\w*|take|taking"
        r"|taken|move|moving) (?:in )?(?:a )?different direction|(?:go|going|gone|went) the other"
        r" way",
        r"decline\w* to (?:move|proceed|progress|take|continue|offer|extend|pursue|advance)",
        r"(?:need|needs|want|wants|require|requires|needed|wanted|required) (?:someone|somebody"
        r"|a candidate|a person) (?:more|with more|who has more|with deeper|with stronger|with"
        r" greater|with broader|who can)",
        r"(?:continu\w+|resum\w+|re-?open\w*|keep\w*|extend\w*|restart\w*) (?:with )?(?:our|the)"
        r" (?:search|recruitment|hiring search)",
        r"decided against (?:you|your|moving|proceeding|progressing|offering|extending)",
        # another job suits me better than this one: "a stronger fit for a different team",
        # "a better fit for our Support team than for the Sales role"
        r"(?:better|stronger|more natural|closer|more suitable|best) (?:fit|match|suited)"
        r" (?:for|to) (?:[\w'-]+ ){0,5}?(?:than (?:for )?(?:the|this|that|your)\b|(?:different"
        r"|another|other|alternative) (?:[\w-]+ ){0,2}?(?:role|position|job|opening|team"
        r"|department|function|post))",
        r"(?:found|considered|deemed|judged) (?:to be )?(?:unsuitable|ineligible|not suitable)",
        r"(?:hire|hiring|hired|fill\w*|promot\w*|recruit\w*|offered|given|awarded) (?:the"
        r" (?:role|position) )?(?:from"
        r" within|internally|in-house)",
        r"(?:it is|the answer is|(?:this|that)(?: one)?(?:'s| is)) a (?:no|pass)\b",
        r"re-?advertis\w* (?:the|this|that) (?:role|position|post|job|vacancy)",
        r"(?:we|they) (?:have|has) (?:now |already |just )?(?:hired|appointed|recruited)(?=\W*$"
        r"| for the| someone)",
        r"(?:more|greater|deeper|broader|stronger|longer) (?:[\w-]+ ){0,5}?than you (?:currently )?"
        r"(?:have|had|bring|offer|showed|demonstrated)",
        r"(?:selection|choice|decision|pick)(?: [\w'-]+){0,6}? (?:it )?(?:was|is) not you\b"
        r"|(?:it|the (?:choice|selection|pick)) (?:was|is) not you\b(?!,? (?:it|we))",
        r"(?:keep|continue|carry on|go on) (?:on )?(?:looking|searching|interviewing other)",
        r"(?:clos\w*|cancel\w*|eliminat\w*|withdr[ae]w\w*|pull\w*) (?:the|this|our"
        r"|that) (?:[\w'-]+ )"
        r"{0,4}?(?:position|role|job|opening|vacancy|requisition|req|post)(?! (?:to|for) (?:new|"
        r"external|further))",
        r"(?:position|role|job|post|vacancy|opening|spot)(?: [^\s,;:]+){0,6}? (?:is|are|has"
        r" been) no longer (?:available|open|active|being recruited|vacant)",
        r"(?:have|has|had|now|just|already) (?:now |just |already )?(?:hired|appointed|recruited"
        r"|made (?:an|the|our) (?:appointment|hire|selection)) (?:for |to |into )?(?:the|this"
        r"|that|our) (?:[\w'-]+ ){0,4}?(?:position|role|job|post|vacancy|opening)",
        r"(?:selected|chose|chosen|hired|appointed|found|picked|(?:went|gone|going|go) with"
        r"|offered (?:it|the \w+) to) (?:someone|somebody)\b",
        r"(?:an?|the)? ?(?:other|another) (?:[\w-]+ )?(?:candidate|applicant|finalist|person"
        r"|individual)(?:s|'s|s')? (?:[\w-]+ ){0,4}?(?:was|were|is|are|had|has) (?:simply |just )?"
        r"(?:a |the )?(?:better|closer|stronger|more|best|greater|deeper|broader)",
        r"(?:rescind\w*|withdr[ae]w\w*|retract\w*|revok\w*) (?:the|your|our|this) (?:\w+ )?offer",
        # the decision turned on another person: "it came down to the other candidate having
        # more festival experience", "which gave him the edge"
        r"(?:came|comes|come|boiled|boils) down to (?:the other|another|an internal|the internal"
        r"|one other) (?:[\w-]+ )?(?:candidate|applicant|finalist|person|individual)(?!s)\b",
        r"gave (?:him|her|them|the other (?:[\w-]+ )?(?:candidate|applicant|finalist))"
        r" (?:a |an |the )?(?:[\w-]+ ){0,4}?edge\b",
        # someone else judged better: "we decided someone else was a better fit"
        _OTHER + r" (?:was|were|is|are|would be) (?:simply |just )?(?:a |the )?(?:better|stronger"
        r"|closer|best|more suitable|more qualified|more experienced|right)\b",
        r"(?:other candidates|others) (?:were|are) (?:a )?(?:closer|better|stronger|more"
        r" (?:closely|suitable|qualified|aligned))",
    )
)
# The rejection names another job than mine ("we filled the Seattle role, but the Portland
# role you interviewed for is still open").
_STILL_OPEN = Lazy(
    r"\b(?:still|remains?|remaining|is) (?:very much )?(?:open|available|active|in (?:the )?"
    r"(?:running|process|consideration|contention)|under (?:consideration|review)|being"
    r" considered)\b"
)

# --- offer -----------------------------------------------------------------------------------

_OFFER = tuple(
    _w(body)
    for body in (
        # "pleased to offer you the role", "we're offering you", "would like to offer you"
        r"offer\w* you\b(?! (?:(?:an?|the|some|any|our|my|more|a few|a quick|a short) )?"
        # (what is offered is no job: "feedback", "a call"; once a job is named, what
        # follows is its description: "the role in our Customer Support team")
        r"(?:(?!(?:position|role|job|post|contract|internship|placement)\b)[\w-]+ ){0,5}?"
        r"(?:[\w]+-)?(?:feedback|call|chat|advice|support|help|insight|tips"
        r"|guidance"
        r"|flexibility|interview|round|stage|conversation|meeting|assessment|trial|shift|test|task"
        r"|exercise|visit|tour|session|screen|panel|workshop|presentation|opportunity to"
        r" (?:interview|meet|speak|talk|present|join us for)|slot|time|chance to (?:interview"
        r"|meet|speak)|coffee|discount|sponsorship|referral|reference))",
        r"offer\w* (?:(?:the|this|a|an|our) )?(?:[\w'-]+ ){0,5}?" + _JOB + r" to you\b",
        # "make you an offer"; without "you" only as what we are glad or about to do
        r"(?:make|making|made|extend\w*|send\w*|present\w*) you (?:an?|the|our|this) (?:[\w-]+ )"
        r"{0,2}?offer",
        r"(?:pleased|happy|delighted|excited|thrilled|glad|honou?red|like|love|want|wanted)"
        r" to (?:formally )?(?:make|extend|present|send|share) (?:to you )?(?:an?|the|our|this)"
        r" (?:[\w-]+ ){0,2}?offer(?! (?:to (?!you)|process|stage)\b)",
        r"(?:prepar\w*|put\w* together|approv\w*|finali[sz]\w*|draft\w*|revis\w*|updat\w*)"
        r" (?:you )?(?:an?|the|our|your|this|a formal|a written|a verbal|a conditional|a tentative"
        r"|the formal|the written|the revised|an updated) (?:[\w-]+ ){0,2}?offer(?! (?:to (?!you)"
        r"|process|stage)\b)",
        r"(?:an?|the) (?:[\w-]+ )?offer (?:for|to) you\b",
        r"(?:offer|appointment) letter|letter of (?:offer|appointment|intent)"
        r"|offer of (?:an? |the )?(?:[\w-]+ ){0,4}?(?:employment|appointment|position|role|job"
        r"|post|place|contract)|confirm\w* (?:our|the|your|this|my) (?:[\w-]+ )?offer"
        r"|your offer (?:has|is|was|will|letter|pack|package|details)|you are (?:officially )?hired"
        r"|(?:delighted|pleased|happy|glad|thrilled) if you (?:would|will|could) accept"
        r"|(?:attached|enclosed|sent|sending|attaching|enclosing) (?:you )?(?:the |your |our )?"
        r"(?:employment )?(?:contract|agreement|offer)\b|(?:formal|written|verbal|conditional"
        r"|tentative"
        r"|contingent|official|revised|updated|job|employment) offer",
        r"(?:this|the|our|your) offer is (?:contingent|conditional|subject|dependent|pending)",
        r"(?:hire|appoint|onboard|employ|engage) you\b|approv\w* your (?:hire|hiring|appointment)",
        r"confirm\w* (?:your|the) (?:appointment|hire|hiring|employment)\b",
        r"(?:your )?application(?: [^\s,;:]+){0,8}? (?:has been|was|is|have been) successful(?!"
        r" (?:at|in|for|through) (?:the |this )?(?:[\w-]+ )?(?:stage|round|screen|interview))",
        r"(?:mov\w+|progress\w*|advanc\w*|tak\w+|bring\w*) (?:you|your (?:application|candidacy))"
        r" (?:forward |through )?to (?:the |an )?offer\b",
        r"(?:your )?new (?:role|job|position) with us|onboarding (?:pack|paperwork|documents"
        r"|portal|forms|checklist)|your (?:first day|start date) (?:is|will be|with us)",
        r"(?:you )?accept (?:the|our|this|your) (?:[\w-]+ ){0,2}?offer\b",
        r"(?:mov\w+|proceed\w*|go|going) (?:forward |ahead )?with (?:an|the|a formal|a written"
        r"|your) offer(?! (?:to|for) (?:an?other|other|the other|the successful|an? (?:candidate"
        r"|applicant|finalist)|one of|our (?:first|top)))",
        r"(?:like|love|want) (?:for )?you to (?:take|accept) (?:the|this|our) (?:[\w-]+ ){0,3}?"
        r"(?:role|job|position|post|offer)",
        r"(?:chosen|selected|picked) you (?:as|for (?:the|this) (?:[\w-]+ ){0,3}?" + _JOB + r")",
        r"you (?:have|has) been (?:selected|chosen|appointed|hired) (?:as|(?:for|to) (?:the"
        r"|this|a|an)"
        r" (?:[\w'-]+ ){0,5}?(?:position|role|job|post|vacancy|opening|internship|place))(?!"
        r" (?:interview|round|stage))",
        r"you (?:have been|are|were) (?:selected|chosen) (?:to (?:be |become )?(?:a )?(?:part"
        r"|member) of|to join) (?:our|the) (?:[\w-]+ )?(?:team|company|family|firm"
        r"|organi[sz]ation|staff)\b"
        r"(?! (?:for|at) (?:an?|the|your|our) )",
        r"you (?:have been|are|were) (?:selected|chosen|appointed)(?: [\w&'-]+){0,6}? (?:in|for|to"
        r"|as) (?:the|a|an) (?:position|role|post) (?:of|as)\b",
        # an invitation to become one of us is the offer: "invite you to become part of our team"
        r"invit\w* you to (?:become|be) (?:a )?(?:part|member) of (?:our|the|a) (?:[\w-]+ ){0,2}?"
        r"(?:team|company|family|firm|organi[sz]ation|staff)\b(?!.*\b(?:for (?:an?|the|your)"
        r" (?:[\w-]+ )?(?:interview|round|stage|day|event|session|webinar)|community|network"
        r"|pool)\b)",
        r"invit\w* you to join (?:us|our|the) (?:[\w-]+ ){0,3}?as (?:an?|our|the)\b",
        r"(?:you have been|you were) successful in (?:your application|securing|being)",
        r"(?:position|job|role|post|spot|place) is yours",
        r"you are our (?:pick|choice|chosen one|(?:successful|chosen|selected) candidate|new"
        r" [\w-]+)\b(?!.*\b(?:but|although|yet|before|still)\b)",
        r"you (?:have )?(?:got|landed|won|secured|earned) (?:the|this) (?:job|role|position|post"
        r"|offer|place)",
        r"offer (?:package|paperwork|pack|documents|documentation)",
        r"you (?:have )?got (?:it|the job)\b(?! (?:right|wrong))",
        r"congratulations on (?:your|the|receiving|getting) (?:[\w-]+ )?offer",
        r"your (?:hire|hiring|appointment|employment) (?:has (?:now |officially )?been|is|was)"
        r" (?:now |officially )?"
        r"(?:approved|signed off|confirmed|finali[sz]ed)",
        r"you will (?:now )?(?:receive|get) (?:the|your|an?) (?:formal |written |official )?offer"
        r"(?! (?:decision|update))\b",
        r"(?:the|your) offer (?:has been|is|was) (?:now )?(?:approved|signed off|finali[sz]ed|ready"
        r"|sent)",
        r"you (?:have been|were|are being|are) offered (?:the|a|an|this) (?:[\w'-]+ ){0,5}?"
        r"(?:position|role|job|post|place|contract)",
        r"(?:signed off|sign off|approved|finali[sz]ed|agreed) (?:on )?your offer",
        r"offer (?:details|letter|paperwork|terms) (?:to follow|will follow|are on (?:their|its)"
        r" way|is on its way|coming)",
        r"(?:recommend\w*|approv\w*) you for (?:appointment|hire|hiring|the (?:[\w-]+ ){0,3}?"
        r"(?:position|role|post|job))",
        r"welcome (?:aboard|on board|to (?:the|our) (?:team|crew|family|company|firm|practice"
        r"|group))",
        r"^welcome to (?!(?:our|the) (?:[\w-]+ )?(?:community|newsletter|network|portal|careers"
        r"|talent|pool|site|webinar|event|open day|blog))[\w&' -]{1,40}$",
        r"(?:glad|happy|thrilled|delighted|pleased|excited) (?:that )?you (?:have )?accepted",
        r"you will be joining (?:us|the|our)|(?:to|will) have you (?:join|on board|onboard|aboard"
        r"|on the team|with us)",
        # the job itself: join as, join the team, start with us or on a day, be our ...
        r"(?:like|love|wants?|wanted|delighted|thrilled|excited|pleased|happy) (?:for )?you to"
        r" (?:join (?:us|the team|our team|the company|[\w&'-]+) as|join (?:the|our) (?:[\w-]+ )?"
        r"(?:team|company|firm|practice|staff|department|school|crew|group)\b(?! (?:for|in|on|at)"
        r" )|start (?:with us|work\w*|on (?:monday|tuesday|wednesday|thursday|friday|saturday"
        r"|sunday|the \d+(?:st|nd|rd|th)?)|in (?:january|february|march|april|may|june|july"
        r"|august|september"
        r"|october|november|december)|next (?:week|month|year)|as|in the role|the role|your new"
        r"|on \d+(?:st|nd|rd|th)?)|come on board|come aboard|come onboard|come on as|be our"
        r"|take on the role"
        r"|take the role|lead (?:the|our) (?:[\w-]+ )?team|run (?:the|our))\b",
        r"(?:would you like|are you ready|do you want) to join (?:us|the team|our team) as",
        r"can not wait to (?:have you (?:start|join|on board|aboard)|welcome you|work with you)",
        r"(?:for|on) your first day\b",
        r"(?:like|love|wants?|wanted|delighted|thrilled|excited|pleased|happy) to (?:have|bring"
        r"|welcome)"
        r" you (?:on ?board|aboard|on|in|to the team|into the team|as)",
        r"want you (?:on (?:the|our) team|running|to join|as our|leading|in the role|for (?:the"
        r"|this) (?:role|job|position|post))",
        r"(?:your|the|our|an?) (?:employment |work )?(?:contract|agreement)(?: of employment)?"
        r" (?:\w+ ){0,6}?"
        r"(?:attached|enclosed|sign\w*|signature|countersign\w*|through|will be (?:posted|sent)"
        r"|is on its way)",
        r"(?:sign|countersign) (?:and return )?(?:the|your|both) (?:\w+ ){0,2}?(?:contract"
        r"|offer|copies)",
        r"(?:please find|attached is|enclosed is|here is) (?:the |your )?(?:employment )?"
        r"(?:contract|offer|agreement)",
        r"(?:could|can) you start (?:on |with us )?(?:\w+ ){0,2}?(?:monday|tuesday|wednesday"
        r"|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august"
        r"|september|october|november|december|next|on|the)",
    )
)

# --- next round ------------------------------------------------------------------------------

_STAGE = (
    r"(?:interview|round|stage|step|assessment|test|exercise|case study|presentation|trial"
    r"|shift|onsite|on-site|visit|callback|meeting|conversation|call|chat|questionnaire|task"
    r"|take-home|shadow|lesson|discussion|session|panel|loop|screen|screening|challenge"
    r"|walk-through|demo|day|references|reference checks?|referees)"
)
_NEXT = tuple(
    _w(body)
    for body in (
        r"invit\w* you (?:to|for|back|in|along|over|onsite)\b(?! (?:apply|re-?apply|join our"
        r" (?:talent|candidate|alumni|newsletter|community|network|mailing)|join the \w+ (?:talent"
        r"|community|network)|connect|follow|subscribe|stay|keep|our talent|consider|share|sign"
        r"|submit|browse|visit our (?:careers|website|site|blog)|complete (?:a|our|this|the)"
        r" (?:short )?survey))",
        r"you (?:are|have been|were|will be) invited (?:to|for)\b(?! (?:apply|join our))",
        r"(?:pleased|delighted|happy|like|love|want) to invite you\b",
        r"invitation (?:to|for) (?:an? |the |your |our )?(?:[\w-]+ ){0,2}?" + _STAGE,
        r"(?:like|love|want|wants|wish|keen|asked|ask) (?:for )?you to (?:come|attend|teach"
        r"|present|complete|do|take|meet|spend|interview|join us for|join (?:us|them|the team)"
        r" (?:for|at|in)|speak|talk|chat|sit|undertake|prepare|participate|visit|deliver|work a"
        r"|try)",
        r"(?:like|love|want|wants|keen) to (?:schedule|set up|arrange|book|organi[sz]e) (?:an?"
        r"|the|your|some|another|one more|a further) (?:[\w-]+ ){0,3}?" + _STAGE,
        r"(?:like|love|want|wants|keen|happy) to (?:bring|see|have|get) you (?:back|in|onsite"
        r"|on-site|out|over|along|to (?:our|the))",
        r"(?:like|love|want|wants|keen|wish|hoping) to (?:meet|speak with|speak to|talk to"
        r"|talk with|chat with|interview|see|sit down with) (?:with )?you\b",
        r"(?:speak|talk|meet|chat) (?:with |to )?you again",
        r"get (?:an?|the|your) (?:second|next|final|follow-up|further|third|onsite|[\w-]+)"
        r" (?:interview|round|call|meeting|chat|conversation) (?:on the calendar|scheduled|booked"
        r"|set up|in the diary|arranged|in)",
        r"(?:like|love|want|wants|need|needs) (?:[\w-]+ ){0,2}?(?:minutes|mins|hour|hours|time)"
        r" with you\b",
        r"(?:to|and|then) (?:progress|proceed|advance) (?:on |forward |through )?to"
        r" (?:the |an? )?(?:next|final|interview|second|onsite|on-site|assessment)",
        r"(?:(?:can|could|would|will) you (?:please )?|please )(?:come|pop|swing|stop|drop) (?:in"
        r"|by|over|back|down|along)(?: [\w-]+){0,6}? (?:(?:to )?(?:meet|interview|chat|talk"
        r"|speak|do"
        r"|work|present|sit|try)|for (?:an?|the|your|our) (?:[\w-]+ ){0,3}?" + _STAGE + r")",
        r"(?:delighted|pleased|happy|glad|great|love it) if you (?:could|would|can) (?:join|come"
        r"|attend|meet|do)",
        r"(?:like|love|want|wants|keen) to (?:hear|see) (?:your|a) (?:[\w-]+ ){0,3}?(?:presentation"
        r"|pitch|demo|case study|walkthrough|walk-through|portfolio)",
        r"(?:like|love|want|wants|keen|happy) to include you\b",
        r"(?:your|the) next (?:[\w-]+ )?(?:interview|round|stage|conversation|call|meeting|step)s?"
        r" (?:will be|is|would be|with|on)",
        r"(?:like|love|want|wants|keen|great|good|nice|wonderful|helpful|useful) to have you"
        r" (?:complete|do|take|meet|come|present"
        r"|interview|attend|join us for|sit|spend)",
        r"(?:want|wants|like|love|keen|hoping) (?:to (?:have|see|get) )?you back (?:for|to|in|on)",
        r"(?:move|moving|advance|advancing|progress|progressing|take|taking|bring|put|putting"
        r"|invite|push) (?:you|your (?:application|candidacy|profile)) (?:forward|ahead|on|to"
        r" the next|to (?:an? |the )?(?:next|final|second|third|later|onsite|last)|through"
        r"|further)",
        r"(?:move|moving|go|going) (?:forward|ahead) with you\b",
        r"take (?:things|this|it|matters) (?:further|forward|to the next)",
        r"(?:next|following|last|final|second|third) (?:step|stage|round|part|phase)s? (?:for"
        r" you |in (?:the|our) (?:\w+ )?process |of (?:the|our) (?:\w+ )?process |for us |is"
        r" usually |here |will be |would be )*(?:is|will be|would be|:|involves|will involve"
        r"|includes|will include|consists of|is going to be)",
        r"as (?:the|a|our) (?:next|following|final|last) (?:step|stage|part|round|phase)",
        r"as part of (?:the|our|your) (?:next|final|second|third|following) (?:round|stage|step"
        r"|interview)",
        r"(?:presentation|case study|exercise|task|prep\w*|brief) for (?:the|your) (?:next|final"
        r"|second|third|upcoming|follow-up|onsite) (?:interview|round|stage)",
        r"(?:as part of|during|in|at|for) (?:the|our) (?:next|following|final|last) (?:step|stage"
        r"|round|phase)(?: of (?:the|our) (?:\w+ )?process)?,? you will",
        r"next up(?: is| will be)?|(?:one|the) (?:last|final|more) step\b",
        r"(?:you are|you have|you) (?:now )?(?:through|made it through|progressed|moved|advanced"
        r"|been shortlisted|shortlisted|been selected|selected|been chosen|been invited|cleared"
        r"|passed|been put forward|put forward|been recommended) (?:to|for|into|onto|on to|the)"
        r" (?:an? |the )?(?:next|final|second|third"
        r"|later|last|shortlist|managerial|technical|hr|onsite|on-site|following|[\w-]+ (?:round"
        r"|stage|interview)|(?:stage|round|phase|step) (?:\d+|two|three|four|five))",
        r"(?:arrange|organi[sz]e|set up|schedule) for you to (?:visit|meet|come|speak|interview"
        r"|spend|try|present|talk)",
        r"through to (?:an? |the )?(?:next|final|second|third|last|later|following|stage)",
        r"(?:one more|another|a further|a second|a follow-up|a follow up|a final|a third)"
        r" (?:[\w-]+ )?(?:conversation|chat|call|meeting|interview|round|session|discussion)"
        r" with (?:you|(?:our|the|their|his|her) \w+)",
        r"(?:schedul\w*|book\w*) (?:a|an|the|your) (?:[\w-]+ ){0,3}?" + _STAGE,
        r"(?:congratulations|congrats) on (?:moving|progressing|advancing|making it|getting|going"
        r"|being (?:selected|shortlisted|invited|chosen|put forward))"
        r" (?:forward |on |through |ahead )?(?:to|into|for|onto) (?:the |an? |our )?"
        r"(?:[\w-]+ ){0,2}?" + _STAGE,
        r"(?:get|put|have|pencil|book) you (?:in |on )(?:the|our|his|her|their|my|a) (?:[\w-]+ )?"
        r"(?:calendar|diary|schedule)",
        r"(?:schedul\w*|arrang\w*|book\w*|set\w* up|do|run|start|begin|conduct\w*) (?:the |your"
        r" |some |a few |our |a )?(?:reference|referee)[- ]?(?:checks?|calls?)",
        r"(?:your|the) (?:[\w-]+ ){0,3}?(?:interview|discussion|round|call|meeting|session|visit"
        r"|assessment|test)s? (?:has been|is|have been|are) (?:now )?(?:scheduled|booked|confirmed"
        r"|arranged|set|ready|available)",
        r"(?:scheduling|booking|calendar) (?:link|invite|invitation) (?:for (?:your|the|an?|our)"
        r"|below|here|to"
        r" (?:book|pick|choose|find))|(?:here is|here's|use) (?:my|our|the|this) (?:scheduling"
        r"|booking|calendar|calendly) link|(?:pick|choose|book|select|grab) (?:a|an) (?:time"
        r"|slot|date)",
        r"(?:are|were|would) you (?:be )?(?:free|available|able|willing|around|up for)"
        r" (?:\w+ ){0,4}?(?:to (?:chat|meet|speak|talk|present|come|interview|join)"
        r"|for (?:an?|the) (?:[\w-]+ )?(?:chat|call|interview|meeting|conversation))",
        r"(?:would|will|could|can) you (?:be )?(?:willing|able|available) to (?:present|come|attend"
        r"|meet|interview|teach|deliver|complete|do)",
        r"(?:contact|speak (?:with|to)|call|reach out to|check) (?:\w+ ){0,3}?(?:your|the)"
        r" (?:\w+ )?(?:references|referees|reference)|(?:reference|references|referee)[- ]checks?"
        r" (?:stage|is|are)|(?:at|to) the (?:reference|reference-check|references) stage",
        r"(?:send|provide|share|forward|give) (?:me |us )?(?:with )?(?:the )?(?:names|contact"
        r" (?:details|information|info)|details)(?: and [\w ]+?)? (?:of|for) (?:\w+ ){0,3}?"
        r"(?:references|referees|supervisors|managers)",
        # a bare request for references is the reference check (POLICY.md next_round):
        # "could you send us two references?", "please provide three referees"
        r"(?:send|provide|share|forward|give|supply|email|submit|nominate|list|request|ask"
        r" (?:you )?for) (?:me |us |over |across |along )?(?:with )?(?:(?:two|three|four|2|3|4"
        r"|a few|a couple of|a couple|some|your|one or two|two or three|2-3|at least (?:two|three"
        r"|2|3)) )?(?:[\w-]+ ){0,2}?(?:references|referees)\b(?! (?:later|at a later|in due"
        r" course|if|once|when|only)\b)",
        r"(?:next|further) (?:stage|round|step) (?:of|in) (?:the|our) (?:\w+ )?process",
        r"availability (?:for|to (?:do|attend|join|schedule)) (?:an?|the|your|our)? ?(?:[\w-]+ )"
        r"{0,3}?" + _STAGE,
        r"(?:you|and) (?:are |were |have been |will be )?(?:now )?(?:selected|chosen|shortlisted"
        r"|invited)"
        r" to (?:move|advance|progress|proceed|continue|go|attend|interview|join us|come"
        r"|join (?:the|our) (?:[\w-]+ )?team for)",
        r"(?:please|could you|can you|would you|like you to|love you to|need you to|ask you to)"
        r" (?:please )?(?:complete|take|do|sit|attempt|book|schedule|submit|finish|choose|pick"
        r"|select|prepare|put together|present|record|write|draft|attend|join)"
        r" (?:the|our|a|an|this|your|my) (?:[\w-]+ ){0,3}?(?:assessment|test|challenge|exercise"
        r"|presentation|case study|work sample|portfolio review|video (?:interview|assessment"
        r"|response|answers?)|recording"
        r"|questionnaire|interview|task|assignment|case study|take-home|slot|time|discussion|round"
        r"|panel|assessment centre|assessment center)",
        r"(?:you are|you have been) (?:requested|asked|required|expected|invited) to (?:appear"
        r"|attend|join|come|take|complete|sit|present)",
        r"(?:conduct|run|do|carry out|begin|start|complete|proceed (?:to|with)|move to) (?:a |the"
        r" |your |some )?(?:reference|background and reference) checks?",
        r"(?:schedul\w*|book\w*|invit\w*|pencil\w*|slot\w*|put\w*) you (?:in )?(?:down )?(?:for|in"
        r" for) (?:an?|the|your|our)? ?(?:[\w-]+ ){0,3}?" + _STAGE,
        r"you are (?:free|available|around) (?:\w+ ){0,3}?(?:for (?:an?|the|our) (?:[\w-]+ ){0,3}?"
        + _STAGE
        + r"|to (?:chat|meet|speak|talk|come in|interview))",
        r"continue (?:the|our) conversations?\b(?! (?:about|on) (?:other|future))|(?:set up"
        r"|schedule|book|find|arrange) (?:a |some )?time (?:with|for you to (?:meet|speak|talk|chat"
        r"|interview|come))",
        r"(?:made|make|making|on|onto|to) (?:the|our) shortlist for (?:an? |the |our )?(?:[\w-]+ )"
        r"{0,2}?" + _STAGE + "s?",
        r"(?:brief|agenda|details|instructions|schedule|itinerary|information|pack|timetable)"
        r" (?:for|of) your (?:[\w-]+ ){0,3}?(?:interview|round|stage|assessment|presentation"
        r"|onsite|on-site|visit|trial|test|case study|day)",
        r"(?:made|making|make) it (?:through )?to (?:an? |the )?(?:next|final|second|third|last"
        r"|onsite|on-site|later)",
        r"you are (?:now )?(?:moving|going|progressing|advancing|heading|through|on your way)"
        r" (?:on |forward |ahead |through )?(?:to|into) (?:an? |the )?(?:[\w-]+ )?" + _STAGE,
        r"(?:could|can|would|will) you (?:do|make|join|attend|take) (?:an?|the"
        r"|our) (?:[\w-]+ ){0,3}?" + _STAGE + r" (?:with|on|at|this|next|tomorrow|later)",
        r"offer\w* you (?:an?|the|your|a place (?:at|on|in|for)|a spot (?:at|on|in|for)|a slot"
        r" (?:at|on|in|for)) (?:[\w-]+ ){0,4}?(?:interview|round|stage|assessment|callback"
        r"|onsite|on-site|conversation|meeting|trial)",
    )
)
# An offer or an invitation for another job than mine: POLICY.md counts "another role
# instead of this one" as a rejection of this one ("we'd like to offer you the Junior
# Analyst position instead", "invite you to interview for a different team").
_OTHER_ROLE = _w(
    r"(?:different|alternative|separate|other|another) (?:[\w-]+ ){0,2}?(?:role|position|job"
    r"|opening|vacancy|post|requisition|team(?! (?:members?|mates?|leads?|leaders?|managers?)\b))s?"
    r"|(?:role|position|job|opening|vacancy|post|team|one|that|this) instead"
    r"|instead of (?:the|your|a|an) (?:[\w-]+ ){0,3}?(?:role|position|job|post|opening)"
    r"|rather than (?:for )?(?:the|your|a|an) (?:[\w-]+ ){0,3}?(?:role|position|job|post|opening)"
)


def _other_role(sentence: str, start: int, end: int) -> bool:
    low, high = _clause_of(sentence, start, end)
    return _OTHER_ROLE.search(sentence, low, high) is not None


# An invitation that is only a courtesy: "set up a call to share feedback", a survey.
_NOT_A_STAGE = Lazy(
    r"\b(?:feedback|survey|no agenda|just to (?:stay|keep) in touch|stay in touch"
    r"|notes from the interviewers|talent (?:community|network|pool|pipeline)"
    r"|newsletter|mailing list|future (?:roles|openings|opportunities|vacancies|positions)"
    r"|re-?apply|apply (?:again|for|to)|careers (?:site|page)|job alerts?)\b"
)


# --- what keeps a clause from deciding -------------------------------------------------------

_CONDITIONAL = Lazy(
    r"\b(?:if|whether|unless|in case|in the event|should (?:we|you|the|they|it|our|he|she)"
    r"|once (?:we|you|the|they|our|an|a|it|this|that|i|he|she)|provided|assuming"
    r"|were (?:we|you) to|in order to be considered|before (?:we|you|the|they|our|making"
    r"|any|an?|deciding|extending|offering|i|he|she))\b"
)
# Conditions about me that do not make the rest conditional: "if you have any questions".
_BENIGN_IF = Lazy(
    r"\b(?:if (?:you )?(?:have|has|need|want|wish|would|prefer|like|think|feel|are (?:free"
    r"|available|interested|happy|ok|okay|able|comfortable|still)|can|could|accept|agree|get"
    r"|do)\b|if (?:that|this|it|these|those|any) (?:\w+ )?(?:works?|suits?|helps?|would|is|are)"
    r"|whether (?:or not )?you (?:accept|agree|would|wish|want|are happy|can|will accept)"
    r"|should you (?:wish|want|choose|decide|accept|agree|like|have|need|require|prefer)\b"
    r"|if (?:helpful|useful|possible|needed|necessary|so|not|anything|applicable|convenient"
    r"|preferred)\b|as if|even if|if only)"
)
_HEDGE = Lazy(
    r"\b(?:hope|hoping|hoped|hopefully|expect|expecting|plan|planning|aim|aiming|intend"
    r"|intending|may|might|likely|possibly|probably|potentially|perhaps|maybe"
    r"|would like to be able|looking to|looking for|about to decide|deciding|decide"
    r"|considering whether"
    r"|yet to|not yet"
    r"|still (?:deciding|discussing|considering|reviewing|finalizing|finalising)|discuss(?:ing)?"
    r"|(?:in|under) discussions?"
    r"|eventually|ready to|soon be)\b"
)
_RETRACTED = Lazy(
    r"\b(?:disregard|in error|by mistake|mistakenly|by accident|accidentally|erroneous\w*"
    r"|ignore (?:the|my|our|that|this) (?:previous|earlier|last))\b"
)
# A clause of thanks looks back: "thanks for accepting our invitation to interview".
_LOOKING_BACK = Lazy(
    r"\b(?:thanks?(?: you)?(?: (?:so|very) much| again| all)? for|(?:great|nice|good|lovely"
    r"|wonderful|a pleasure) (?:meeting|speaking|talking|chatting|seeing|to meet|to speak"
    r"|to talk|to chat|to see)|enjoyed (?:meeting|speaking|talking|chatting|our|the))"
    r"(?:(?! (?:and|but|so|now|we|i) ).)*$"
)
_NEGATION_NEAR = Lazy(r"\b(?:not|never|no longer|unable to|no|nor)\b")

# --- tone without a stated decision ----------------------------------------------------------

_SAD = Lazy(
    r"\b(?:regret (?:to|that)|we regret|unfortunately|sadly|i am afraid|regretfully"
    r"|sorry to (?:say|tell|inform|let you know|share|report|have to)|not (?:good|better|the)"
    r" news|disappointing news|not the (?:outcome|answer|news|result)|difficult decision"
    r"|tough decision|hard call|difficult to write)\b"
)
_SAD_ABOUT_ELSE = Lazy(
    r"\b(?:delay\w*|push\w* back|postpon\w*|move[ds]?|reschedul\w*|sick|ill|closed|clos\w+"
    r"|travel\w*|leave|paus\w*|hold|later than|behind|wait\w*|approval|budget|inconvenience"
    r"|confusion|error|feedback|technical|video|connection|audio|silence|slow|pulled|cancel\w*"
    r"|out of (?:the )?office|away|sooner|get back to you)\b"
)
_GLAD = Lazy(
    r"\b(?:congratulations|congrats|great news|good news|fantastic news|exciting news"
    r"|(?:pleased|delighted|happy|thrilled|excited|glad) to (?:inform|tell|let you know|advise"
    r"|confirm|share|say|report))\b"
)


_WINDOW = 300  # how far around a match its sentence is read (characters)
_CLAUSE_MARKS = (",", ":", "(", ")", '"', "\u2014")


@dataclass(frozen=True, slots=True)
class _Found:
    outcome: Outcome
    stated: bool  # False: hedged, so only a possibility


def _clause_of(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause (between commas, colons, brackets) around a match."""
    first = max(0, start - _WINDOW)
    low = max(sentence.rfind(mark, first, start) for mark in _CLAUSE_MARKS) + 1 or first
    last = min(len(sentence), end + _WINDOW)
    highs = [i for i in (sentence.find(mark, end, last) for mark in _CLAUSE_MARKS) if i >= 0]
    return low, min(highs) if highs else last


_TRAILING_CONDITION = Lazy(
    r"\W*(?P<word>if|unless|provided|once|assuming|should|in case|as long as|depending on)\b"
    r"(?!.*,)"
)


def _conditional(sentence: str, start: int, end: int) -> bool:
    """The match sits in a condition, in a main clause that a leading condition governs, or
    before a condition that ends the sentence ("..., if we get there")."""
    low, high = _clause_of(sentence, start, end)
    trailing = _TRAILING_CONDITION.match(sentence, high)
    if trailing is not None and not _BENIGN_IF.match(sentence, trailing.start("word")):
        return True
    # A condition governs its own clause or the next few; a bounded window keeps one endless
    # sentence linear.
    for found in _CONDITIONAL.finditer(sentence, max(0, low - _WINDOW), high):
        if _BENIGN_IF.match(sentence, found.start()):
            continue
        if found.group().startswith("before"):
            # "before we decide" governs only what follows it in its clause
            if low <= found.start() < start:
                return True
            continue
        if found.start() >= low:
            return True  # the condition is in the match's own clause
        # a condition leading the sentence ("If selected, we will invite you ...")
        if not sentence[: found.start()].strip(" ,"):
            return True
    return False


def _hedged(sentence: str, start: int) -> bool:
    low, _ = _clause_of(sentence, start, start)
    before = sentence[low:start]
    return _HEDGE.search(" ".join(before.split()[-6:])) is not None


def _negated(sentence: str, start: int) -> bool:
    low, _ = _clause_of(sentence, start, start)
    before = sentence[low:start]
    return _NEGATION_NEAR.search(" ".join(before.split()[-5:])) is not None


def _any(*families: tuple[Lazy, ...]) -> Lazy:
    """One pattern that matches where any of the families' patterns may: a cheap first test,
    since most sentences of a mail hold no decision at all."""
    return Lazy("|".join(p.pattern for family in families for p in family))


# The job word belongs to a meeting, not to the subject: "the interview we had scheduled
# for the Controller position is cancelled" says nothing of the position itself.
_FOR_A_MEETING = Lazy(
    r"\b(?:interview|call|meeting|chat|session|appointment|visit)s? (?:[\w']+ ){0,4}?(?:for|about)"
    r" (?:the|this|that|your|our) (?:[\w&'-]+ ){0,3}$"
)

_ANY_NEGATED = _any(_REJECT_NEGATED)
_ANY_OTHER = _any(_REJECT_OTHER)
_ANY_GONE = _any(_REJECT_GONE)
_ANY_OFFER = _any(_OFFER)
_ANY_NEXT = _any(_NEXT)
# A sentence none of these gates matches holds no decision. (One union of all five
# matches exactly where one of them does, but compiling its 60,000 characters took 0.22 s
# of the first reading in each process.)
_GATES = (_ANY_NEGATED, _ANY_OTHER, _ANY_GONE, _ANY_OFFER, _ANY_NEXT)


# An invitation read from its parts, in any order: a request to me ("could you", "are you
# free", "we'd like you to", "let me know your availability") and a further stage or a
# meeting with someone ("an interview", "a call with our CTO", "meet the team").
_ASKS_ME = _w(
    r"(?:could|can|would|will) you|are you (?:free|available|around)|(?:we|i|they|he|she|the"
    r" \w+) (?:would|'d) (?:like|love) (?:for )?(?:you|to)|please (?:let (?:me|us) know|send|share"
    r"|confirm|book|pick|choose|select)|let (?:me|us) know (?:your availability|when|which"
    r"|what time|if you are|if you can|if \w+ works)|(?:your|some) availability|what (?:times?"
    r"|dates?|days?|slots?) (?:would )?(?:work|suit)|when (?:are you|would you be|you are)"
    r" (?:free|available)|(?:does|would|will|could) [\w: ]{1,25}? (?:work|suit)(?: for you)?"
)
# What I am asked to: a further stage, or a meeting with someone, as the object of the ask.
_MEETS_ME = Lazy(
    r"(?: [\w'-]+){0,6}? (?:for|to (?:do|join|attend|come in for|sit)|do|join|attend|sit)"
    r" (?:an?|the|your|our|one more|another|some)? ?(?:[\w-]+ ){0,3}?(?:interview|round|stage"
    r"|assessment|test|trial|onsite|on-site|presentation|case study|exercise|take-home|shadow"
    r"|panel|(?:call|chat|conversation|session|discussion|meeting|lunch|coffee) with)s?\b"
    r"|(?: [\w'-]+){0,2}? (?:present|demo|demonstrate|pitch|walk (?:us|them|the team|me)"
    r" through)\b(?! (?:your |a |an )?(?:id|identification|passport|documents?|badge|proof))"
    r"|(?: [\w'-]+){0,4}? (?:meet|speak (?:with|to)|talk (?:with|to)|chat with|sit down with)"
    r" (?:the|our|their|two|some|a few|a couple|one|[a-z]+,? our)\b"
)
_DONE_ALREADY = Lazy(
    r"(?: [\w-]+){0,3}? (?:last|yesterday|earlier|this morning|was|were|went|you (?:did|had|gave"
    r"|completed|attended))\b"
)
_RESCHEDULE = Lazy(
    r"\b(?:reschedul\w*|postpon\w*|instead|push\w* (?:back|it)|move (?:your|the|our|it|this)"
    r"|moved|cancel\w*|confirm\w* (?:that|your|the) (?:attendance at|time of|details|receipt)"
    r"|confirm\w* that)\b"
)


def _invited_by_parts(sentence: str) -> Iterator[_Found]:
    asks = _ASKS_ME.search(sentence)
    if asks is None:
        return
    meets = _MEETS_ME.match(sentence, asks.end())
    if meets is None or _DONE_ALREADY.match(sentence, meets.end()):
        return
    if _RESCHEDULE.search(sentence) or _NOT_A_STAGE.search(sentence) or _RETRACTED.search(sentence):
        return
    at = asks.start()
    if _negated(sentence, at) or _conditional(sentence, at, asks.end()):
        return
    low, _ = _clause_of(sentence, at, asks.end())
    if _LOOKING_BACK.search(sentence, low, at):
        return
    outcome = Outcome.REJECTED if _other_role(sentence, at, meets.end()) else Outcome.NEXT_ROUND
    yield _Found(outcome, not _hedged(sentence, at))


def _read_sentence(sentence: str, following: str) -> Iterator[_Found]:
    yield from _invited_by_parts(sentence)
    if all(gate.search(sentence) is None for gate in _GATES):
        return
    retracted = _RETRACTED.search(sentence) is not None
    still_open = _STILL_OPEN.search(sentence) is not None

    def keep(found: re.Match[str]) -> bool:
        return not retracted and not _conditional(sentence, found.start(), found.end())

    for pattern in _REJECT_NEGATED if _ANY_NEGATED.search(sentence) else ():
        for found in pattern.finditer(sentence):
            if _NOT_YET.match(sentence, found.end()) or _NOT_YET_NEAR.search(
                sentence, found.start(), min(len(sentence), found.end() + 60)
            ):
                continue
            if _GENERIC_NEGATED.search(sentence, max(0, found.start() - 80), found.start()):
                continue
            if keep(found):
                yield _Found(Outcome.REJECTED, not _hedged(sentence, found.start()))
    for pattern in _REJECT_OTHER if _ANY_OTHER.search(sentence) else ():
        for found in pattern.finditer(sentence):
            if still_open or _negated(sentence, found.start()):
                continue
            pending = _PENDING.search(sentence, found.end(), found.end() + _WINDOW)
            if pending or _PENDING.search(following, 0, _WINDOW):
                continue
            if keep(found):
                yield _Found(Outcome.REJECTED, not _hedged(sentence, found.start()))
    for pattern in _REJECT_GONE if _ANY_GONE.search(sentence) else ():
        for found in pattern.finditer(sentence):
            if still_open or _negated(sentence, found.start()):
                continue
            if _FOR_A_MEETING.search(sentence, max(0, found.start() - 80), found.start()):
                continue
            if keep(found):
                yield _Found(Outcome.REJECTED, not _hedged(sentence, found.start()))
    for outcome, patterns, gate in (
        (Outcome.OFFER, _OFFER, _ANY_OFFER),
        (Outcome.NEXT_ROUND, _NEXT, _ANY_NEXT),
    ):
        for pattern in patterns if gate.search(sentence) else ():
            for found in pattern.finditer(sentence):
                if _negated(sentence, found.start()) or not keep(found):
                    continue
                low, _ = _clause_of(sentence, found.start(), found.end())
                if _LOOKING_BACK.search(sentence, low, found.start()):
                    continue
                if outcome is Outcome.NEXT_ROUND and _NOT_A_STAGE.search(
                    sentence, found.start(), found.end() + _WINDOW
                ):
                    continue
                stated = not _hedged(sentence, found.start())
                if _other_role(sentence, found.start(), found.end()):
                    yield _Found(Outcome.REJECTED, stated)
                else:
                    yield _Found(outcome, stated)


_PRIORITY = (Outcome.REJECTED, Outcome.OFFER, Outcome.NEXT_ROUND)


def read_decision(text: str) -> DecisionReading:
    """The decision `text` (a message's new text) states, or whether it may state one."""
    normal = _normalise(text[:MAX_DECISION_CHARS])
    sentences = list(_sentences(normal))
    stated: set[Outcome] = set()
    possible: set[Outcome] = set()
    for index, sentence in enumerate(sentences):
        following = sentences[index + 1] if index + 1 < len(sentences) else ""
        for found in _read_sentence(sentence, following):
            (stated if found.stated else possible).add(found.outcome)
    for outcome in _PRIORITY:
        if outcome in stated:
            return DecisionReading(decision=outcome)
    for outcome in _PRIORITY:
        if outcome in possible:
            return DecisionReading(decision=None, uncertain=True, maybe=outcome)
    for sentence in sentences:
        if _SAD.search(sentence) and not _SAD_ABOUT_ELSE.search(sentence):
            return DecisionReading(decision=None, uncertain=True, maybe=Outcome.REJECTED)
    for sentence in sentences:
        if _GLAD.search(sentence):
            return DecisionReading(decision=None, uncertain=True)
    return DecisionReading(decision=None)
