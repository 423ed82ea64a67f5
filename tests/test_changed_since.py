"""`kb check --changed-since REF`: every problem a change causes or touches, wherever it is
reported, in a throwaway git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.helpers_cli import fixture_repo, kb

RICH = FIXTURES / "catalogues" / "rich"


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def commit_all(repo: Path) -> Path:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    return repo


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    return commit_all(fixture_repo(tmp_path, FIXTURES / "check" / "unknown_moniker"))


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    """The rich fixture, its anchors locked, committed on 'main'."""
    repo = tmp_path / "repo"
    shutil.copytree(RICH, repo)
    assert kb("anchors", "--update", cwd=repo).code == 0
    return commit_all(repo)


def test_changed_since_hides_findings_that_involve_no_changed_file(git_repo: Path) -> None:
    full = kb("check", cwd=git_repo)
    assert full.code == 1
    run = kb("check", "--changed-since", "main", cwd=git_repo)
    assert (run.code, run.stdout, run.stderr) == (
        0, "",
        "kb check: no problems that files changed since main cause or touch\n"
        "kb check: 2 more elsewhere; run kb check without --changed-since to see them\n",
    )


def test_changed_since_reports_changed_and_new_files(git_repo: Path) -> None:
    entry = git_repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text() + "\n")
    run = kb("check", "--changed-since", "main", "--format", "github", cwd=git_repo)
    assert run.code == 1
    assert run.stderr.splitlines() == [
        "::error file=catalogue/demo/disk-full.yml,line=3,col=17::entry 'disk-full': "
        "unknown moniker 'demo2' in applies_to; did you mean 'demo-2'?",
        "::error file=catalogue/demo/disk-full.yml,line=7,col=28::cause 'logs': unknown "
        "moniker 'Latest' in applies_to; aliases are not allowed in ranges; write 'demo-3'",
        "kb check: 2 errors, 0 warnings that files changed since main cause or touch",
    ]
    new = git_repo / "catalogue" / "demo" / "other.yml"
    new.write_text("id: other\ntitle: Other\n")
    untracked = kb("check", "--changed-since", "main", cwd=git_repo)
    assert "catalogue/demo/other.yml:1:1: error: entry 'other': missing field 'summary' in " \
           "entry without 'causes'; an entry with no known fix yet (a reference entry) needs " \
           "a 'summary' that says what the error means; otherwise add 'causes' (at the same " \
           "indentation as 'id')" in untracked.stderr.splitlines()


def test_changed_since_an_unknown_revision_is_a_usage_error(git_repo: Path) -> None:
    run = kb("check", "--changed-since", "origin/nowhere", cwd=git_repo)
    assert (run.code, run.stderr) == (
        2, "kb check: error: --changed-since: unknown revision 'origin/nowhere'; fetch it "
           "first (for example git fetch origin main) or name another branch or commit\n")


def _errors(run_stderr: str) -> list[str]:
    return [line for line in run_stderr.splitlines() if ": error: " in line
            or line.startswith("::error")]


def test_a_duplicate_id_reported_on_the_untouched_file(rich: Path) -> None:
    # The new entry's cause takes the id of a cause of disk-full.yml; the page lists
    # disk-full first, so the duplicate is reported on the file the change left alone.
    new = rich / "catalogue" / "demo" / "zz-new.yml"
    new.write_text("id: zz-new\ntitle: New\nsummary: New.\ncauses:\n  - id: logs\n"
                   "    title: Logs\n    check: Logs?\n    fixes:\n"
                   "      - title: Fix\n        steps: [Do it.]\n")
    full = _errors(kb("check", cwd=rich).stderr)
    assert len(full) == 1 and full[0].startswith("catalogue/demo/zz-new.yml:5:5: error: "
                                                 "anchor 'logs'")
    new.rename(rich / "catalogue" / "demo" / "aa-new.yml")
    (rich / "catalogue" / "demo" / "aa-new.yml").write_text(
        new.parent.joinpath("aa-new.yml").read_text().replace("zz-new", "aa-new"))
    run = kb("check", "--changed-since", "main", cwd=rich)
    assert run.code == 1
    assert _errors(run.stderr) == [
        "catalogue/demo/disk-full.yml:13:5: error: anchor 'logs': anchor 'logs' is used twice "
        "on page 'demo' (first at catalogue/demo/aa-new.yml:5:5); ids and aliases must be "
        "unique on a page; rename one or drop the alias"]
    github = kb("check", "--changed-since", "main", "--format", "github", cwd=rich)
    assert _errors(github.stderr) == [
        "::error file=catalogue/demo/disk-full.yml,line=13,col=5::anchor 'logs': anchor "
        "'logs' is used twice on page 'demo' (first at catalogue/demo/aa-new.yml:5:5); ids "
        "and aliases must be unique on a page; rename one or drop the alias",
        "::error file=catalogue/demo/aa-new.yml,line=5,col=5::anchor 'logs': anchor 'logs' is "
        "used twice on page 'demo' (first at catalogue/demo/aa-new.yml:5:5) (reported at "
        "catalogue/demo/disk-full.yml:13:5); ids and aliases must be unique on a page; rename "
        "one or drop the alias"]


def test_a_message_that_now_shadows_another(rich: Path) -> None:
    new = rich / "catalogue" / "demo" / "any-timeout.yml"
    new.write_text("id: any-timeout\ntitle: Anything timed out\nsummary: Something timed "
                   "out.\nmessages: [\"Operation timed out after {s:int} seconds\"]\n"
                   "samples: [\"Operation timed out after 30 seconds\"]\n")
    run = kb("check", "--changed-since", "main", cwd=rich)
    assert run.code == 1
    shadowed = [line for line in _errors(run.stderr) if line.startswith(
        "catalogue/demo/timeout.yml:4:12: error: entry 'timeout': message is shadowed by the "
        "message of entry 'any-timeout' at catalogue/demo/any-timeout.yml:4:12")]
    assert len(shadowed) == 1, run.stderr


def test_a_deleted_entry_whose_anchors_vanish(rich: Path) -> None:
    (rich / "catalogue" / "demo" / "timeout.yml").unlink()
    topic = rich / "catalogue" / "demo" / "_topic.yml"
    topic.write_text(topic.read_text().replace("order: [disk-full, timeout]",
                                               "order: [disk-full]"))
    entry = rich / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace(
        '  - title: Timeouts\n    ref: "demo#timeout"\n    applies_to: "< demo-3"\n', ""))
    run = kb("check", "--changed-since", "main", cwd=rich)
    assert run.code == 1
    assert [line.split(": error: ")[1].split(":")[0] for line in _errors(run.stderr)] == [
        "anchor '/demo/#slow-network'", "anchor '/demo/#slow-network-raise-the-timeout'",
        "anchor '/demo/#timeout'"]
    assert all(line.startswith("catalogue/_anchors.lock.json:") for line in _errors(run.stderr))


def test_a_change_to_a_linked_page_reports_the_broken_link(rich: Path) -> None:
    # A page links to an anchor of the demo page; the change drops that anchor (an alias),
    # which breaks the link in the file the change left alone.
    (rich / "content" / "see-also.md").write_text(
        "# See also\n\n[No space left](demo.md#nospace)\n")
    git(rich, "add", ".")
    git(rich, "commit", "-q", "-m", "link")
    assert kb("check", "--changed-since", "main", cwd=rich).code == 0
    entry = rich / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("aliases: [nospace]\n", ""))
    run = kb("check", "--changed-since", "main", cwd=rich)
    assert run.code == 1
    assert any(line.startswith("content/see-also.md:3:") for line in _errors(run.stderr)), \
        run.stderr
