"""The decision reader on held-out recruiter mail (`heldout_mail.py`), as the planner reads it.

Each batch was written from public recruiter templates and real employers' wordings and
scored before any rule was changed for it; those first scores are the honest figure for mail
nobody here wrote:
- batch 1 (65 whole emails): 57/65 (88 %) before; the keyword baseline
  `bench/decision_baseline.py` 40/65;
- batch 2 (40 whole emails, written after batch 1's rules): 31/40 (78 %) before; the
  keyword baseline 17/40;
- batch 3 (20 whole emails, written after batch 2's rules): 17/20 (85 %) before; the
  keyword baseline 7/20.
In all 105 of 125 (84 %) unseen, keyword baseline 64 of 125 (51 %). All pass whole now.
A new batch must be scored before its rules are written, and entries
are never edited to suit the reader.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.business_days import BusinessCalendar
from policy.replies import new_text, read_reply
from tests.unit.policy.heldout_mail import HELD_OUT, HELD_OUT_2, HELD_OUT_3, Mail
from tests.unit.policy.test_decisions import message

_CALENDAR = BusinessCalendar("US", None)


@pytest.mark.parametrize("mail", HELD_OUT + HELD_OUT_2 + HELD_OUT_3, ids=lambda mail: mail.name)
def test_held_out_mail(mail: Mail) -> None:
    msg = message(mail.text, mail.html, subject=mail.subject)
    reading = read_reply(msg, new_text(msg), date(2026, 12, 3), _CALENDAR)
    assert reading.decision is mail.expected


def test_the_batches_cover_every_kind_and_shape() -> None:
    for batch in (HELD_OUT, HELD_OUT_2):
        kinds = {mail.expected for mail in batch}
        assert len(kinds) == 4
        assert any(mail.html and not mail.text for mail in batch)
        assert any("Forwarded" in mail.text or "Original Message" in mail.text for mail in batch)
    names = [mail.name for mail in HELD_OUT + HELD_OUT_2 + HELD_OUT_3]
    assert len(names) == len(set(names))


# --- never raises, on real mail cut up and put together again, with any headers -------------

_FRAGMENTS = st.sampled_from(
    [
        piece
        for mail in HELD_OUT + HELD_OUT_2 + HELD_OUT_3
        for piece in (mail.text or mail.html).split(". ")
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(_FRAGMENTS | st.text(max_size=40), max_size=12),
    as_html=st.booleans(),
    headers=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=40)), max_size=5),
)
def test_read_never_raises_on_real_mail_recombined(
    pieces: list[str], as_html: bool, headers: list[tuple[str, str]]
) -> None:
    body = ". ".join(pieces)
    msg = message(
        "" if as_html else body,
        f"<div>{body}</div>" if as_html else "",
        headers=tuple((key.lower(), value) for key, value in headers),
    )
    reading = read_reply(msg, new_text(msg), date(2026, 12, 3), _CALENDAR)
    assert reading.decision is None or not reading.uncertain
