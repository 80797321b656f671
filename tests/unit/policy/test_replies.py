"""New text, auto-replies and decisions (POLICY.md "Which threads belong", "Replies that
change the plan")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.business_days import BusinessCalendar
from policy.html_text import html_to_text
from policy.models import Message, Outcome, Person
from policy.replies import (
    MAX_READ_CHARS,
    decision_in,
    is_auto_reply,
    is_bulk,
    new_text,
    read_reply,
)

SENT_AT = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def message(
    body_text: str = "",
    body_html: str = "",
    *,
    subject: str = "Re: Interview",
    headers: tuple[tuple[str, str], ...] = (),
) -> Message:
    return Message(
        message_id="<m1@acme.com>",
        thread_id="t1",
        sender=Person(email="jane@acme.com", name="Jane Doe"),
        to=(Person(email="alex@example.com"),),
        subject=subject,
        sent_at=SENT_AT,
        body_text=body_text,
        body_html=body_html,
        headers=headers,
    )


# --- new_text ---------------------------------------------------------------------------------

GMAIL_REPLY = """Hi Alex,

Thanks for your time today. We'll get back to you within 2 weeks.

Best,
Jane

On Tue, Dec 1, 2026 at 10:00 AM Jane <jane@acme.com> wrote:
> Unfortunately, we have decided to move forward with other candidates.
> Best of luck."""

GMAIL_REPLY_WRAPPED_INTRO = """Sounds good, talk then.

On Tue, Dec 1, 2026 at 10:00 AM Jane Doe <
jane@acme.com> wrote:

> The position has been filled."""

OUTLOOK_REPLY = (
    "Hi Alex,\r\n\r\nWe will have a decision by Friday.\r\n\r\nRegards,\r\nJane\r\n\r\n"
    "-----Original Message-----\r\n"
    "From: Alex Doe <alex@example.com>\r\n"
    "Sent: Tuesday, December 1, 2026 10:00 AM\r\n"
    "To: Jane Doe <jane@acme.com>\r\n"
    "Subject: Thank you\r\n\r\n"
    "Thanks again. Are you moving forward with other candidates?"
)

OUTLOOK_HEADER_BLOCK = """Hi Alex,
We expect to decide next week.

From: Alex Doe <alex@example.com>
Sent: Tuesday, December 1, 2026 10:00 AM
To: Jane Doe <jane@acme.com>
Subject: Thank you

I wanted to thank you for the interview."""

FORWARDED = """Adding Bob to this thread.

---------- Forwarded message ---------
From: Carol <carol@acme.com>
Date: Tue, Dec 1, 2026 at 9:00 AM
Subject: Candidate update
To: Jane <jane@acme.com>

We have decided to move forward with other candidates for the other opening."""

SIGNATURE_OUT_NEXT_WEEK = """Hi Alex,

Thanks for your patience. We expect to have an update by Friday.

Best regards,
Jane Doe
Senior Recruiter | Acme Corp
Out next week - for urgent matters write to hr@acme.com
+1 555 0100"""

RFC3676_SIGNATURE = """Hi Alex,

We'll be in touch in 10 days.

-- 
Jane Doe | Acme
Out next week"""

MOBILE_FOOTER = """We'll decide by Friday.

Sent from my iPhone

> On Dec 1, 2026, at 10:00, Alex Doe <alex@example.com> wrote:
> Thanks for your time!"""

INTERLEAVED = """Hi Alex,
> When do you expect to decide?
By the end of next week.
> Who should I follow up with?
Me."""

THANKS_ON_TOP = """Thanks!

We'll decide by Friday.

Best,
Jane"""

POSTSCRIPT = """Hi Alex,

Good to hear from you.

Best,
Jane

P.S. We'll have an update by Friday."""

SIGN_OFF_NAME_INLINE = """We'll decide by Friday.

Thanks, Jane"""

THANKS_SENTENCE_LAST = """We are still interviewing.
Thanks for your patience."""

GMAIL_HTML = (
    '<div dir="ltr">Hi Alex,<div><br></div>'
    "<div>We would like to invite you to the next round.</div><div><br></div>"
    "<div>Best,</div><div>Jane</div><div>Out next week</div></div><br>"
    '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
    "On Tue, Dec 1, 2026 at 10:00 AM Alex Doe &lt;alex@example.com&gt; wrote:<br></div>"
    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
    "Are you moving forward with other candidates?</blockquote></div>"
)

HTML_BARE_BLOCKQUOTE = (
    "<p>Hello Alex, we&#39;ll get back to you within 2 weeks.</p>"
    "<blockquote><p>We have decided to move forward with other candidates.</p></blockquote>"
)

