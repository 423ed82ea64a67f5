"""What a migrated docset needs from the site: navigation from `content/toc.yml` and
redirect pages from `.openpublishing.redirection*.json`, checked by `kb check`, built by
`kb build` and proven by `kb check-links`.

Fixture: tests/fixtures/import_site (a toc with a nested section, a page that only some
versions have, a page the toc does not list, and four redirections) on the minimal
repository.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.catalogue.validate import load_catalogue
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.site.trees import render_trees
from tests.conftest import FIXTURES
from tests.helpers_cli import MINIMAL, kb

SITE_FIXTURE = FIXTURES / "import_site"
REDIRECTS = ".openpublishing.redirection.json"


def repo(tmp_path: Path) -> Path:
    """The minimal repository with the fixture's content, toc and redirect file on top."""
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root)
    shutil.copytree(SITE_FIXTURE, root, dirs_exist_ok=True)
    return root


def navs(root: Path) -> dict[str, list[object]]:
    project = Project(root)
    diagnostics = Diagnostics()
    catalogue = load_catalogue(project, diagnostics)
    assert catalogue is not None, diagnostics.sorted()
    trees, _ = render_trees(project, catalogue, FEATURES, jobs=1)
    return {tree.moniker: tree.nav for tree in trees}


FEATURE_NAV = [{"Paste your error": "lookup.md"},
               {"Troubleshooter": "troubleshooter.md"},
               {"Troubleshooter in one file": "decision-tree.html"}]


def test_the_toc_orders_the_navigation_per_version(tmp_path: Path) -> None:
    nav = navs(repo(tmp_path))
    guide = [{"Install": "guide/install.md"}, {"Upgrade (Demo 2 and later)": "guide/upgrade.md"},
             {"Disk errors": "demo.md"}]
    expected = [{"Start here": "index.md"}, {"Guide": guide},
                {"Product site": "https://example.org/demo"},
                {"Release notes": "notes.md"}]  # not in the toc: after its items
    assert nav["demo-3"][:len(expected)] == expected
    assert nav["demo-3"][len(expected):len(expected) + 3] == FEATURE_NAV
    # Demo 1 has no upgrade page: its item drops out of that version's navigation.
    assert nav["demo-1"][1] == {"Guide": [guide[0], guide[2]]}


def test_without_a_toc_nothing_changes_and_unlisted_pages_follow(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "content" / "toc.yml").unlink()
    paths = [next(iter(item.values())) for item in navs(root)["demo-3"]]
    assert paths[:2] == ["index.md", "demo.md"]  # home, topics, then pages
    # A toc that lists neither the home page nor the topic: home first, the rest after.
    (root / "content" / "toc.yml").write_text("- name: Install\n  href: guide/install.md\n")
    nav = navs(root)["demo-3"]
    assert [next(iter(item.values())) for item in nav][:3] == [
        "index.md", "guide/install.md", "demo.md"]
    assert nav[1] == {"Install": "guide/install.md"}


def test_a_nested_toc_file_brings_its_items(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "content" / "guide" / "toc.yml").write_text(
        "- name: Install\n  href: install.md\n- name: Upgrade\n  href: upgrade.md\n")
    (root / "content" / "toc.yml").write_text("- name: Guide\n  href: guide/toc.yml\n")
    nav = navs(root)["demo-3"]
    assert {"Guide": [{"Install": "guide/install.md"}, {"Upgrade": "guide/upgrade.md"}]} in nav


BAD_TOCS = {
    "- name: Guide\n  href: [unclosed\n":
        "content/toc.yml:3:1: error: YAML: syntax error: ",
    "- name: Install\n  href: guide/instal.md\n":
        "content/toc.yml:2:9: error: toc item 'Install': no page 'guide/instal.md'; did you "
        "mean 'guide/install.md'?",
    "- name: Loop\n  href: toc.yml\n":
        "content/toc.yml:2:9: error: toc item 'Loop': toc 'content/toc.yml' includes itself "
        "(a cycle); remove one of the references",
    "- href: index.md\n":
        "content/toc.yml:1:3: error: toc item: expected text for 'name', found nothing; "
        "give every item a 'name'",
    "- name: Outside\n  href: ../mkdocs.yml\n":
        "content/toc.yml:2:9: error: toc item 'Outside': '../mkdocs.yml' is outside content/; "
        "link pages of content/ or catalogue topics (<topic>.md)",
    "name: Home\n":
        "content/toc.yml:1:1: error: toc: expected a list of items, found a mapping; write "
        "'- name: Title' and '  href: page.md' per item",
}


