"""Drafts a person would send as they are (issue 9 points 1-4 and 7, POLICY.md "The
follow-up mail" and the thank-you text rules), through the whole planner."""

from __future__ import annotations

from dataclasses import replace

import pytest

from policy.models import ActionType, Attendee, Person, Settings, Status
from policy.texts import PLACEHOLDERS, default_template, reply_subject, template_problem
from tests.unit.policy.test_planner import (
    ME,
    SETTINGS,
    event,
    mail,
    only,
    pending_follow_up,
    run,
    thank_you,
)

NOV25 = "2026-11-25T10:00"


def test_thank_you_greets_people_by_first_name_and_no_mailbox() -> None:
    interview = replace(
        event("Datadog Backend Engineer - Phone Screen", attendees=()),
        organizer=Person(email="sam.lee@datadoghq.com", name="Lee, Sam"),
        attendees=(
            Attendee(email=ME, response="accepted"),
            Attendee(email="cto@datadoghq.com", response="accepted"),
            Attendee(email="recruiting@datadoghq.com", name="Datadog Recruiting"),
            Attendee(email="ana.souza@datadoghq.com", name="Souza, Ana"),
        ),
    )
    action = thank_you(only(run([interview], now="2026-12-01T08:00")))
    assert action.draft is not None
    body = action.draft.body
    assert body.startswith("Hi Sam and Ana,\n")
    assert "the Backend Engineer role at Datadog" in body
    assert action.draft.subject == "Thank you \u2014 Datadog phone screen"
    assert action.draft.to_names[0] == "Lee, Sam"


def test_nobody_to_name_gives_a_neutral_greeting() -> None:
    interview = replace(
        event("Stark Industries phone screen", attendees=()),
        organizer=Person(email="recruiting@starkindustries.com", name="Stark Recruiting"),
    )
    draft = thank_you(only(run([interview], now="2026-12-01T08:00"))).draft
    assert draft is not None
    assert draft.body.startswith("Hello,\n")
    assert draft.subject == "Thank you \u2014 Stark Industries phone screen"


def test_cjk_names_are_kept_whole() -> None:
    interview = replace(
        event("Mercari phone screen", attendees=()),
        organizer=Person(email="t-yamada@mercari.com", name="山田 太郎"),
    )
    draft = thank_you(only(run([interview], now="2026-12-01T08:00"))).draft
    assert draft is not None and draft.body.startswith("Hi 山田 太郎,\n")


def _hooli() -> list:  # type: ignore[type-arg]
    """Nov 25: the recruiter says "end of next week" (P = Dec 4); then an out-of-office,
    a job alert and an ATS no-reply land later in the same thread."""
    return [
        mail(ME, "gavin@hooli.com", "2026-12-01T15:00", "Thank you!", subject="Thank you"),
        mail(
            "gavin@hooli.com",
            "alex+jobs@example.com",
            "2026-12-01T17:00",
            "Thanks! We will get back to you by the end of next week.",
            subject="RE: Re: Thank you",
        ),
        mail(
            "gavin@hooli.com",
            ME,
            "2026-12-07T08:00",
            "I am out of the office until Monday.",
            subject="Out of office: Thank you",
            headers=(("auto-submitted", "auto-replied"),),
        ),
        mail(
            "jobs@hooli.com",
            ME,
            "2026-12-08T08:00",
            "New jobs for you",
            subject="Jobs you may like",
            headers=(("list-unsubscribe", "<mailto:u@hooli.com>"),),
        ),
        mail("no-reply@hooli.com", ME, "2026-12-09T08:00", "Your application", subject="Update"),
    ]


def test_a_follow_up_replies_to_the_newest_real_recruiter_message() -> None:
    messages = _hooli()
    interview = event("Interview: Senior SRE at Hooli", organizer="gavin@hooli.com", attendees=())
    settings = replace(SETTINGS, me=frozenset({ME}))
    app = only(run([interview], messages, now="2026-12-10T12:00", settings=settings))
    follow_up = pending_follow_up(app)
    assert follow_up is not None and follow_up.draft is not None
    draft = follow_up.draft
    assert draft.in_reply_to == messages[1].message_id  # not the auto-reply, alert, no-reply
    assert draft.to == ("gavin@hooli.com",)
    assert draft.subject == "Re: Thank you"  # one Re:, the thread's subject
    # P as a date, never the stale "end of next week" said on December 1
    assert "by December 11" in draft.body
    assert "next week" not in draft.body
    # From: the address of mine the recruiter wrote to
    assert draft.sender == "alex+jobs@example.com"
    assert draft.body.startswith("Hi Gavin,\n")  # the name from the invitation's CN