OUTLOOK_HTML = (
    '<div class="WordSection1"><p class="MsoNormal">Hi Alex, we will decide next week.</p>'
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in">'
    '<p class="MsoNormal"><b>From:</b> Alex &lt;alex@example.com&gt;<br>'
    "<b>Sent:</b> Tuesday, December 1, 2026 10:00 AM<br><b>To:</b> Jane<br>"
    "<b>Subject:</b> Thanks</p></div><p>The position has been filled.</p></div>"
)


@pytest.mark.parametrize(
    ("body_text", "body_html", "expected"),
    [
        pytest.param(
            GMAIL_REPLY,
            "",
            "Hi Alex,\n\nThanks for your time today. We'll get back to you within 2 weeks.",
            id="gmail-reply",
        ),
        pytest.param(
            GMAIL_REPLY_WRAPPED_INTRO, "", "Sounds good, talk then.", id="gmail-wrapped-intro"
        ),
        pytest.param(
            OUTLOOK_REPLY, "", "Hi Alex,\n\nWe will have a decision by Friday.", id="outlook"
        ),
        pytest.param(
            OUTLOOK_HEADER_BLOCK,
            "",
            "Hi Alex,\nWe expect to decide next week.",
            id="outlook-header-block",
        ),
        pytest.param(FORWARDED, "", "Adding Bob to this thread.", id="forwarded"),
        pytest.param(
            SIGNATURE_OUT_NEXT_WEEK,
            "",
            "Hi Alex,\n\nThanks for your patience. We expect to have an update by Friday.",
            id="signature-after-sign-off",
        ),
        pytest.param(
            RFC3676_SIGNATURE, "", "Hi Alex,\n\nWe'll be in touch in 10 days.", id="rfc3676"
        ),
        pytest.param(MOBILE_FOOTER, "", "We'll decide by Friday.", id="mobile-footer"),
        pytest.param(INTERLEAVED, "", "Hi Alex,\nBy the end of next week.\nMe.", id="interleaved"),
        pytest.param(THANKS_ON_TOP, "", "Thanks!\n\nWe'll decide by Friday.", id="thanks-on-top"),
        pytest.param(
            POSTSCRIPT,
            "",
            "Hi Alex,\n\nGood to hear from you.\n\nP.S. We'll have an update by Friday.",
            id="postscript-kept",
        ),
        pytest.param(SIGN_OFF_NAME_INLINE, "", "We'll decide by Friday.", id="sign-off-inline"),
        pytest.param(THANKS_SENTENCE_LAST, "", THANKS_SENTENCE_LAST, id="thanks-sentence-kept"),
        pytest.param(
            "",
            GMAIL_HTML,
            "Hi Alex,\n\nWe would like to invite you to the next round.",
            id="gmail-html",
        ),
        pytest.param(
            "",
            HTML_BARE_BLOCKQUOTE,
            "Hello Alex, we'll get back to you within 2 weeks.",
            id="html-blockquote",
        ),
        pytest.param("", OUTLOOK_HTML, "Hi Alex, we will decide next week.", id="outlook-html"),
        pytest.param(
            "  \n",
            GMAIL_HTML,
            "Hi Alex,\n\nWe would like to invite you to the next round.",
            id="blank-text-uses-html",
        ),
        pytest.param("", "", "", id="empty"),
    ],
)
def test_new_text(body_text: str, body_html: str, expected: str) -> None:
    assert new_text(message(body_text, body_html)) == expected


def test_signature_phrase_does_not_survive() -> None:
    assert "Out next week" not in new_text(message(SIGNATURE_OUT_NEXT_WEEK))
    assert "Out next week" not in new_text(message(RFC3676_SIGNATURE))
    assert "Out next week" not in new_text(message("", GMAIL_HTML))


@settings(max_examples=200, deadline=None)
@given(text=st.text(), html=st.text())
def test_new_text_never_raises(text: str, html: str) -> None:
    assert isinstance(new_text(message(text, html)), str)
    assert isinstance(new_text(message("", html)), str)


@settings(max_examples=200, deadline=None)
@given(
    html=st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<blockquote>",
                "</blockquote>",
                "<br>",
                "<div",
                "&amp;",
                "&#x;",
                "<!--",
                "-->",
                "<script>",
                "</script>",
                "<![CDATA[",
                "text",
                "On Tue wrote:",
                "\n",
                "<",
                ">",
                "</",
                "&",
                "\x00",
            ]
        )
    ).map("".join)
)
def test_broken_html_never_raises(html: str) -> None:
    assert isinstance(html_to_text(html), str)
    assert isinstance(new_text(message("", html)), str)


