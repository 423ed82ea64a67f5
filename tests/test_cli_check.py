"""`kb check` on one fixture repository per bad-input scenario: exact stderr and status."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.golden import assert_golden
from tests.helpers_cli import check_transcript, fixture_repo, kb

SCENARIOS = sorted(p for p in (FIXTURES / "check").iterdir() if p.is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_check_scenario(scenario: Path, tmp_path: Path, update_golden: bool) -> None:
    _, text = check_transcript(scenario, tmp_path)
    assert_golden(text, scenario / "expected.txt", update_golden)


def test_minimal_fixture_is_valid(tmp_path: Path) -> None:
    run = kb("check", "--strict", cwd=fixture_repo(tmp_path))
    assert (run.code, run.stdout, run.stderr) == (0, "", "kb check: catalogue is valid\n")


def test_github_format_annotates_lines(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, FIXTURES / "check" / "unknown_moniker")
    run = kb("check", "--format", "github", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "::error file=catalogue/demo/disk-full.yml,line=3,col=17::entry 'disk-full': "
        "unknown moniker 'demo2' in applies_to; did you mean 'demo-2'?"
    )


def test_outside_a_repository(tmp_path: Path) -> None:
    run = kb("check", cwd=tmp_path)
    assert run.code == 1
    assert run.stderr == (
        f"error: no knowledge base found in {tmp_path.resolve()} or its parents (expected "
        "mkdocs.yml beside a catalogue/ folder); run kb inside the repository or pass --root\n"
    )


def test_no_command_prints_help_and_exits_2() -> None:
    run = kb()
    assert run.code == 2
    assert "usage: kb" in run.stderr


def test_strict_completeness_can_be_satisfied(tmp_path: Path) -> None:
    """Each warning of the strict_complete scenario goes away by doing what it suggests."""
    repo = fixture_repo(tmp_path, FIXTURES / "check" / "strict_complete")
    later = repo / "catalogue" / "later"
    edits = {
        "_topic.yml": [('applies_to: ">= demo-1"', 'applies_to: ">= demo-2"')],
        "quota.yml": [("    title: The daily quota is used up\n",
                       "    title: The daily quota is used up\n"
                       "    description: The account page shows the quota at 100%.\n")],
        "sync-failed.yml": [
            ("    title: The server restarted during the sync\n",
             "    title: The server restarted during the sync\n"
             "    check: Does the server log show a restart at that time?\n"),
            ("    cause: revoked\n", "    cause: revoked\n    applies_to: demo-3\n"),
            ('  - "12:00:01 ERROR Sync failed: the server closed the connection"\n',
             '  - "12:00:01 ERROR Sync failed: the server closed the connection"\n'
             '  - text: "12:00:02 ERROR Sync failed: token 7f3a was revoked"\n'
             '    applies_to: demo-3\n'),
        ],
    }
    for name, replacements in edits.items():
        path = later / name
        text = path.read_text()
        for old, new in replacements:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text)
    run = kb("check", "--strict", cwd=repo)
    assert (run.code, run.stderr) == (0, "kb check: catalogue is valid\n")


def test_a_topic_of_sections_only_lists_no_error_by_design(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    (repo / "catalogue" / "guide").mkdir()
    (repo / "catalogue" / "guide" / "_topic.yml").write_text(
        "id: guide\ntitle: How the demo works\nsections:\n  - id: overview\n"
        "    title: Overview\n    body: The demo writes logs and a cache.\n")
    run = kb("check", "--strict", cwd=repo)
    assert (run.code, run.stderr) == (0, "kb check: catalogue is valid\n")
