"""Anchors are a contract: the lock, the anchors pages publish, aliases landing right."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.anchors import (
    compare,
    page_sources,
    published,
    read_lock,
    render_index,
)
from generator.features.links.html import parse_page
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import FIXTURES, ROOT
from tests.helpers_cli import fixture_repo, kb


def _current(project: Project) -> tuple[dict[str, dict[str, tuple[str, ...]]], list[str]]:
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    order = list(catalogue.products.names)
    return published(render_index(project, catalogue, FEATURES), order), order


def test_no_locked_anchor_has_disappeared() -> None:
    # Pages and anchors added since the lock was written are fine: `kb anchors` lists them.
    lock = read_lock(Project(ROOT))
    assert lock is not None and not lock.problem
    current, order = _current(Project(ROOT))
    changes = compare(lock.anchors, current, order)
    assert [c.format("-") for c in (*changes.removed_pages, *changes.removed)] == []


def test_the_lock_holds_every_anchor_of_the_pages_the_generator_makes() -> None:
    """Anchors of topic and content pages come with a contributor's change (kb anchors
    --update); those of the generator's own pages (the lookup, the troubleshooter, "not in
    this version") come with a change to the generator, which records them: a contributor's
    update never adds anchors the change has nothing to do with."""
    project = Project(ROOT)
    lock = read_lock(project)
    assert lock is not None and not lock.problem
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    current, order = _current(project)
    written = page_sources(catalogue)
    made = {url for pages in current.values() for url in pages if url not in written}
    assert made, "the generator makes pages of its own"
    added = compare(lock.anchors, current, order).added
    assert [c.format("+") for c in added if c.url in made] == []


def test_rendered_anchors_are_the_built_ids(shipped_site: Path) -> None:
    """What `kb check` computes from Markdown equals the ids of every built page."""
    current, _ = _current(Project(shipped_site.parent))
    for version, pages in current.items():
        for url, anchors in pages.items():
            page = shipped_site / version / url.lstrip("/") / "index.html"
            parsed = parse_page(page.read_bytes())
            built = {i for i in (*parsed.ids, *parsed.names) if not i.startswith("__")}
            assert (version, url, set(anchors)) == (version, url, built)


def test_aliases_sit_right_before_their_section(shipped_site: Path) -> None:
    project = Project(shipped_site.parent)
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    checked = 0
    for version in catalogue.products.names:
        for topic in catalogue.topics:
            page = shipped_site / version / topic.id / "index.html"
            if not page.exists():
                continue
            tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
            for anchor, target in _aliases(topic):
                alias = tree.css_first(f'a[id="{anchor}"]')
                heading = tree.css_first(f'[id="{target}"]')
                if heading is None:
                    assert alias is None  # the section is not in this version
                    continue
                assert alias is not None, (version, anchor)
                following = alias.parent.next if alias.parent is not None else None
                while following is not None and (following.tag == "-text" or (
                        following.tag == "p" and following.css_first("a[id]") is not None)):
                    following = following.next
                assert following is not None and following.attributes.get("id") == target
                checked += 1
    assert checked or not any(_aliases(topic) for topic in catalogue.topics)


def _aliases(topic: object) -> list[tuple[str, str]]:
    found = []
    for section in (*topic.sections, *topic.closing_sections):  # type: ignore[attr-defined]
        found += [(a, section.id) for a in section.aliases]
    for entry in topic.entries:  # type: ignore[attr-defined]
        found += [(a, entry.id) for a in entry.aliases]
        for cause in entry.causes:
            found += [(a, cause.id) for a in cause.aliases]
    return found


def test_update_check_and_a_vanished_anchor(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    missing = kb("anchors", "--check", cwd=repo)
    assert (missing.code, missing.stderr) == (
        1, "kb anchors: no catalogue/_anchors.lock.json yet; run kb anchors --update to "
           "create it\n")
    created = kb("anchors", "--update", cwd=repo)
    assert created.code == 0
    assert created.stdout.splitlines()[0] == (
        "+ /#demo-home (demo-1, demo-2, demo-3)")
    assert "+ /demo/#logs-delete-old-logs (demo-1, demo-2, demo-3)" in created.stdout
    assert created.stderr.startswith("kb anchors: wrote catalogue/_anchors.lock.json (")
    # What it validated and rendered is kept for the next kb anchors, check or build, which
    # take the topics unchanged since (the edits below are read again: see the last check).
    for kept in ("topics", "pages"):
        assert list((repo / "build" / "cache" / kept).glob("*.pickle")), kept
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("id: logs", "id: old-logs"))
    failed = kb("check", cwd=repo)
    assert failed.code == 1
    lock_line = next(n for n, line in enumerate(
        (repo / "catalogue" / "_anchors.lock.json").read_text().split("\n"), 1)
        if line.strip() == '"logs",')
    assert failed.stderr.splitlines()[0] == (
        f"catalogue/_anchors.lock.json:{lock_line}:1: error: anchor '/demo/#logs': published "
        "anchor is gone from versions 'demo-1', 'demo-2', 'demo-3'; renamed: put the old id "
        "in the aliases of what replaced it (kb rename OLD NEW does it and fixes the links); "
        "removed: mark the entry 'status: retired' instead of deleting it; gone on purpose: "
        "kb anchors --update --drop '/demo/#logs' --retired 'why' (or --redirect "
        "PAGE#ANCHOR)")
    # An alias keeps the old anchor: kb check passes again.
    entry.write_text(entry.read_text().replace("id: old-logs", "id: old-logs\n    aliases: "
                                               "[logs, logs-delete-old-logs]"))
    assert kb("check", cwd=repo).code == 0
    status = kb("anchors", "--check", cwd=repo)
    assert status.code == 1
    assert status.stdout.splitlines() == [
        "+ /demo/#old-logs (demo-1, demo-2, demo-3)",
        "+ /demo/#old-logs-delete-old-logs (demo-1, demo-2, demo-3)"]
    # Two anchors listed, in three versions each: the figure says what it counts.
    assert status.stderr == ("kb anchors: catalogue/_anchors.lock.json differs from the "
                             "catalogue (6 added, 0 removed, counted once per version); run "
                             "kb anchors --update to record it\n")
    shutil.rmtree(repo / "build", ignore_errors=True)


# ---------------------------------------------------------------------------
# The lock can't be bypassed: a removal needs --drop, and CI compares with the base.
# ---------------------------------------------------------------------------

GONE = ("slow-network", "slow-network-raise-the-timeout", "timeout")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True, env=env).stdout


@pytest.fixture
def locked(tmp_path: Path) -> Path:
    """The rich fixture with its lock committed on 'main', then entry 'timeout' deleted
    and dropped from 'order' and from the one link to it, as the issue's bypass does."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "catalogues" / "rich", repo)
    assert kb("anchors", "--update", cwd=repo).code == 0
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    (repo / "catalogue" / "demo" / "timeout.yml").unlink()
    topic = repo / "catalogue" / "demo" / "_topic.yml"
    topic.write_text(topic.read_text().replace("order: [disk-full, timeout]",
                                               "order: [disk-full]"))
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace(
        '  - title: Timeouts\n    ref: "demo#timeout"\n    applies_to: "< demo-3"\n', ""))
    return repo