def test_with_no_recruiter_message_it_replies_to_my_own_newest() -> None:
    messages = [
        mail(ME, "jane@acme-corp.com", "2026-12-01T15:00", "Thank you!", subject="Thanks, Jane"),
        mail(
            "no-reply@greenhouse.io",
            ME,
            "2026-12-02T09:00",
            "Your application was received",
            subject="Acme application",
        ),
    ]
    draft = pending_follow_up(only(run([event()], messages, now="2026-12-16T12:00"))).draft
    assert draft is not None
    assert draft.in_reply_to == messages[0].message_id
    assert draft.to == ("jane@acme-corp.com",)
    assert draft.subject == "Re: Thanks, Jane"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Next steps", "Re: Next steps"),
        ("RE: Re: Next steps", "Re: Next steps"),
        ("Aw: Re[2]: Next steps", "Re: Next steps"),
        ("回复: Next steps", "Re: Next steps"),
        ("", ""),
    ],
)
def test_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_signed_with_the_name_my_sent_mail_carries_never_a_placeholder() -> None:
    nameless = replace(SETTINGS, name="")
    sent = replace(
        mail(ME, "jane@acme-corp.com", "2026-12-01T15:00", "Thank you!", subject="Thanks"),
        sender=Person(email=ME, name="Alex Q. Doe"),
    )
    draft = pending_follow_up(
        only(run([event()], [sent], now="2026-12-16T12:00", settings=nameless))
    ).draft
    assert draft is not None
    assert draft.body.rstrip().endswith("Alex Q. Doe")
    bare = thank_you(only(run([event()], now="2026-12-01T08:00", settings=nameless))).draft
    assert bare is not None
    assert "Your Name" not in bare.body and "$" not in bare.body
    assert bare.body.rstrip().endswith("Best regards,")


def test_templates_are_checked_when_loaded() -> None:
    assert template_problem("thank_you", "Hi $greeting, about $compnay") == (
        "line 1: unknown placeholder $compnay (this template may use "
        + ", ".join(f"${n}" for n in sorted(PLACEHOLDERS["thank_you"]))
        + ")"
    )
    assert "not a template followup knows" in (template_problem("thanks", "Hi") or "")
    assert "$$ for a dollar sign" in (template_problem("prep", "costs $ 5") or "")
    assert template_problem("follow_up", "Hi $greeting $promised_date") is None
    for name in PLACEHOLDERS:
        if name != "follow_up":
            assert template_problem(name, default_template(name)) is None, name


def test_a_done_follow_up_keeps_its_due_time_and_says_when_it_was_done() -> None:
    # default timeline: P = Dec 15, follow-up 1 due Wed Dec 16 09:30; sent early on Dec 14
    early = [mail(ME, "jane@acme-corp.com", "2026-12-14T09:40", "Checking in.")]
    app = only(run([event()], early, now="2026-12-17T12:00"))
    done = next(
        a for a in app.actions if a.type is ActionType.FOLLOW_UP and a.status is Status.DONE
    )
    assert done.due_at.isoformat() == "2026-12-16T09:30:00-05:00"
    assert done.done_at is not None and done.done_at.isoformat() == "2026-12-14T09:40:00-05:00"
    assert done.done_at < done.due_at  # done before it fell due: its reminder goes


def test_settings_name_wins(settings: Settings = SETTINGS) -> None:
    draft = thank_you(only(run([event()], now="2026-12-01T08:00", settings=settings))).draft
    assert draft is not None and draft.body.rstrip().endswith("Alex Doe")


def test_reminders_say_what_the_action_is_for_above_the_draft() -> None:
    app = only(run([event("Datadog phone screen")], now="2026-12-16T12:00"))
    follow_up = pending_follow_up(app)
    assert follow_up is not None and follow_up.draft is not None
    first, _, rest = follow_up.reminder_text.partition("\n\n")
    assert first.startswith("Why: follow-up 1 of 2 after your Datadog phone screen on December 1")
    assert rest == follow_up.draft.body
    thanks = thank_you(app)
    assert thanks.reminder_text.startswith("Why: the thank-you for your Datadog phone screen")
