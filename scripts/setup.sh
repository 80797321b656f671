#!/usr/bin/env bash
# Creates .venv and installs followup with its test tools. Safe to run again: when neither
# pyproject.toml nor the Python changed since the last install, it installs nothing (the
# install is editable, so code changes need none), and a second run takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."
# The IMAP tests run against a real Dovecot (tests/servers/dovecot.py): install Debian's
# when it is missing and we may (root, apt). Without it those tests skip, saying why.
if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ] && command -v apt-get >/dev/null \
  && [ "$(id -u)" = 0 ]; then
  # A fresh machine is often still running unattended upgrades: wait for apt's lock.
  lock=(-o DPkg::Lock::Timeout=600)
  apt-get "${lock[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" install -y -qq dovecot-imapd >/dev/null
fi
stamp=.venv/.installed
wanted="$(python3 --version 2>&1) $(cat pyproject.toml | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ -x .venv/bin/followup ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
echo "$wanted" > "$stamp"
