"""CONTRIBUTING's five-minute path, followed as a new contributor would, on a clean clone.

The commands are read from CONTRIBUTING.md and run as written through `sh`, with `kb` on the
PATH as step 1 puts it there: scaffold, fill in (the filled-in entry the guide shows), fmt,
check --strict, lookup, build, then the git steps of the pull request (the push goes to the
repository the clone came from). Only `./dev setup`, `export PATH` and the long-running
`kb serve` are left out; tests/test_serve.py covers the preview.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from tests.conftest import FIXTURES, ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
SKIPPED = ("./dev ", "export PATH", "kb serve")


def five_minutes() -> tuple[list[str], str]:
    """The shell commands of the section, in order, and the filled-in entry it shows."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Add an entry in five minutes", 1)[1].split("\n## ", 1)[0]
    commands: list[str] = []
    filled = ""
    for language, body in re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL):
        if language == "yaml":
            filled = body
            continue
        for line in body.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            if line and not line.startswith(SKIPPED):
                commands.append(line)
    return commands, filled


def _env(tmp: Path) -> dict[str, str]:
    shims = tmp / "bin"
    shims.mkdir()
    kb = shims / "kb"
    kb.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n')
    kb.chmod(kb.stat().st_mode | stat.S_IXUSR)
    return {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
            "NO_COLOR": "1", "GIT_AUTHOR_NAME": "New Contributor",
            "GIT_AUTHOR_EMAIL": "new@example.org", "GIT_COMMITTER_NAME": "New Contributor",
            "GIT_COMMITTER_EMAIL": "new@example.org"}


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_guide_shows_every_step() -> None:
    commands, filled = five_minutes()
    verbs = [c.split()[1] for c in commands if c.startswith("kb ")]
    assert verbs == ["new", "fmt", "check", "lookup", "build"]
    assert "kb check --strict" in commands
    assert filled.startswith("# yaml-language-server: $schema=../_schema/entry.schema.json")
    assert "TODO" not in filled


def test_a_new_contributor_adds_an_entry_on_a_clean_clone(tmp_path: Path) -> None:
    commands, filled = five_minutes()
    env = _env(tmp_path)
    origin = tmp_path / "origin"
    shutil.copytree(FIXTURES / "catalogues" / "contributing", origin)
    for command in ("git init -q -b main", "git add -A", "git commit -q -m start"):
        assert sh(command, origin, env).returncode == 0
    clone = tmp_path / "clone"
    assert sh(f"git clone -q {origin} {clone}", tmp_path, env).returncode == 0

    created: Path | None = None
    for command in commands:
        run = sh(command, clone, env)
        assert run.returncode == 0, (command, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr, command
        if command.startswith("kb new "):
            # Step 3: the contributor fills in what kb new wrote, as the guide shows.
            found = re.search(r"^created (\S+)$", run.stdout, re.MULTILINE)
            assert found is not None, run.stdout
            created = clone / found[1]
            scaffold = YAML(typ="safe").load(created.read_text(encoding="utf-8"))
            entry = YAML(typ="safe").load(filled)
            for key in ("id", "title", "applies_to", "messages"):
                assert entry[key] == scaffold[key], key
            assert "TODO:" in created.read_text(encoding="utf-8")
            created.write_text(filled, encoding="utf-8")
        elif command.startswith("kb check"):
            assert run.stderr == "kb check: catalogue is valid\n"
        elif command.startswith("kb lookup"):
            assert created is not None
            first = run.stdout.splitlines()[:2]
            assert first[0].startswith(f"1. {entry['title']}  [exact, score 100]"), run.stdout
            assert first[1].endswith(f"/{created.parent.name}/#{entry['id']}"), run.stdout
        elif command.startswith("kb build"):
            page = clone / "site" / "azure-devops" / created.parent.name / "index.html"  \
                if created else None
            assert page is not None and f'id="{entry["id"]}"' in page.read_text()
            older = clone / "site" / "tfs-2018" / created.parent.name / "index.html"
            assert f'id="{entry["id"]}"' not in older.read_text()  # '>= azure-devops-2019'

    # The pull request holds the new entry and nothing else.
    assert created is not None
    branch = sh("git branch --show-current", clone, env).stdout.strip()
    changed = sh(f"git diff --name-only main {branch}", origin, env)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines() == [created.relative_to(clone).as_posix()]
    assert sh("git status --porcelain", clone, env).stdout == ""
