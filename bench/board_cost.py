"""What `followup board` and the daemon's board hook cost, over N generated applications.

    .venv/bin/python bench/board_cost.py [--applications 200] [--repeat 10]

Prints the page's size and the CPU time (time.process_time, median) of: rendering the page;
the hook after a pass with nothing changed as `followup run` has it (the plan cache hands
back the same applications); the hook with an equal plan built afresh (as after a
restart: the JSON is hashed); the hook when the plan changed (render and write).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daemon.board import BoardKeeper, render_board  # noqa: E402
from daemon.config import load_config  # noqa: E402
from daemon.sources import observe  # noqa: E402
from policy.planner import plan as make_plan  # noqa: E402
from tests.daemon.scenario import MOMENTS, build  # noqa: E402


def cpu_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.process_time()
        work()
        times.append((time.process_time() - began) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        config = load_config(build(Path(tmp) / "generated", interviews=args.applications))
        seen = observe(config)
        now = datetime.fromisoformat(MOMENTS[2])
        plan = make_plan(seen.events, seen.threads, config.settings, now)
        settings = config.settings
        page = render_board(plan, settings)
        print(f"{len(plan.applications)} applications: page {len(page.encode()) / 1024:.0f} KiB")
        print(
            f"render the page: {cpu_ms(lambda: render_board(plan, settings), args.repeat):.1f} ms"
        )
        keeper = BoardKeeper(Path(tmp) / "board.html", settings)
        keeper.after_pass(plan)
        later = [now]

        def idle() -> None:
            later[0] += timedelta(milliseconds=10)
            keeper.after_pass(replace(plan, generated_at=later[0]))

        print(f"hook, nothing changed (cached plan): {cpu_ms(idle, args.repeat):.3f} ms")
        fresh = make_plan(seen.events, seen.threads, settings, now + timedelta(seconds=1))
        restarted = cpu_ms(
            lambda: BoardKeeper(keeper.path, settings).after_pass(fresh), args.repeat
        )
        print(f"hook, an equal plan built afresh: {restarted:.1f} ms")
        days = [0]

        def changed() -> None:
            days[0] += 1
            keeper.after_pass(replace(plan, generated_at=now + timedelta(days=days[0])))

        print(
            f"hook, the page changed (render + atomic write): {cpu_ms(changed, args.repeat):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