def _lock(repo: Path) -> dict[str, object]:
    data = json.loads((repo / "catalogue" / "_anchors.lock.json").read_text())
    assert isinstance(data, dict)
    return data


def test_update_keeps_a_locked_anchor_that_is_gone(locked: Path) -> None:
    before = (locked / "catalogue" / "_anchors.lock.json").read_text()
    update = kb("anchors", "--update", cwd=locked)
    assert update.code == 1
    assert update.stdout.splitlines() == [
        f"! /demo/#{anchor} (demo-1, demo-2) gone from the catalogue; still locked"
        for anchor in GONE]
    assert update.stderr.splitlines()[-1].startswith(
        "kb anchors: 3 locked anchors are gone from the catalogue (marked '!') and stay "
        "locked, so kb check fails until each is back")
    assert (locked / "catalogue" / "_anchors.lock.json").read_text() == before
    check = kb("check", cwd=locked)
    assert check.code == 1
    assert [line.split(": error: ")[1].split(":")[0] for line in check.stderr.splitlines()[:3]
            ] == [f"anchor '/demo/#{anchor}'" for anchor in GONE]


def test_a_lock_edited_by_hand_fails_against_the_base(locked: Path) -> None:
    data = _lock(locked)
    for pages in data["versions"].values():  # type: ignore[attr-defined]
        if "/demo/" in pages:
            pages["/demo/"] = [a for a in pages["/demo/"] if a not in GONE]
    (locked / "catalogue" / "_anchors.lock.json").write_text(json.dumps(data, indent=2) + "\n")
    assert kb("check", cwd=locked).code == 0  # the lock alone can't tell
    for option in ("--base", "--changed-since"):
        run = kb("check", option, "main", cwd=locked)
        assert run.code == 1, option
        assert run.stderr.splitlines()[0] == (
            "catalogue/_anchors.lock.json:9:1: error: anchor '/demo/#slow-network': locked on "
            "main in versions 'demo-1', 'demo-2', but this lock neither lists nor drops it: an "
            "anchor leaves the lock only with a recorded decision; restore the lock (git "
            "checkout main -- catalogue/_anchors.lock.json, then kb anchors --update), or drop "
            "it on purpose: kb anchors --update --drop '/demo/#slow-network' --retired 'why' "
            "(or --redirect PAGE#ANCHOR)"), option
        assert "kb check: 3 errors" in run.stderr, option


