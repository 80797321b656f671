"""The shared scenarios replayed into a real Radicale and a real Dovecot: same plans as
through the .ics file and the mbox.

Each scenario is written out by ../shared/scenarios/check.py's own writers and planned
through the local sources. Its .ics is then split into one CalDAV resource per VEVENT
(with the VTIMEZONEs it uses) in a fresh Radicale calendar, its mbox APPENDed to INBOX
(or to Sent for mine) in Dovecot, and `followup plan` runs as a subprocess with
`calendar.source = "caldav"` and `mail.source = "imap"`. Both plans must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario_replay import SCENARIOS, local_plan, plan, replay_config, scenario_id
from tests.servers.dovecot import Dovecot
from tests.servers.loading import load_calendar, load_mail
from tests.servers.radicale import Radicale


@pytest.mark.parametrize("path", SCENARIOS, ids=scenario_id)
def test_same_plan_through_radicale_and_dovecot(
    path: Path, tmp_path: Path, dovecot: Dovecot, radicale: Radicale
) -> None:
    local = tmp_path / "local"
    scenario, local_config, expected = local_plan(path, local)
    url = load_calendar(radicale, local / "calendar.ics")
    load_mail(dovecot, local / "mail.mbox", scenario["me"])
    config = replay_config(
        local_config,
        tmp_path / "remote",
        calendar=f'source = "caldav"\nurl = "{url}"\nusername = "{radicale.user}"\n'
        f'password_command = "echo {radicale.password}"',
        mail=f'source = "imap"\nhost = "127.0.0.1"\nport = {dovecot.port}\nsecurity = "none"\n'
        f'username = "{dovecot.user}"\npassword_command = "echo {dovecot.password}"',
    )
    assert plan(config, scenario["now"]) == expected
