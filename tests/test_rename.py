"""`kb rename`: the new id takes over, the old one stays an alias, references follow."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers_cli import kb

LINKS = FIXTURES / "links" / "site"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(LINKS, repo)
    topic = repo / "catalogue" / "demo" / "_topic.yml"
    topic.write_text("# The demo topic; comments survive a rename.\n" + topic.read_text())
    return repo


def _diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_rename_entry_moves_file_keeps_alias_and_rewrites_references(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    topic = repo / "catalogue" / "demo" / "_topic.yml"
    links = repo / "content" / "links.md"
    before_topic, before_links = topic.read_text(), links.read_text()
    before_entry = (repo / "catalogue" / "demo" / "timeout.yml").read_text()
    run = kb("rename", "timeout", "op-timeout", cwd=repo)
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "content/links.md:15:39: link 'demo.md#timeout' -> 'demo.md#op-timeout'",
        "catalogue/demo/timeout.yml:1:1: entry id 'timeout' -> 'op-timeout', 'timeout' kept "
        "as alias",
        "catalogue/demo/_topic.yml:9: order 'timeout' -> 'op-timeout'",
        "catalogue/demo/timeout.yml: renamed to catalogue/demo/op-timeout.yml",
    ]
    assert run.stderr == ("kb rename: 'timeout' is now 'op-timeout' (the old id stays an "
                          "alias); 4 edits in 4 files\n")
    assert not (repo / "catalogue" / "demo" / "timeout.yml").exists()
    assert _diff(before_entry, (repo / "catalogue" / "demo" / "op-timeout.yml").read_text()) == [
        "-id: timeout", "+id: op-timeout", "+aliases:", "+  - timeout"]
    assert _diff(before_topic, topic.read_text()) == [
        "-order: [disk-full, timeout]", "+order: [disk-full, op-timeout]"]
    assert _diff(before_links, links.read_text()) == [
        "-- [A fragment only in older versions](demo.md#timeout)",
        "+- [A fragment only in older versions](demo.md#op-timeout)"]


def test_a_formatted_catalogue_stays_formatted_after_a_rename(tmp_path: Path) -> None:
    """New aliases go where kb fmt puts them (after applies_to): the pull request's checks
    run kb fmt --check."""
    repo = _repo(tmp_path)
    assert kb("fmt", cwd=repo).code == 0
    for old, new in (("timeout", "op-timeout"), ("demo#slow-network", "network-slow")):
        run = kb("rename", old, new, cwd=repo)
        assert run.code == 0, run.stderr
    renamed = (repo / "catalogue" / "demo" / "op-timeout.yml").read_text()
    assert renamed.index("applies_to:") < renamed.index("aliases:")
    check = kb("fmt", "--check", cwd=repo)
    assert check.code == 0, check.stderr


def test_rename_cause_keeps_derived_fix_anchors(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    before = entry.read_text()
    run = kb("rename", "demo#logs", "old-logs", cwd=repo)
    assert run.code == 0, run.stderr
    assert _diff(before, entry.read_text()) == [
        "-  - id: logs", "+  - id: old-logs", "+    aliases:", "+      - logs",
        "+        aliases:", "+          - logs-delete-old-logs"]
    built = kb("build", cwd=repo)
    assert built.code == 0, built.stderr
    page = (repo / "site" / "demo-3" / "demo" / "index.html").read_text()
    for anchor in ("old-logs", "logs", "old-logs-delete-old-logs", "logs-delete-old-logs"):
        assert f'id="{anchor}"' in page


def test_refusals_change_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = {p: p.read_text() for p in sorted((repo / "catalogue").rglob("*.yml"))}
    cases = {
        ("timeot", "x"): "no section, entry, cause or fix has the id 'timeot'; did you mean "
                         "'timeout'?",
        ("nospace", "x"): "'nospace' is an alias of entry 'demo#disk-full', not an id; rename "
                          "that id",
        ("timeout", "9lives"): "expected a NEW id (letters, digits, '-' and '_', starting "
                               "with a letter), found '9lives'",
        ("timeout", "../x"): "expected a NEW id (letters, digits, '-' and '_', starting with a "
                             "letter), found '../x' (a path, which would leave the catalogue)",
        ("timeout", "/tmp/x"): "expected a NEW id (letters, digits, '-' and '_', starting "
                               "with a letter), found '/tmp/x' (a path, which would leave the "
                               "catalogue)",
        ("timeout", "a/../../b"): "expected a NEW id (letters, digits, '-' and '_', starting "
                                  "with a letter), found 'a/../../b' (a path, which would "
                                  "leave the catalogue)",
        ("timeout", "t" * 300): "expected a NEW id of at most 100 characters, found 300 "
                                f"('{'t' * 24}…'); an id becomes a file name and an anchor "
                                "in URLs: choose a shorter one",
        ("../timeout", "x"): "no section, entry, cause or fix has the id '../timeout'; did "
                             "you mean 'timeout'?",
        ("timeout", "disk-full"): "'disk-full' is already an anchor on page 'demo'; choose "
                                  "another id",
        ("demo", "x"): "'demo' is a topic: its id names the page's URL, which an alias cannot "
                       "keep; rename its sections or entries instead",
    }
    for (old, new), message in cases.items():
        run = kb("rename", old, new, cwd=repo)
        assert (run.code, run.stderr) == (2, f"kb rename: error: {message}\n")
    assert before == {p: p.read_text() for p in sorted((repo / "catalogue").rglob("*.yml"))}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]