def test_drop_records_the_decision_and_check_verifies_it(locked: Path) -> None:
    no_reason = kb("anchors", "--update", "--drop", "timeout", cwd=locked)
    assert (no_reason.code, no_reason.stderr) == (
        2, "kb anchors: error: --drop needs the decision readers get: --retired 'why it is "
           "gone' or --redirect PAGE#ANCHOR (where it went)\n")
    published = kb("anchors", "--update", "--drop", "disk-full", "--retired", "x", cwd=locked)
    assert (published.code, published.stderr) == (
        2, "kb anchors: error: 'disk-full' is still published (/demo/#disk-full); only "
           "anchors the catalogue no longer publishes can be dropped\n")
    nowhere = kb("anchors", "--update", "--drop", *GONE, "--redirect", "/demo/#nowhere",
                 cwd=locked)
    assert (nowhere.code, nowhere.stderr) == (
        2, "kb anchors: error: --redirect '/demo/#nowhere' is not published in version "
           "'demo-1', where '/demo/#slow-network' was; name a page#anchor that exists there\n")
    unchanged = git(locked, "status", "--porcelain", "catalogue/_anchors.lock.json")
    assert unchanged == ""
    dropped = kb("anchors", "--update", "--drop", "timeout", "/demo/#slow-network",
                 "demo#slow-network-raise-the-timeout", "--redirect", "/demo/#disk-full",
                 cwd=locked)
    assert dropped.code == 0, dropped.stderr
    assert dropped.stdout.splitlines() == [
        f"- /demo/#{anchor} (demo-1, demo-2) dropped; redirect to /demo/#disk-full"
        for anchor in ("timeout", "slow-network", "slow-network-raise-the-timeout")]
    assert _lock(locked)["dropped"] == [
        {"anchor": f"/demo/#{anchor}", "versions": ["demo-1", "demo-2"],
         "redirect": "/demo/#disk-full"} for anchor in GONE]
    for args in ((), ("--base", "main"), ("--changed-since", "main")):
        run = kb("check", *args, cwd=locked)
        assert run.code == 0, (args, run.stderr)
    # The drop is history: once on the base, taking it out of the lock fails too.
    git(locked, "add", "-A")
    git(locked, "commit", "-q", "-m", "drop")
    data = _lock(locked)
    del data["dropped"]
    (locked / "catalogue" / "_anchors.lock.json").write_text(json.dumps(data, indent=2) + "\n")
    run = kb("check", "--base", "main", cwd=locked)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "catalogue/_anchors.lock.json:1:1: error: dropped anchor '/demo/#slow-network': the "
        "drop recorded on main for versions 'demo-1', 'demo-2' is missing here; keep the "
        "record: git checkout main -- catalogue/_anchors.lock.json, then kb anchors --update")


def test_a_redirect_that_stops_resolving_fails_kb_check(locked: Path) -> None:
    assert kb("anchors", "--update", "--drop", *GONE, "--redirect", "/demo/#cache",
              cwd=locked).code == 0
    assert kb("rename", "cache", "cache-too-large", cwd=locked).code == 0
    assert kb("check", cwd=locked).code == 0  # the old id stays an alias: '#cache' resolves
    entry = locked / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("aliases: [big-cache, cache]",
                                               "aliases: [big-cache]"))
    run = kb("check", cwd=locked)
    assert run.code == 1
    assert "error: dropped anchor '/demo/#slow-network': its redirect '/demo/#cache' is not " \
           "published in versions 'demo-1', 'demo-2'; point 'redirect' at a page#anchor that " \
           "exists in those versions, or use 'retired' with the reason it is gone" in run.stderr
