"""Run the benchmarks: `./dev bench` runs them all, `./dev bench NAME...` some of them.

Each benchmark is a module in this folder with a `main(argv) -> int`; results are
printed and written as JSON under bench/out/ (ignored by git).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = sorted(p.stem for p in HERE.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(b.removeprefix("bench_") for b in BENCHMARKS))
        return 0
    wanted = [f"bench_{name.removeprefix('bench_')}" for name in argv] or BENCHMARKS
    unknown = [w for w in wanted if w not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; "
              f"choose from {', '.join(b.removeprefix('bench_') for b in BENCHMARKS)}",
              file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    status = 0
    for name in wanted:
        print(f"== {name.removeprefix('bench_')}", flush=True)
        status |= importlib.import_module(name).main([])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
