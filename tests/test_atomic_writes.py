"""`kb fmt` and `kb rename` write each file in one step: a file is never opened for writing
in place, and a run killed at the rename leaves the file as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT
from tests.helpers_cli import fixture_repo

RECORD = """
import json, os, sys
log = open(sys.argv[1], "w")
def hook(name, args):
    if name == "open" and isinstance(args[0], str) and args[1] not in (None, "r", "rb") \\
            or name == "open" and isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR):
        log.write(json.dumps([name, str(args[0])]) + "\\n"); log.flush()
    elif name == "os.rename":
        log.write(json.dumps([name, str(args[0]), str(args[1])]) + "\\n"); log.flush()
sys.addaudithook(hook)
from generator.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run(repo: Path, *args: str, record: Path | None = None,
        kill: tuple[str, str, int] | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    if kill is not None:
        command = [sys.executable, "-m", "tests.killpoint", kill[0], kill[1], str(kill[2]),
                   "--", *args]
    else:
        assert record is not None
        command = [sys.executable, "-c", RECORD, str(record), *args]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, timeout=300,
                          ).returncode


def writes(record: Path, repo: Path) -> list[list[str]]:
    events = [json.loads(line) for line in record.read_text().splitlines()]
    root = str(repo.resolve())
    return [e for e in events if e[1].startswith(root) and "/catalogue/" in e[1]]


def unformatted(repo: Path) -> Path:
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("messages:\n  - ", "messages:\n    - "))
    return entry


def test_fmt_writes_a_temporary_file_and_renames_it(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    entry = unformatted(repo)
    record = tmp_path / "events.jsonl"
    assert run(repo, "fmt", record=record) == 0
    events = writes(record, repo)
    opened = [Path(e[1]) for e in events if e[0] == "open"]
    assert opened and all(p.name.startswith(".") and p.suffix == ".tmp" for p in opened)
    renames = [(Path(e[1]), Path(e[2])) for e in events if e[0] == "os.rename"]
    assert sorted(source for source, _ in renames) == sorted(opened)
    assert str(entry.resolve()) in [str(target) for _, target in renames]


def test_fmt_killed_at_the_rename_leaves_the_file_whole(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    entry = unformatted(repo)
    before = entry.read_bytes()
    assert run(repo, "fmt", kill=("os.rename", "disk-full.yml", 1)) == -9
    assert entry.read_bytes() == before


def test_rename_writes_each_file_in_one_step(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "links" / "site", repo)
    record = tmp_path / "events.jsonl"
    sources = {p: p.read_bytes() for p in sorted((repo / "catalogue").rglob("*.yml"))}
    assert run(repo, "rename", "timeout", "op-timeout", record=record) == 0
    events = writes(record, repo)
    in_place = [e[1] for e in events if e[0] == "open" and Path(e[1]) in sources]
    assert in_place == [] and any(e[0] == "os.rename" for e in events)
    after = {p.relative_to(repo): p.read_bytes() for p in (repo / "catalogue").rglob("*.yml")}
    # Killed at its first rename, every catalogue file is as it was or as it will be.
    again = tmp_path / "again"
    shutil.copytree(FIXTURES / "links" / "site", again)
    assert run(again, "rename", "timeout", "op-timeout",
               kill=("os.rename", str(again.resolve() / "catalogue"), 1)) == -9
    for path, data in sources.items():
        now = again / path.relative_to(repo)
        assert now.read_bytes() in (data, after.get(path.relative_to(repo)))
