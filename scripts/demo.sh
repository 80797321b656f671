#!/usr/bin/env bash
# Sets up and runs followup on the bundled example data (no Google account needed):
# the plan, then one `followup sync --once` that writes reminders and drafts into
# examples/out/ (git-ignored), then a second pass that writes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
now="${FOLLOWUP_DEMO_NOW:-2026-12-10T12:00:00-05:00}"
followup=.venv/bin/followup
config=examples/config.toml
echo "== followup status, as of $now"
"$followup" status --config "$config" --now "$now"
echo
echo "== followup plan --json (first application)"
"$followup" plan --config "$config" --now "$now" --json \
  | .venv/bin/python -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["applications"][0], indent=1))'
echo
# A fresh start each time: the demo's outputs are its own.
rm -rf examples/out
echo "== followup sync --once: reminders and drafts into examples/out/"
"$followup" sync --once --config "$config" --now "$now"
echo
echo "== what it wrote"
.venv/bin/python - <<'EOF'
import email, email.policy
from pathlib import Path
from zoneinfo import ZoneInfo
from icalendar import Calendar

from connectors.draft_mail import text_of

zone = ZoneInfo("America/New_York")  # the example's user.timezone

out = Path("examples/out")
calendar = Calendar.from_ical((out / "reminders.ics").read_bytes())
events = sorted(calendar.walk("VEVENT"), key=lambda e: e["DTSTART"].dt)
print(f"{out / 'reminders.ics'}: {len(events)} reminders")
for event in events:
    print(f"  {event['DTSTART'].dt.astimezone(zone):%a %d %b %H:%M}  {event['SUMMARY']}")
drafts = sorted(p for sub in ("cur", "new") for p in (out / "drafts" / sub).iterdir())
print(f"{out / 'drafts'}/: {len(drafts)} drafts (a Maildir: open it in any mail program)")
messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in drafts]
for message in messages:
    print(f"  to {message['To']}: {message['Subject']}")
# One draft as a mail program opens it (and the recruiter would receive it): every header.
if messages:
    first = min(messages, key=lambda m: str(m["Subject"]))
    print()
    print(f"== one draft, as sent ({len(first.keys())} headers, nothing of followup in them)")
    for name, value in first.items():
        if name.lower() not in ("content-transfer-encoding", "mime-version"):
            print(f"{name}: {value}")
    print()
    print(text_of(first).rstrip())  # the flowed body as a mail program shows it
EOF
echo
echo "== the same pass again: nothing changed, so nothing is written"
"$followup" sync --once --config "$config" --now "$now"
