"""General rules of the decision reader that real recruiter mail showed were missing.

Each rule is tested in several wordings (none of them the held-out mail that revealed it,
see `heldout_mail.py`), with the hard negatives that must stay undecided beside it.
"""

from __future__ import annotations

import pytest

from policy.decisions import read_decision
from policy.models import Outcome

R, OF, N, X = Outcome.REJECTED, Outcome.OFFER, Outcome.NEXT_ROUND, None


def _decision(text: str) -> Outcome | None:
    return read_decision(text).decision


# A reason after a negated verb: about me it is a rejection; about the process (budget,
# freeze, approval) the outcome is still open. "After much discussion" is a decision made,
# not a hedge.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You were not selected because the panel wanted more SQL experience.", R),
        ("We won't be moving forward because the role needs deeper Kubernetes experience.", R),
        (
            "We won't progress your application because of your limited people-management"
            " experience.",
            R,
        ),
        ("After much discussion, we have decided to offer the role to another candidate.", R),
        ("After a lot of discussion the panel chose a candidate with more retail experience.", R),
        ("Following lengthy discussions, we've decided not to progress your application.", R),
        # still open
        (
            "We are not moving forward because the budget has not been approved; we will"
            " resume in January.",
            X,
        ),
        ("We are not moving forward at the moment because of a hiring freeze.", X),
        ("We can't move forward yet because the budget isn't signed off.", X),
        ("We're still discussing your interview and will decide Friday.", X),
        ("We are in discussions with the hiring manager about next steps.", X),
    ],
)
def test_reasons_and_discussion(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# POLICY.md: a suggestion of another role instead of this one is a rejection of this one,
# whether it comes as an offer, an invitation or a remark about fit.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We'd like to offer you the Junior Analyst position instead.", R),
        (
            "We've decided to offer you a different position: Associate Product Manager rather"
            " than Senior PM.",
            R,
        ),
        (
            "We would like to offer you a position on our Support team rather than the"
            " Engineering role you applied for.",
            R,
        ),
        ("We'd love to set up an interview for that role instead.", R),
        ("We'd like to invite you to interview for another opening on our Platform team.", R),
        (
            "We think you'd be a stronger fit for a different team, so we'd like you to meet the"
            " Data lead next week.",
            R,
        ),
        (
            "The hiring manager felt you'd be a better fit for our Customer Success team than for"
            " the Account Executive role.",
            R,
        ),
        # this job, or another person or time, is not another role
        ("We'd like to offer you the role in our Customer Support team.", OF),
        ("We're delighted to offer you the Staff Engineer role on the Payments team.", OF),
        (
            "We'd like to offer you the position; you'll work with a different team each quarter.",
            OF,
        ),
        ("You were the best fit for the role, so we'd like to offer you the job.", OF),
        ("We'd like to invite you to a final interview with another team member.", N),
        ("We'd like to invite you back to meet two other team leads.", N),
        ("Could you do the final interview on Tuesday instead?", N),
        ("We'd like to offer you a quick call to go over feedback.", X),
    ],
)
def test_another_role_instead_of_this_one(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# POLICY.md next_round includes a reference check: a request for my references is one,
# even bare; references asked for later, on a condition or not at all decide nothing.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could you send us two references?", N),
        ("Please provide contact details for three references.", N),
        ("Could you share a couple of professional references, ideally a former manager?", N),
        ("We'd now like to ask you for references.", N),
        ("As a next step, we would like to request two references from recent managers.", N),
        ("Please send over three referees with their phone numbers.", N),
        ("Please send your references by Friday.", N),
        # an offer that asks for references is still the offer (rejected > offer > next)
        ("We're delighted to offer you the role. Please send two references.", OF),
        # not now, not me, or not asked
        ("Please don't send references yet.", X),
        (
            "Would you be willing to share your references later in the process, if we get there?",
            X,
        ),
        ("Should we decide to extend an offer, we'll ask for references.", X),
        ("We'll request references only from the finalist.", X),
        ("Your references have been received and we're reviewing them.", X),
        ("References are available on request.", X),
    ],
)
def test_a_request_for_references(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# The job given to "him", "her", "them": a third person is not me.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "An internal applicant came forward late, and the director decided to give the role"
            " to them.",
            R,
        ),
        (
            "We interviewed a former colleague of the CEO and have offered the position to him.",
            R,
        ),
        (
            "The panel preferred another finalist and we've extended the offer to her; she"
            " starts in January.",
            R,
        ),
        # still open, or not the job
        ("We've extended the offer to her and are waiting to hear back.", X),
        ("We gave the feedback to them yesterday.", X),
    ],
)
def test_the_job_given_to_a_third_person(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# A stray word before the verb, as merged templates leave it, when the object is my
# application.
@pytest.mark.parametrize(
    "text",
    [
        "We will not be extending proceeding with your application at the moment.",
        "We will not be able to formally proceed with your application.",
        "We're not going to be continuing with your candidacy.",
    ],
)
def test_a_negated_proceeding_with_my_application(text: str) -> None:
    assert _decision(text) is R


# An approved hire or appointment of mine, and an offer I will receive, are the offer.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your hire has been approved; the paperwork follows through DocuSign.", OF),
        ("Your appointment has now been confirmed by the board.", OF),
        ("Your hiring was signed off this morning.", OF),
        ("You'll receive the offer through our portal this afternoon.", OF),
        ("You will receive a formal offer from HR tomorrow.", OF),
        # a condition or a decision about an offer is no offer
        ("If successful, you will receive an offer within two weeks.", X),
        ("You will receive an offer decision by Friday.", X),
    ],
)
def test_an_approved_hire(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# A negated judgement ("we don't feel there is a strong enough match") and a decision that
# turned on another person ("it came down to another finalist", "gave her the edge").
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We don't feel there is a strong enough match with what the team needs.", R),
        ("I don't think there's a close enough fit between your background and the role.", R),
        ("We don't believe it is the right fit at this time.", R),
        ("In the end it came down to another finalist with deeper payments experience.", R),
        ("Ultimately the choice boiled down to an internal candidate who knows the codebase.", R),
        ("Her agency background gave her the edge.", R),
        # good news, or still open
        ("We don't think there's a reason to delay; we'd like to move you forward.", N),
        ("It came down to two strong candidates and we'll decide on Friday.", X),
    ],
)
def test_a_negated_judgement_or_another_persons_edge(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# Selected to be one of us, appointed to a named position, invited to join as: the offer.
# Selected or invited to join a further stage is next_round; a community is nothing.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You have been chosen to join our team as the new Office Manager.", OF),
        ("We're delighted that you have been selected to become a member of our staff.", OF),
        (
            "You have been selected to be part of our team, should you wish to accept the"
            " terms below.",
            OF,
        ),
        ("You have been appointed by the board in the position of Deputy Head.", OF),
        ("We'd like to invite you to join our team as a Senior Designer.", OF),
        ("You have been selected to join the team for a final panel interview.", N),
        ("We'd like to invite you to join us for a panel interview.", N),
        ("We'd like to invite you to become part of our talent community.", X),
        # a condition on them deciding still governs
        ("Should you be selected, we will invite you to a final interview.", X),
        ("We'll invite you to the final round, should the panel agree.", X),
    ],
)
def test_selected_to_join(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# Further stages said as congratulations, a calendar, reference checks, a ready interview.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Congrats on progressing to the onsite stage!", N),
        ("Congratulations on being shortlisted for the final round.", N),
        ("Can we get you on the calendar with our Head of Design next week?", N),
        ("I'll put you in the diary with the partners for Thursday.", N),
        ("We'd like to start reference checks this week.", N),
        ("Your technical interview is now available in the candidate portal.", N),
        ("We will conduct a reference check once we have a preferred candidate.", X),
        ("Your interview feedback is ready.", X),
    ],
)
def test_further_stages_in_other_words(text: str, expected: Outcome | None) -> None:
    assert _decision(text) is expected


# Someone else judged better is a rejection; a search still under way is only possible.
# A meeting cancelled for a position says nothing of the position; a trial shift offered is
# a further stage, not the job.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We decided someone else was a better fit for where the team is right now.", R),
        ("We felt another applicant would be a stronger match.", R),
        ("The Controller position has been cancelled.", R),
        ("You're not quite what we're looking for in this role.", R),
        ("Your call for the Finance Lead role has been cancelled; I'll send a new time.", X),
        ("The meeting about the Designer role is cancelled, so let's talk on Monday.", X),
        ("We'd like to offer you a trial shift on Saturday.", N),
        ("We'd like to offer you a paid work trial next week.", N),
        ("We'd like to offer you a tour of the office before your final interview.", X),
        ("We've been looking for someone like you, and we'd like to offer you the role.", OF),
    ],
)
def test_someone_else_better_and_meetings_for_a_position(
    text: str, expected: Outcome | None
) -> None:
    assert _decision(text) is expected


def test_a_search_still_under_way_is_only_possible() -> None:
    reading = read_decision("We're looking for a candidate who is a better fit for our budget.")
    assert reading.decision is None
    assert reading.uncertain
    assert reading.maybe is R
