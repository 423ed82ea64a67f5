"""Anchors are a contract: the lock, the anchors pages publish, aliases landing right."""

from __future__ import annotations

import shutil
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.anchors import compare, published, read_lock, render_index
from generator.features.links.html import parse_page
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import ROOT
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
    assert checked > 50


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
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("id: logs", "id: old-logs"))
    failed = kb("check", cwd=repo)
    assert failed.code == 1
    lock_line = next(n for n, line in enumerate(
        (repo / "catalogue" / "_anchors.lock.json").read_text().split("\n"), 1)
        if line.strip() == '"logs",')
    assert failed.stderr.splitlines()[0] == (
        f"catalogue/_anchors.lock.json:{lock_line}:1: error: anchor '/demo/#logs': published "
        "anchor is gone from versions 'demo-1', 'demo-2', 'demo-3'; add 'logs' to the aliases "
        "of the section that replaced it, or mark its entry retired instead of deleting it; "
        "run kb anchors --update only if it must go")
    # An alias keeps the old anchor: kb check passes again.
    entry.write_text(entry.read_text().replace("id: old-logs", "id: old-logs\n    aliases: "
                                               "[logs, logs-delete-old-logs]"))
    assert kb("check", cwd=repo).code == 0
    status = kb("anchors", "--check", cwd=repo)
    assert status.code == 1
    assert status.stdout.splitlines() == [
        "+ /demo/#old-logs (demo-1, demo-2, demo-3)",
        "+ /demo/#old-logs-delete-old-logs (demo-1, demo-2, demo-3)"]
    shutil.rmtree(repo / "build", ignore_errors=True)
