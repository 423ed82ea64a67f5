"""Fuzzing profiles and counters.

`./dev test` runs the fast profile (a few dozen examples per property, the same ones every
time); `./dev fuzz` runs the full one: 100,000 examples shared by the categories in the
proportions of SHARE, fresh ones each run (failures are kept in .hypothesis/ and tried
first next time). The number of examples run per category is printed at the end and
written to bench/out/fuzz.json.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[2]
PROFILE = os.environ.get("KB_FUZZ", "fast")
TOTAL = int(os.environ.get("KB_FUZZ_EXAMPLES", "100000"))
# Share of the full run per property (they add up to 1).
SHARE = {
    "yaml": 0.25, "yaml-cli": 0.003, "markdown": 0.25, "ranges": 0.17, "lookup": 0.17,
    "lookup-segments": 0.127, "lookup-javascript": 0.03,
}
FAST = {"yaml": 30, "yaml-cli": 4, "markdown": 40, "ranges": 200, "lookup": 60,
        "lookup-segments": 300, "lookup-javascript": 40}
RUN: Counter[str] = Counter()

settings.register_profile(
    "fast", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])
settings.register_profile(
    "full", deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])
settings.load_profile("full" if PROFILE == "full" else "fast")


def examples(category: str) -> int:
    """How many examples the property of `category` runs in the active profile."""
    if PROFILE == "full":
        return max(1, round(TOTAL * SHARE[category]))
    return FAST[category]


def count(category: str) -> None:
    RUN[category] += 1


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if not RUN:
        return
    line = ", ".join(f"{name} {RUN[name]:,}" for name in SHARE if RUN[name])
    total = sum(RUN.values())
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"fuzz ({PROFILE}): {total:,} examples: {line}")
    if PROFILE == "full":
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "fuzz.json").write_text(json.dumps(
            {"profile": PROFILE, "total": total, "per_category": dict(RUN),
             "exit_status": exitstatus}, indent=2) + "\n")


@pytest.fixture(scope="session")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")
