"""`python -m daemon.cli`: the `followup` command (the service runs it so)."""

import sys

from daemon.cli import main

sys.exit(main())