# --- html_to_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param("<p>One</p><p>Two</p>", "One\n\nTwo", id="paragraphs"),
        pytest.param("<div>One</div><div>Two</div>", "One\nTwo", id="divs"),
        pytest.param("One<br>Two<br/>Three", "One\nTwo\nThree", id="br"),
        pytest.param(
            "<head><title>T</title><style>p{color:red}</style></head>"
            "<body>Hi<script>alert(1)</script> there</body>",
            "Hi there",
            id="hidden",
        ),
        pytest.param(
            "Tom &amp; Jerry&nbsp;&lt;3 &#8212; &eacute;",
            "Tom & Jerry <3 \u2014 \u00e9",
            id="entities",
        ),
        pytest.param(
            "<p>New</p><blockquote>Old<br>older<blockquote>oldest</blockquote></blockquote>after",
            "New\n\n> Old\n> older\n>\n> > oldest\n\nafter",
            id="blockquote",
        ),
        pytest.param("<b>bold</b> <i>italic</i>", "bold italic", id="inline"),
        pytest.param("<table><tr><td>a</td><td>b</td></tr></table>", "a b", id="table"),
        pytest.param("<div><p>unclosed <b>bold", "unclosed bold", id="unclosed"),
        pytest.param("", "", id="empty"),
    ],
)
def test_html_to_text(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


# --- is_auto_reply ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "headers", "expected"),
    [
        pytest.param("Re: Interview", (("auto-submitted", "auto-replied"),), True, id="rfc3834"),
        pytest.param(
            "Re: Interview", (("auto-submitted", "auto-generated; x=1"),), True, id="rfc3834-param"
        ),
        pytest.param("Re: Interview", (("auto-submitted", "no"),), False, id="rfc3834-no"),
        pytest.param("Re: Interview", (("auto-submitted", "No ; x=1"),), False, id="rfc3834-no-p"),
        pytest.param("Re: Interview", (("x-autoreply", "yes"),), True, id="x-autoreply"),
        pytest.param("Re: Interview", (("x-autorespond", "1"),), True, id="x-autorespond"),
        pytest.param("Re: Interview", (("precedence", "auto_reply"),), True, id="precedence"),
        pytest.param("Re: Interview", (("precedence", "bulk"),), False, id="precedence-bulk"),
        pytest.param("Out of office: Thank you", (), True, id="subject-ooo"),
        pytest.param("OUT OF THE OFFICE until Monday", (), True, id="subject-ooo-the"),
        pytest.param("Automatic reply: Thank you", (), True, id="subject-automatic"),
        pytest.param("Auto-Reply: Thank you", (), True, id="subject-auto-reply"),
        pytest.param("Autoreply: Thank you", (), True, id="subject-autoreply"),
        pytest.param("Auto Reply - Thank you", (), True, id="subject-auto-space-reply"),
        pytest.param("Re: Out of office next week?", (), False, id="subject-not-at-start"),
        pytest.param("Re: Interview", (), False, id="plain"),
    ],
)
def test_is_auto_reply(subject: str, headers: tuple[tuple[str, str], ...], expected: bool) -> None:
    assert is_auto_reply(message("I am away.", subject=subject, headers=headers)) is expected


# --- decision_in ------------------------------------------------------------------------------

