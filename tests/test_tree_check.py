"""`kb check` on one fixture repository per decision tree scenario: exact stderr and status."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.golden import assert_golden
from tests.helpers_cli import check_transcript

SCENARIOS = sorted(p for p in (FIXTURES / "tree").iterdir()
                   if (p / "catalogue").is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_tree_scenario(scenario: Path, tmp_path: Path, update_golden: bool) -> None:
    _, text = check_transcript(scenario, tmp_path)
    assert_golden(text, scenario / "expected.txt", update_golden)
