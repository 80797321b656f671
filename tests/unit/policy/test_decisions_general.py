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
