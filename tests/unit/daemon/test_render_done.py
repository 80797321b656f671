"""`plan --json`: a done action's `due` stays its due time, `done_at` beside it (INTERFACE.md)."""

from __future__ import annotations

from daemon.render import plan_to_json
from tests.unit.policy.test_planner import ME, event, mail, run


def test_a_follow_up_sent_early_keeps_its_due_and_shows_when_it_was_done() -> None:
    early = [mail(ME, "jane@acme-corp.com", "2026-12-14T09:40", "Checking in.")]
    (app,) = plan_to_json(run([event()], early, now="2026-12-17T12:00"))["applications"]
    done = [a for a in app["actions"] if a["type"] == "follow_up" and a["status"] == "done"]
    assert done == [
        {
            "type": "follow_up",
            "number": 1,
            "due": "2026-12-16T09:30:00-05:00",
            "status": "done",
            "done_at": "2026-12-14T09:40:00-05:00",
            "key": "acme-1/follow_up/1",
        }
    ]
