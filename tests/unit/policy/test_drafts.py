"""Draft and reminder texts (POLICY.md "Thank-you", "Status follow-ups", "The actions")."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from policy.texts import (
    LEARNED_PLACEHOLDER,
    TEMPLATE_NAMES,
    default_template,
    follow_up_text,
    handwritten_text,
    prep_text,
    role_from_title,
    thank_you_text,
)

NO_TEMPLATES: dict[str, str] = {}


def thank_you(**overrides: Any) -> tuple[str, str]:
    values: dict[str, Any] = {
        "interview_title": "Interview with Acme - Backend Engineer",
        "company": "Acme",
        "role": "Backend Engineer",
        "recipients_names": ("Jane", "Bob"),
        "learned": "the team's move to event sourcing",
        "my_name": "Alex Doe",
        "templates": NO_TEMPLATES,
    }
    values.update(overrides)
    return thank_you_text(**values)


def follow_up(**overrides: Any) -> tuple[str, str]:
    values: dict[str, Any] = {
        "number": 1,
        "thread_subject": "Your interview with Acme",
        "company": "Acme",
        "role": "Backend Engineer",
        "recipient_names": ("Jane",),
        "timeline_text": "within 2 weeks",
        "interview_on": date(2026, 12, 1),
        "my_name": "Alex Doe",
        "templates": NO_TEMPLATES,
    }
    values.update(overrides)
    return follow_up_text(**values)


# --- role_from_title ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "company", "expected"),
    [
        ("Interview with Acme - Backend Engineer", "Acme", "Backend Engineer"),
        ("Acme: Senior Data Scientist onsite", "Acme", "Senior Data Scientist"),
        ("Backend Engineer at Acme \u2013 final round", "Acme", "Backend Engineer"),
        ("Phone screen (Staff SRE)", "Acme", "Staff SRE"),
        ("Hiring manager interview - Product Designer", "Acme", "Product Designer"),
        ("Engineering Manager interview", "Acme", "Engineering Manager"),
        ("Acme Backend Engineer Interview", "Acme", "Backend Engineer"),
        ("Umbrella phone screen", "Umbrella", "the role"),
        ("Interview: Hooli platform team", "Hooli", "the role"),
        ("", "", "the role"),
    ],
)
def test_role_from_title(title: str, company: str, expected: str) -> None:
    assert role_from_title(title, company) == expected


# --- thank-you ------------------------------------------------------------------------------


def test_thank_you_three_parts_in_order() -> None:
    subject, body = thank_you()
    assert subject == "Thank you — Acme interview"
    assert body.startswith("Hi Jane and Bob,\n")
    interest = body.index("the Backend Engineer role at Acme")
    learned = body.index("the team's move to event sourcing.")
    thanks = body.index("Thank you for taking the time")
    assert interest < learned < thanks
    assert body.rstrip().endswith("Alex Doe")


@pytest.mark.parametrize(
    ("names", "greeting"),
    [
        ((), "Hello,"),
        (("Jane",), "Hi Jane,"),
        (("Jane Doe", "Bob Roe"), "Hi Jane and Bob,"),
        (("Jane", "Bob", "Carol"), "Hi Jane, Bob and Carol,"),
        (("Doe, Jane",), "Hi Jane,"),
        (("Dr. Jane Doe", "jane", "jobs@acme.com", "Acme Recruiting Team"), "Hi Jane,"),
    ],
)
def test_thank_you_greeting(names: tuple[str, ...], greeting: str) -> None:
    _, body = thank_you(recipients_names=names)
    assert body.split("\n", 1)[0] == greeting


def test_thank_you_without_learned_note_shows_placeholder() -> None:
    _, body = thank_you(learned=None)
    assert LEARNED_PLACEHOLDER in body
    _, body = thank_you(learned="   ")
    assert LEARNED_PLACEHOLDER in body


def test_thank_you_unknown_role_and_name() -> None:
    subject, body = thank_you(
        role="the role", interview_title="Umbrella phone screen", company="Umbrella", my_name=""
    )
    assert subject == "Thank you — Umbrella phone screen"
    assert "about the role at Umbrella" in body
    assert "$" not in body


def test_thank_you_user_template_overrides_by_name() -> None:
    templates = {"thank_you": "Subject: Thanks, $first_names\n\n$greeting\nI liked $learned.\n"}
    subject, body = thank_you(templates=templates)
    assert subject == "Thanks, Jane and Bob"
    assert body == "Hi Jane and Bob,\nI liked the team's move to event sourcing.\n"


def test_user_template_without_subject_keeps_default_subject() -> None:
    subject, body = thank_you(templates={"thank_you": "$greeting $learned"})
    assert subject == "Thank you — Acme interview"
    assert body == "Hi Jane and Bob, the team's move to event sourcing\n"


# --- follow-ups -----------------------------------------------------------------------------


def test_follow_up_1_cites_the_timeline() -> None:
    subject, body = follow_up()
    assert subject == "Re: Your interview with Acme"
    assert body.startswith("Hi Jane,\n")
    assert "You mentioned you expected to have an update within 2 weeks" in body
    assert "December 1" in body
    assert "the Backend Engineer role at Acme" in body


@pytest.mark.parametrize(
    ("timeline_text", "phrase"),
    [
        ("2 weeks", "within 2 weeks"),
        ("by Friday", "by Friday"),
        ("We'll get back to you within 10 business days.", "within 10 business days"),
        ("You should hear back in 10 days.", "in 10 days"),
        ("We'll be in touch by Friday", "by Friday"),
        ("End of next week", "by end of next week"),
        ("mid-January", "in mid-January"),
        ("December 12", "by December 12"),
    ],
)
def test_follow_up_timeline_phrase(timeline_text: str, phrase: str) -> None:
    _, body = follow_up(timeline_text=timeline_text)
    assert f"You mentioned you expected to have an update {phrase}, " in body


@pytest.mark.parametrize("timeline_text", [None, "", "soon", "in the coming weeks"])
def test_follow_up_without_usable_timeline_is_neutral(timeline_text: str | None) -> None:
    _, body = follow_up(timeline_text=timeline_text)
    assert "You mentioned" not in body
    assert "check in" in body


@pytest.mark.parametrize(
    ("thread_subject", "expected"),
    [
        ("Your interview", "Re: Your interview"),
        ("Re: Your interview", "Re: Your interview"),
        ("RE:  Your   interview", "Re: Your interview"),
        ("Re: RE: Aw: Your interview", "Re: Your interview"),
        ("", "Following up — Acme interview on December 1"),
    ],
)
def test_follow_up_subject(thread_subject: str, expected: str) -> None:
    subject, _ = follow_up(thread_subject=thread_subject)
    assert subject == expected


def test_follow_up_subject_without_thread_or_role() -> None:
    subject, _ = follow_up(thread_subject="", role="the role")
    assert subject == "Following up — Acme interview on December 1"


def test_follow_up_2_is_shorter_and_acknowledges_the_first() -> None:
    _, first = follow_up(number=1)
    _, second = follow_up(number=2)
    assert len(second) < len(first)
    assert "earlier note" in second
    assert second.startswith("Hi Jane,\n")


def test_follow_up_override_by_number_then_generic_name() -> None:
    _, body = follow_up(number=2, templates={"follow_up": "generic $number"})
    assert body == "generic 2\n"
    _, body = follow_up(number=2, templates={"follow_up": "generic", "follow_up_2": "second"})
    assert body == "second\n"


# --- reminders ------------------------------------------------------------------------------


def test_handwritten_text_has_three_parts_and_is_shorter() -> None:
    text = handwritten_text(
        company="Acme",
        role="Backend Engineer",
        recipients_names=("Jane Doe",),
        learned="how on-call works",
        my_name="Alex Doe",
        templates=NO_TEMPLATES,
    )
    assert "Dear Jane," in text
    interest = text.index("the Backend Engineer role at Acme")
    learned = text.index("how on-call works")
    thanks = text.index("Thank you for your time")
    assert interest < learned < thanks
    _, email_body = thank_you()
    assert len(text) < len(email_body) + 60


def test_handwritten_text_without_names_or_note() -> None:
    text = handwritten_text(
        company="Acme",
        role="the role",
        recipients_names=(),
        learned=None,
        my_name="Alex",
        templates=NO_TEMPLATES,
    )
    assert "Dear Acme team," in text
    assert LEARNED_PLACEHOLDER in text


def test_prep_text_has_the_four_questions() -> None:
    text = prep_text(interview_title="Interview with Acme", company="Acme", templates=NO_TEMPLATES)
    for question in (
        "What are the next steps",
        "When do you expect to make a decision?",
        "Who should I follow up with, and how?",
        "Is there anything else I can provide?",
    ):
        assert question in text
    assert len(re.findall(r"^\d\. ", text, re.MULTILINE)) == 4


# --- the packaged templates -----------------------------------------------------------------


def test_every_default_template_is_packaged() -> None:
    for name in TEMPLATE_NAMES:
        assert default_template(name).strip()
    with pytest.raises(KeyError):
        default_template("../models")


FORBIDDEN = re.compile(
    r"salary|compensation|benefit|equity|offer|negotiat|deadline|\$\s*\d|\bpay\b|bonus"
    r"|stock|relocation|counter",
    re.IGNORECASE,
)


def _all_default_renderings() -> list[str]:
    texts: list[str] = []
    for learned in (None, "the team's roadmap"):
        for names in ((), ("Jane Doe", "Bob")):
            texts.extend(thank_you(learned=learned, recipients_names=names))
            texts.append(
                handwritten_text(
                    company="Acme",
                    role="Backend Engineer",
                    recipients_names=names,
                    learned=learned,
                    my_name="Alex Doe",
                    templates=NO_TEMPLATES,
                )
            )
    for number in (1, 2, 3):
        for timeline in (None, "within 2 weeks", "by Friday"):
            for thread in ("", "Your interview"):
                texts.extend(
                    follow_up(number=number, timeline_text=timeline, thread_subject=thread)
                )
    texts.append(
        prep_text(interview_title="Interview with Acme", company="Acme", templates=NO_TEMPLATES)
    )
    return texts


def test_default_texts_never_negotiate() -> None:
    for text in _all_default_renderings():
        assert not FORBIDDEN.search(text), text
        assert "$" not in text, text


def test_raw_default_templates_never_negotiate() -> None:
    for name in TEMPLATE_NAMES:
        text = default_template(name)
        assert not FORBIDDEN.search(re.sub(r"\$\w+", "", text)), name
