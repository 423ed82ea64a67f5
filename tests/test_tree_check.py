"""`kb check` on one fixture repository per decision tree scenario: exact stderr and status."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.golden import assert_golden
from tests.helpers_cli import fixture_repo, kb
from tests.test_cli_check import transcript

SCENARIOS = sorted(p for p in (FIXTURES / "tree").iterdir()
                   if (p / "catalogue").is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_tree_scenario(scenario: Path, tmp_path: Path, update_golden: bool) -> None:
    repo = fixture_repo(tmp_path, scenario)
    args_file = scenario / "args"
    args = args_file.read_text().split() if args_file.exists() else []
    run = kb("check", *args, cwd=repo)
    assert "Traceback" not in run.stderr
    assert_golden(transcript(args, run.code, run.stdout, run.stderr),
                  scenario / "expected.txt", update_golden)