@pytest.mark.parametrize("text", list(BAD_TOCS), ids=range(len(BAD_TOCS)))
def test_bad_toc_is_a_located_error_in_check_render_and_build(tmp_path: Path, text: str) -> None:
    root = repo(tmp_path)
    (root / "content" / "toc.yml").write_text(text)
    expected = BAD_TOCS[text]
    for command in (["check"], ["render"], ["build"]):
        run = kb(*command, cwd=root)
        assert run.code == 1, (command, run.stderr)
        assert "Traceback" not in run.stderr
        assert any(line.startswith(expected) for line in run.stderr.splitlines()), \
            (command, run.stderr)
    assert not (root / "site").exists()


def test_redirect_pages_in_every_version_where_the_target_exists(tmp_path: Path) -> None:
    root = repo(tmp_path)
    build = kb("build", cwd=root)
    assert build.code == 0, build.stderr
    site = root / "site"
    setup = (site / "demo-1" / "setup" / "index.html").read_text()
    assert 'content="0; url=../guide/install/#check-the-installation"' in setup
    assert "<title>Install the demo</title>" in setup
    # The upgrade page exists from Demo 2 on: so does the redirect to it.
    assert not (site / "demo-1" / "guide" / "old-upgrade").exists()
    upgrade = (site / "demo-2" / "guide" / "old-upgrade" / "index.html").read_text()
    assert 'href="../upgrade/"' in upgrade
    assert 'href="../demo/#disk-full"' in (site / "demo-3" / "disk" / "index.html").read_text()
    assert 'href="https://example.org/forum"' in \
        (site / "demo-2" / "forum" / "index.html").read_text()
    # The toc is the navigation's source, not a file of the site.
    assert not (site / "demo-3" / "toc.yml").exists()
    links = kb("check-links", "--strict", cwd=root)
    assert links.code == 0, links.stderr


def test_check_links_checks_the_fragment_a_redirect_keeps(tmp_path: Path) -> None:
    root = repo(tmp_path)
    data = json.loads((root / REDIRECTS).read_text())
    data["redirections"][0]["redirect_url"] = "/guide/install#no-such-heading"
    (root / REDIRECTS).write_text(json.dumps(data, indent=2))
    assert kb("build", cwd=root).code == 0
    links = kb("check-links", cwd=root)
    assert links.code == 1
    assert re.search(r"setup/index\.html:\d+:\d+: error: .*no-such-heading", links.stderr), \
        links.stderr


BAD_REDIRECTS = {
    '{"redirections": [{"source_path": "content/a.md", "redirect_url": "/nowhere"}]}':
        f"{REDIRECTS}:1:67: error: redirection 'content/a.md': target '/nowhere' is not a "
        "page in any version; ",
    '{"redirections": [\n  {"source_path": "content/a.md", "redirect_url": "/notes"},\n'
    '  {"source_path": "content/a.md", "redirect_url": "/notes"}\n]}':
        f"{REDIRECTS}:3:3: error: redirection 'content/a.md': the same old page is redirected "
        f"at {REDIRECTS}:2:3; keep one of the two redirections",
    '{"redirections": [{"source_path": "old.md", "redirect_url": "/notes"}]}':
        f"{REDIRECTS}:1:35: error: redirection 'old.md': the old page must be a .md file under "
        "content/; write the path from the repository root, e.g. content/old/page.md",
    '{"redirections": [{"source_path": "content/a.md", "redirect_url": "/notes",}]}':
        f"{REDIRECTS}:1:76: error: JSON: syntax error: Expecting property name enclosed in "
        "double quotes; fix the JSON syntax (commas, quotes, brackets)",
    '{"redirections": [{"source_path": "content/notes.md", "redirect_url": "/index"}]}':
        f"{REDIRECTS}:1:19: error: redirection 'content/notes.md': the old page still exists "
        "in every version, so the redirection is never used; remove the redirection, or the "
        "page",
}


@pytest.mark.parametrize("text", list(BAD_REDIRECTS), ids=range(len(BAD_REDIRECTS)))
def test_bad_redirects_are_located_errors_in_check_render_and_build(tmp_path: Path,
                                                                  text: str) -> None:
    root = repo(tmp_path)
    (root / REDIRECTS).write_text(text)
    for command in (["check"], ["render"], ["build"]):
        run = kb(*command, cwd=root)
        assert run.code == 1, (command, run.stderr)
        assert "Traceback" not in run.stderr
        assert BAD_REDIRECTS[text] in run.stderr, (command, run.stderr)
    assert not (root / "site").exists()