REJECTED = Outcome.REJECTED
OFFER = Outcome.OFFER
NEXT = Outcome.NEXT_ROUND


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rejected: POLICY.md phrases and close variants
        ("Unfortunately, we have decided to move forward with other candidates.", REJECTED),
        ("We've decided to move forward with another candidate.", REJECTED),
        ("We'll be moving forward with candidates whose experience is closer.", REJECTED),
        ("We are not moving forward with your application.", REJECTED),
        ("We will not be moving forward at this time.", REJECTED),
        ("We won\u2019t be moving forward.", REJECTED),
        ("The position has been filled.", REJECTED),
        ("We have decided not to proceed with your application.", REJECTED),
        ("The team has decided to pursue other candidates.", REJECTED),
        ("We are unable to offer you the position.", REJECTED),
        ("We will not be progressing your application.", REJECTED),
        ("We will not be proceeding with your application at this time.", REJECTED),
        ("You have not been selected for the next round.", REJECTED),
        ("We've decided to offer the role to another candidate.", REJECTED),
        ("We will not be extending an offer.", REJECTED),
        ("Your application was unsuccessful on this occasion.", REJECTED),
        # offer
        ("We are pleased to offer you the Backend Engineer position.", OFFER),
        ("We'd like to extend an offer to you!", OFFER),
        ("Please find your offer letter attached.", OFFER),
        ("I'm happy to offer you the role.", OFFER),
        # next round
        ("We'd like to invite you to the next round.", NEXT),
        ("I'd like to invite you to an onsite with the team.", NEXT),
        ("Could we schedule a follow-up interview next week?", NEXT),
        ("We'd like to move you forward in the process.", NEXT),
        ("Congratulations, you're through to the next stage!", NEXT),
        ("We are pleased to offer you a second interview.", NEXT),
        # priority: rejected > offer > next_round
        ("We're not moving forward, but we invite you to apply for future roles.", REJECTED),
        ("We won't be moving you forward to the next round.", REJECTED),
        ("We're unable to invite you to the next round.", REJECTED),
        ("We'd like to extend an offer; the next round was a formality.", OFFER),
        # not decisions
        ("We'll get back to you within 2 weeks.", None),
        ("Happy to offer some flexibility on timing.", None),
        ("We offer a hybrid schedule.", None),
        ("If we decide to move you forward, we'll reach out by Friday.", None),
        ("We'll let you know whether you move to the next round by Friday.", None),
        ("We'll let you know about the next round by Friday.", None),
        ("We may invite you to a final interview.", None),
        ("Once we extend an offer, the offer letter follows within a week.", None),
        ("If we decide not to proceed, we'll let you know.", None),
        ("We're moving forward with other interviews and will decide by Friday.", None),
        ("Thanks for coming to the onsite interview yesterday.", None),
        ("I'd like to invite you to join our talent community.", None),
        ("I'm not going on vacation until January.", None),
        ("Don't worry, we're not moving forward with anyone yet.", None),
        ("We can't proceed with the interview on Friday; can we reschedule?", None),
        ("", None),
    ],
)
def test_decision_in(text: str, expected: Outcome | None) -> None:
    assert decision_in(text) is expected


def test_rejection_only_in_quote_is_no_decision() -> None:
    assert decision_in(new_text(message(GMAIL_REPLY))) is None
    assert decision_in(new_text(message("", HTML_BARE_BLOCKQUOTE))) is None
    assert decision_in(new_text(message(FORWARDED))) is None


# --- bulk mail and the reading of one message ---------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"List-Id": "<jobs.acme.example>"}, True),
        ({"List-Unsubscribe": "<mailto:leave@acme.example>"}, True),
        ({"Precedence": "bulk"}, True),
        ({"precedence": " List "}, True),
        ({"Precedence": "junk"}, True),
        ({"Precedence": "auto_reply"}, False),  # an auto-reply, not bulk
        ({"Precedence": "first-class"}, False),
        ({"X-Mailer": "Outlook"}, False),
        ({}, False),
    ],
)
def test_is_bulk(headers: dict[str, str], expected: bool) -> None:
    assert is_bulk(headers) is expected
    assert is_bulk(tuple((k.lower(), v) for k, v in headers.items())) is expected


CALENDAR = BusinessCalendar("US", None)
THURSDAY = date(2026, 12, 3)


def test_bulk_mail_is_no_statement_but_its_decision_counts() -> None:
    bulk = (("list-unsubscribe", "<mailto:leave@acme.example>"),)
    text = "We will review all applications within 2 weeks."
    assert read_reply(message(text, headers=bulk), text, THURSDAY, CALENDAR).promised_on is None
    # the same words from a person: P = Thu Dec 3 + 14 days = Thu Dec 17
    assert read_reply(message(text), text, THURSDAY, CALENDAR).promised_on == date(2026, 12, 17)
    no = "Unfortunately, we have decided to move forward with other candidates."
    reading = read_reply(message(no, headers=bulk), no, THURSDAY, CALENDAR)
    assert reading.bulk and reading.decision is Outcome.REJECTED


def test_auto_reply_gives_only_its_return_date() -> None:
    text = "I'm out of the office until Wednesday, December 9, and will reply then."
    auto = (("auto-submitted", "auto-replied"),)
    reading = read_reply(message(text, headers=auto), text, THURSDAY, CALENDAR)
    assert reading.auto and reading.decision is None and reading.promised_on is None
    assert reading.returns_on == date(2026, 12, 9)


def test_read_reply_caps_what_it_reads() -> None:
    text = "Thanks. " * (MAX_READ_CHARS // 8) + "We will decide by Friday."
    assert read_reply(message(text), text, THURSDAY, CALENDAR).promised_on is None
    assert read_reply(message(text[-40:]), text[-40:], THURSDAY, CALENDAR).promised_on == date(
        2026, 12, 4
    )
