"""`kb check` on a topic of messages alike but for a number, at growing sizes.

Errors that differ only in a number (a volume, a status code, a port) are common, and the
number is a variable part of the text, not a word: every message of such a topic has the
same words. The lookup checks run each message's sample and filled-in text against the
messages that could match it; the check's time should grow with the entries, not with
their square. Sizes 100, 200, 400, 800 and 1,600 entries (each with a message, a sample and a
cause), one `kb check` each, in a process of its own; reported: seconds (wall and CPU) and
seconds per 100 entries, whose ratio between the largest and the smallest size is 1 for
linear work and 16 for quadratic (when the fixed cost of a run is small beside it).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers_cli import entries_alike_but_for_a_number

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MINIMAL = ROOT / "tests" / "fixtures" / "catalogues" / "minimal"
SIZES = (100, 200, 400, 800, 1600)


def repository(folder: Path, count: int) -> Path:
    """The minimal fixture with `count` more entries like its disk-full entry, each with
    its own number in its message and sample."""
    repo = folder / f"check-{count}"
    shutil.copytree(MINIMAL, repo)
    entries_alike_but_for_a_number(repo, count, first=1000)
    return repo


def timed_check(repo: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `kb check` in `repo` (the process and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=repo,
                         capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise RuntimeError(f"kb check failed in {repo}:\n{run.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str]) -> int:
    rows = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-check-") as temp:
        for count in SIZES:
            repo = repository(Path(temp), count)
            wall, cpu = timed_check(repo)
            rows.append({"entries": count, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                         "cpu_s_per_100": round(cpu / count * 100, 3)})
            print(f"{count:5d} entries: {wall:6.2f} s ({cpu:6.2f} CPU-s), "
                  f"{cpu / count * 100:.3f} CPU-s per 100 entries", flush=True)
    ratio = rows[-1]["cpu_s_per_100"] / rows[0]["cpu_s_per_100"]
    print(f"CPU-s per 100 entries, {SIZES[-1]} / {SIZES[0]} entries: {ratio:.2f}× "
          "(1 linear, 16 quadratic)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "check.json").write_text(json.dumps({"rows": rows, "ratio": ratio}, indent=2) + "\n",
                                    encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
