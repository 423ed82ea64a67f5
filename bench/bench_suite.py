"""The everyday test command: how long `./dev test` takes, and how much CPU it uses.

Runs the suite as `./dev test` runs it (one worker per core and two more, `--dist
loadgroup`), in one run, and reports:

- the wall time, against the goal of 3 minutes on 2 cores;
- the CPU the machine spent during the run, busy and idle, summed over its cores (Linux,
  from /proc/stat): the test workers, their `kb` commands, Chromium, Playwright's driver,
  Pagefind and Zensical, and anything else the machine ran meanwhile, so run it on an
  otherwise idle machine. The run's own resource usage is reported beside it: it counts
  only the processes their parents waited for, which leaves out most of Chromium's and
  those of the `kb` commands the tests fork;
- the floor that CPU sets: its seconds divided by the cores, the wall time of a run that
  kept every core busy; and the ratio of the wall time to that floor;
- the time a fixed Python loop took before the run (20 million additions in a function:
  a yardstick for comparing runs on different machines or days).

pytest's folders go to a temporary folder removed afterwards (`--basetemp`): a plain
`./dev test` also removes the oldest of the three runs pytest keeps, which takes seconds
after the last test ends. `KB_BENCH_SUITE_ARGS` adds pytest arguments (for example
`-m browser`).

    ./dev bench suite
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
GOAL_S = 180.0


def yardstick() -> float:
    """CPU seconds of 20 million Python additions in this process."""
    start = time.process_time()
    total = 0
    for number in range(20_000_000):
        total += number
    return time.process_time() - start


def machine_seconds() -> tuple[float, float] | None:
    """The machine's busy and idle CPU seconds since boot, summed over its cores (Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    hertz = os.sysconf("SC_CLK_TCK")
    # user, nice, system, idle, waiting for input or output, interrupts, soft interrupts
    # (then time the hypervisor gave to other machines, counted as neither)
    busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]
    return busy / hertz, (ticks[3] + ticks[4]) / hertz


def run_suite(extra: list[str]) -> dict[str, Any]:
    """The suite run once, as `./dev test` runs it; its seconds and its processes' CPU."""
    workers = (os.cpu_count() or 1) + 2
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = machine_seconds()
    with tempfile.TemporaryDirectory(prefix="kb-bench-suite-") as temp:
        command = [sys.executable, "-m", "pytest", "-n", str(workers), "--dist", "loadgroup",
                   "-q", "--basetemp", str(Path(temp) / "pytest"), *extra]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_after = machine_seconds()
    busy, idle = ((machine_after[0] - machine[0], machine_after[1] - machine[1])
                  if machine and machine_after else (-1.0, -1.0))
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    print(summary)
    if done.returncode != 0:
        print(done.stdout[-4000:] + done.stderr[-2000:], file=sys.stderr)
    return {
        "exit_status": done.returncode,
        "summary": summary,
        "workers": workers,
        "wall_s": wall,
        "waited_user_s": after.ru_utime - before.ru_utime,
        "waited_system_s": after.ru_stime - before.ru_stime,
        "machine_busy_s": busy,
        "machine_idle_s": idle,
    }


def main(argv: list[str]) -> int:
    extra = [*shlex.split(os.environ.get("KB_BENCH_SUITE_ARGS", "")), *argv]
    cores = os.cpu_count() or 1
    stick = yardstick()
    result = run_suite(extra)
    waited = float(result["waited_user_s"]) + float(result["waited_system_s"])
    busy = float(result["machine_busy_s"])
    cpu = busy if busy >= 0 else waited
    wall = float(result["wall_s"])
    floor = cpu / cores
    result.update({"cores": cores, "yardstick_s": stick, "cpu_s": cpu, "floor_s": floor,
                   "goal_s": GOAL_S, "wall_to_goal": wall / GOAL_S,
                   "wall_to_floor": wall / floor if floor else 0.0,
                   "pytest_args": extra, "load_after": os.getloadavg()[0]})
    idle = float(result["machine_idle_s"])
    source = "the machine's" if busy >= 0 else "the waited-for processes'"
    print(f"wall {wall:.1f} s ({wall / GOAL_S:.2f}x the {GOAL_S:.0f} s goal); CPU "
          f"({source}) {cpu:.1f} s, {cpu / wall:.2f} of {cores} cores busy on average"
          + (f", {idle:.1f} s idle" if idle >= 0 else "")
          + f"; floor {floor:.1f} s (wall {wall / floor:.2f}x the floor); CPU of the "
          f"processes waited for {waited:.1f} s; yardstick {stick:.2f} s")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "suite.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["exit_status"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
