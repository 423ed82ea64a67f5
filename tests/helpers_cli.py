"""Run the real `kb` command line on a fixture repository."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests import kbfork
from tests.conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "catalogues" / "minimal"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def kb(*args: str, cwd: Path | None = None, stdin: str | None = None,
       timeout: float = 300, before: Callable[[], object] | None = None) -> Run:
    """`kb ARGS` in a process of its own, as a user would run it, forked from one that has
    imported the generator already (tests/kbfork.py); `before()` runs there first."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return Run(*kbfork.run(list(args), cwd or ROOT, env, stdin, timeout, before))


def fixture_repo(tmp: Path, overlay: Path | None = None) -> Path:
    """A copy of the minimal fixture repository with `overlay`'s files on top."""
    repo = tmp / "repo"
    shutil.copytree(MINIMAL, repo)
    if overlay is not None:
        for path in sorted(overlay.rglob("*")):
            rel = path.relative_to(overlay)
            if path.is_file() and rel.parts[0] in ("catalogue", "content", "mkdocs.yml"):
                target = repo / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
    return repo


def disk_full_applies_to(repo: Path, versions: str) -> None:
    """The disk-full entry of the minimal fixture's `repo` limited to `versions` (a range)."""
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    text = entry.read_text(encoding="utf-8")
    assert "title: The disk is full\n" in text
    entry.write_text(text.replace("title: The disk is full\n",
                                  f'title: The disk is full\napplies_to: "{versions}"\n'),
                     encoding="utf-8")


def entries_alike_but_for_a_number(repo: Path, count: int, first: int = 100) -> None:
    """`count` more entries in the minimal fixture's `repo`, each like its disk-full entry
    with a number of its own in its message and sample ("Volume 100 is full", ...)."""
    demo = repo / "catalogue" / "demo"
    source = (demo / "disk-full.yml").read_text(encoding="utf-8")
    for n in range(count):
        (demo / f"full-{n:04d}.yml").write_text(
            source.replace("id: disk-full", f"id: full-{n:04d}")
            .replace("id: logs", f"id: logs-{n:04d}")
            .replace('"No space left on device"', f'"Volume {n + first} is full"')
            .replace("app.log: No space left on device", f"app.log: volume {n + first} is full"),
            encoding="utf-8")


def check_transcript(scenario: Path, tmp_path: Path) -> tuple[int, str]:
    """`kb check` (with the scenario's `args` file, if any) on the minimal repository with
    the scenario's files on top: the exit status and a transcript for a golden file."""
    args_file = scenario / "args"
    args = args_file.read_text().split() if args_file.exists() else []
    run = kb("check", *args, cwd=fixture_repo(tmp_path, scenario))
    assert "Traceback" not in run.stderr
    text = (f"$ kb check {' '.join(args)}".rstrip() + f"\nexit: {run.code}\n"
            f"--- stdout\n{run.stdout}--- stderr\n{run.stderr}")
    return run.code, text
