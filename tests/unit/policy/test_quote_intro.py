"""The quoted part of a reply is cut however its intro line is written (quotequail's
patterns), and a text with no intro at all is kept whole, as quotequail keeps it."""

from __future__ import annotations

import pytest
import quotequail

from policy.replies import _quotequail_top

NEW = "Thanks, we will decide by Friday.\n"
INTROS = [
    "On Wed, 2 Dec 2026 at 09:12, Sam Lee <sam@corp.test> wrote:",
    "Am 2. Dez. 2026 schrieb Sam Lee <sam@corp.test>:",
    "Le 2 déc. 2026 à 09:12, Sam Lee a écrit :",
    "El 2 dic 2026, Sam Lee escribió:",
    "2 дек. 2026 г., Sam Lee написал(а):",
    "Den 2 dec. 2026 skrev Sam Lee <sam@corp.test>:",
    "Em 2 de dez. de 2026, Sam Lee escreveu:",
    "Op 2 dec. 2026 schreef Sam Lee <sam@corp.test>:",
    "Op 2 dec. 2026 heeft Sam Lee het volgende geschreven:",
    "2026/12/2 Sam Lee <sam@corp.test>",
    "_" * 32,
    "---------- Forwarded message ---------",
    "-----Original Message-----",
    "Begin forwarded message:",
    "-------- Ursprüngliche Nachricht --------",
    "-------- Message transféré --------",
    "---- Mensaje reenviado ----",
    "-------- Пересылаемое сообщение --------",
]


@pytest.mark.parametrize("intro", INTROS)
@pytest.mark.parametrize("shape", ["plain", "quoted", "wrapped"])
def test_every_intro_line_cuts_the_quote(intro: str, shape: str) -> None:
    if shape == "quoted":
        intro = "> " + intro
    elif shape == "wrapped" and " " in intro:
        words = intro.split(" ")
        intro = " ".join(words[: len(words) // 2]) + "\n" + " ".join(words[len(words) // 2 :])
    text = f"{NEW}\n{intro}\n> We met on Monday.\n> Best,\n> Sam\n"
    expected = quotequail.quote(text, quote_intro_line=True)
    assert len(expected) == 2  # quotequail finds it ...
    assert _quotequail_top(text) == expected[0][1]  # ... and so does the reader
    assert "We met on Monday" not in _quotequail_top(text)


@pytest.mark.parametrize(
    "text",
    [
        NEW,
        "Hi Alex,\n\nWe will be in touch by 2026-12-18 (a Friday).\n\nJo\njo@corp.test\n",
        "Hi,\n\n> not an intro, a quoted line\nthanks\n",
        "line\n" * 1200,  # past quotequail's 1000-line limit: cut there
    ],
)
def test_a_text_without_an_intro_reads_as_quotequail_reads_it(text: str) -> None:
    parts = quotequail.quote(text, quote_intro_line=True)
    assert _quotequail_top(text) == (parts[0][1] if parts[0][0] else "")
