"""What drafts call people and companies (issue 9 points 1 and 2), with names as real
directories and calendars hold them: Outlook's "Last, First", role mailboxes, CJK and
accented names, titles as recruiters' calendars write them."""

from __future__ import annotations

import pytest

from policy.naming import (
    company_from_domain,
    company_name,
    first_name,
    first_names,
    is_no_reply,
    is_role_mailbox,
    role_in_title,
    stage_of,
)


@pytest.mark.parametrize(
    ("name", "email", "expected"),
    [
        ("Lee, Sam", "sam.lee@datadoghq.com", "Sam"),  # Outlook / Exchange GAL
        ("Sam Lee", "slee@datadoghq.com", "Sam"),
        ("Müller, Jörg", "joerg.mueller@siemens.com", "Jörg"),
        ("José Álvarez", "jalvarez@cabify.com", "José"),
        ("Álvarez García, María José", "mjalvarez@cabify.com", "María"),
        ("O'Brien, Siobhán", "sobrien@stripe.com", "Siobhán"),
        ("李小龙", "xiaolong.li@bytedance.com", "李小龙"),  # CJK: kept whole
        ("山田 太郎", "t-yamada@mercari.com", "山田 太郎"),
        ("김민준", "minjun.kim@coupang.com", "김민준"),
        ("Иван Петров", "ipetrov@yandex-team.ru", "Иван"),
        ("Dr. Priya Raman", "praman@figma.com", "Priya"),
        ("Priya Raman, PhD", "praman@figma.com", "Priya"),
        ("SAM LEE", "sam@initech.com", "Sam"),
        ('"Lee, Sam (Recruiting)"', "sam.lee@initech.com", "Sam"),
        ("\u202eSam\u202c Lee", "sam@initech.com", "Sam"),  # a bidi control is dropped
        ("Tom", "tom@globex.io", "Tom"),  # a CN someone typed
        ("", "jane.doe@acme.com", "Jane"),  # first.last@ with no display name
        # nobody to greet by name
        ("Acme Recruiting", "recruiting@acme.com", ""),
        ("Figma Talent Team", "talent@figma.com", ""),
        ("Jane Doe", "careers@acme.com", ""),  # a role mailbox, whoever signs it
        ("", "jobs@stripe.com", ""),
        ("", "hr@initech.com", ""),
        ("", "hiring@hooli.com", ""),
        ("", "noreply@greenhouse.io", ""),
        ("Cto", "cto@soylent.example", ""),
        ("", "sol@soylent.example", ""),  # one word of an address says nothing sure
        ("jdoe", "jdoe@acme.com", ""),  # a CN that is just the local part
        ("sam.lee@datadoghq.com", "sam.lee@datadoghq.com", ""),
        ("Datadog", "sam@datadoghq.com", ""),  # the company, not a person
    ],
)
def test_first_names_from_real_directories(name: str, email: str, expected: str) -> None:
    assert first_name(name, email, not_names=("Datadog",)) == expected


def test_first_names_are_distinct_and_keep_order() -> None:
    people = [
        ("sam.lee@datadoghq.com", "Lee, Sam"),
        ("recruiting@datadoghq.com", "Datadog Recruiting"),
        ("sam@datadoghq.com", "Sam"),
        ("ana@datadoghq.com", "Ana Souza"),
    ]
    assert first_names(people) == ("Sam", "Ana")


@pytest.mark.parametrize(
    "address",
    ["recruiting@acme.com", "careers@acme.com", "talent.acquisition@acme.com", "cto@acme.com"],
)
def test_role_mailboxes(address: str) -> None:
    assert is_role_mailbox(address)
    assert not is_role_mailbox("sam.lee@acme.com")


@pytest.mark.parametrize(
    "address",
    [
        "no-reply@greenhouse.io",
        "noreply@hire.lever.co",
        "donotreply@myworkday.com",
        "jobalerts-noreply@linkedin.com",
        "notifications@ashbyhq.com",
    ],
)
def test_no_reply_senders(address: str) -> None:
    assert is_no_reply(address)
    assert not is_no_reply("sam@initech.com")


@pytest.mark.parametrize(
    ("title", "organizer_domain", "company", "role"),
    [
        ("Datadog Backend Engineer - Phone Screen", "datadoghq.com", "Datadog", "Backend Engineer"),
        ("Datadog Backend Engineer - Phone Screen", "", "Datadog", "Backend Engineer"),
        ("Virtual Onsite - Figma (Product Engineer)", "figma.com", "Figma", "Product Engineer"),
        ("Virtual Onsite - Figma (Product Engineer)", "", "Figma", "Product Engineer"),
        ("Interview: Senior SRE at Stripe", "", "Stripe", "Senior SRE"),
        ("Stark Industries phone screen", "starkindustries.com", "Stark Industries", "the role"),
        ("Phone screen - Stark Industries", "", "Stark Industries", "the role"),
        ("Interview at Dunder Mifflin", "dundermifflin.com", "Dunder Mifflin", "the role"),
        ("[Hooli] Technical Interview - Staff Engineer II", "", "Hooli", "Staff Engineer II"),
        (
            "Final Round: Staff Software Engineer, Platform @ Hooli",
            "",
            "Hooli",
            "Staff Software Engineer",
        ),
        ("Acme <> Alex Doe: Technical Screen", "", "Acme", "the role"),
        ("Initech Sales Lead interview", "initech.com", "Initech", "Sales Lead"),
        # the title names no company: the organizer's domain, never the host of a tenant
        ("Phone Screen", "contoso.onmicrosoft.com", "Contoso", "the role"),
        ("Technical Screen", "monzo.co.uk", "Monzo", "the role"),
        ("Phone screen with Jane Doe", "initech.com", "Initech", "the role"),
        ("Hiring manager interview", "globex.io", "Globex", "the role"),
    ],
)
def test_company_and_role_from_titles_calendars_hold(
    title: str, organizer_domain: str, company: str, role: str
) -> None:
    named = company_name(
        title,
        organizer_domain=organizer_domain,
        domains=(organizer_domain,) if organizer_domain else (),
        people=("Jane Doe", "Alex Doe"),
    )
    assert named == company
    assert role_in_title(title, named) == role


def test_no_company_from_an_ats_or_a_calendar_host() -> None:
    assert company_from_domain("greenhouse.io") == ""
    assert company_from_domain("group.calendar.google.com") == ""
    assert company_from_domain("mail.onmicrosoft.com") == ""
    assert (
        company_name("Phone Screen", organizer_domain="greenhouse.io", domains=("hooli.com",))
        == "Hooli"
    )


@pytest.mark.parametrize(
    ("title", "stage"),
    [
        ("Stark Industries phone screen", "phone screen"),
        ("Virtual Onsite - Figma (Product Engineer)", "onsite interview"),
        ("Soylent interview (final round)", "final round interview"),
        ("Interview with Acme", "interview"),
    ],
)
def test_stage(title: str, stage: str) -> None:
    assert stage_of(title) == stage
