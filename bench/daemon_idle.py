"""Measures the daemon at rest: its memory, and the CPU of a pass with nothing changed.

    .venv/bin/python bench/daemon_idle.py [--applications 200] [--passes 20]

1. `followup run` on the bundled example data (and on the generated data with N
   applications): VmRSS from /proc/PID/status once the first pass is done and the daemon
   waits for its next poll. Target (issue 4): under 80 MB.
2. In process, as `followup run` does it (sources kept between passes, re-read only when
   their files change; the plan reused while nothing it depends on changed): the CPU time
   (time.process_time) of a pass with nothing changed, over N applications. Target: under
   50 ms. The same pass with nothing cached (what `sync --once` does in one process) is
   printed for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daemon.config import load_config  # noqa: E402
from daemon.observer import Observer  # noqa: E402
from daemon.reconcile import PlanCache, run_pass  # noqa: E402
from daemon.sinks import build_sinks  # noqa: E402
from daemon.state import State  # noqa: E402
from tests.daemon.scenario import MOMENTS, build  # noqa: E402


def idle_rss(config: Path, settle: float = 2.0) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB of `followup run` waiting after its first pass."""
    followup = str(Path(sys.executable).parent / "followup")
    daemon = subprocess.Popen(
        [followup, "run", "--config", str(config)], stderr=subprocess.PIPE, text=True
    )
    try:
        assert daemon.stderr is not None
        for line in daemon.stderr:
            if "pass done" in line or "pass skipped" in line:
                break
        time.sleep(settle)
        status = Path(f"/proc/{daemon.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return _mb(fields["VmRSS"]), _mb(fields["VmHWM"])
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)


def _mb(value: str) -> float:
    """'  61234 kB' -> MB."""
    return int(value.split()[0]) / 1024


def idle_pass_cpu(config_path: Path, passes: int) -> tuple[list[float], list[float], int]:
    """CPU ms of passes with nothing changed: as the daemon runs them, and uncached."""
    config = load_config(config_path)
    now = datetime.fromisoformat(MOMENTS[2])
    observer = Observer(config)
    plans = PlanCache()
    sinks = build_sinks(config)
    with State.open(config.state_path) as state:
        first = run_pass(
            observer=observer, sinks=sinks, state=state, settings=config.settings, now=now
        )
        applications = len(first.plan.applications)
        daemon_ms = []
        for number in range(passes):
            began = time.process_time()
            summary = run_pass(
                observer=observer,
                sinks=sinks,
                state=state,
                settings=config.settings,
                now=now + timedelta(milliseconds=10 * (number + 1)),
                plans=plans,
            )
            daemon_ms.append((time.process_time() - began) * 1000)
            assert summary.writes() == 0
        cold_ms = []
        for number in range(max(3, passes // 5)):
            began = time.process_time()
            summary = run_pass(
                observer=Observer(config, cache=False),
                sinks=build_sinks(config),
                state=state,
                settings=config.settings,
                now=now + timedelta(seconds=number + 1),
            )
            cold_ms.append((time.process_time() - began) * 1000)
            assert summary.writes() == 0
    return daemon_ms[1:], cold_ms, applications


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        example = Path(tmp) / "example"
        example.mkdir()
        for name in ("calendar.ics", "mail.mbox", "config.toml"):
            shutil.copy(ROOT / "examples" / name, example / name)
        rss, peak = idle_rss(example / "config.toml")
        print(f"idle `followup run`, example data: VmRSS {rss:.1f} MB (peak {peak:.1f} MB)")

        generated = build(Path(tmp) / "generated", interviews=args.applications)
        rss, peak = idle_rss(generated)
        print(
            f"idle `followup run`, {args.applications} applications: VmRSS {rss:.1f} MB "
            f"(peak {peak:.1f} MB)"
        )
        shutil.rmtree(Path(tmp) / "generated" / "out")

        daemon_ms, cold_ms, applications = idle_pass_cpu(generated, args.passes)
        print(
            f"pass with nothing changed, {applications} applications, as the daemon runs it: "
            f"median {statistics.median(daemon_ms):.1f} ms CPU, max {max(daemon_ms):.1f} ms "
            f"over {len(daemon_ms)} passes"
        )
        print(
            f"the same pass with nothing cached (sources re-read, plan recomputed): "
            f"median {statistics.median(cold_ms):.0f} ms CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
