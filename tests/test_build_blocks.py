"""Convert once, rebuild what changed, build apart: the engine's blocks and pages against
MkDocs' own build, an edited build against a clean one, and parts assembled against the
single build. Each comparison is byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.core.diagnostics import Diagnostics
from generator.core.project import Project, site_settings
from generator.features.registry import FEATURES
from generator.site.build import version_url, write_tree
from generator.site.checks import load_checked
from generator.site.engines.mkdocs import SEARCH_FILES, Request, build_version, mkdocs_build
from generator.site.trees import render_trees
from tests.conftest import FIXTURES, ROOT
from tests.helpers_cli import fixture_repo, kb

pytestmark = pytest.mark.e2e

BLOCKS = FIXTURES / "catalogues" / "blocks"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: Path, b: Path) -> list[str]:
    left, right = snapshot(a), snapshot(b)
    return sorted(name for name in left.keys() | right.keys()
                  if left.get(name) != right.get(name))


def engine_against_mkdocs(repo: Path, work: Path, monikers: list[str] | None = None) -> dict:
    """Every version built by MkDocs and by the engine (sharing one block cache); the
    differences per version and what the engine reported."""
    project = Project(repo)
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    trees, _ = render_trees(project, catalogue, FEATURES, monikers, jobs=1)
    url = str(site_settings(project).get("site_url") or "")
    out = {}
    for tree in trees:
        docs = work / "docs" / tree.moniker
        write_tree(tree, docs)
        plain, mine = work / "plain" / tree.moniker, work / "mine" / tree.moniker
        _, warnings = mkdocs_build(str(project.mkdocs_yml), str(docs), str(plain), tree.nav,
                                   tree.extra, version_url(url, tree.moniker))
        assert warnings == []
        result = build_version(Request(
            str(project.mkdocs_yml), str(docs), str(mine), tree.nav, tree.extra,
            version_url(url, tree.moniker), tree.pieces, str(work / "blocks")))
        assert result.warnings == []
        out[tree.moniker] = (differences(plain, mine), result)
    return out


def test_blocks_give_mkdocs_own_output(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, BLOCKS)
    results = engine_against_mkdocs(repo, tmp_path / "work")
    assert {m: diff for m, (diff, _) in results.items()} == {
        "demo-1": [], "demo-2": [], "demo-3": []}
    first, second, third = (r for _, r in results.values())
    # The demo page converts block by block in demo-1; from demo-2 on two errors share a
    # heading (its id is made unique across the page), so the page converts whole there.
    # The more page defines a reference link: whole in every version.
    assert first.whole == ["more.md"]
    assert second.whole == ["demo.md", "more.md"] == third.whole
    # A block that reads the same in several versions is converted once.
    assert first.converted > 0 and second.reused_blocks > 0 and third.reused_blocks > 0
    # And kept across builds: the same version again converts nothing.
    project = Project(repo)
    again = engine_against_mkdocs(repo, tmp_path / "work", ["demo-1"])
    assert again["demo-1"][0] == [] and again["demo-1"][1].converted == 0
    assert project.root == repo


def test_blocks_give_mkdocs_own_output_on_the_shipped_catalogue(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    for part in ("mkdocs.yml", "overrides", "catalogue", "content"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, repo / part)
    project = Project(repo)
    products = project_monikers(project)
    results = engine_against_mkdocs(repo, tmp_path / "work", [products[0], products[-1]])
    # Its search plugin off, Material's search files are written by MkDocs' own build only:
    # no page loads them (tests/test_build.py).
    assert {m: [f for f in diff if not f.startswith(SEARCH_FILES)]
            for m, (diff, _) in results.items()} == {m: [] for m in results}
    for moniker, (diff, _) in results.items():
        assert diff, moniker
        assert not [f for f in diff if (tmp_path / "work" / "mine" / moniker / f).exists()]


def project_monikers(project: Project) -> list[str]:
    from generator.catalogue.validate import project_products
    products = project_products(project)
    assert products is not None
    return list(products.names)


def test_an_edit_rebuilds_its_pages_as_a_clean_build_would(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, BLOCKS)
    assert kb("build", cwd=repo).code == 0
    entry = repo / "catalogue" / "more" / "quota.yml"
    entry.write_text(entry.read_text().replace("Open **Quotas**.", "Open **Quota settings**."))
    edited = kb("build", cwd=repo)
    assert edited.code == 0, edited.stderr
    # The error is on one page of each version: that page is rendered, the others copied.
    for moniker in ("demo-1", "demo-2", "demo-3"):
        assert f"{moniker}: built in " in edited.stderr
        line = next(x for x in edited.stderr.splitlines() if f"{moniker}: built" in x)
        assert line.endswith("(1 pages rendered, 5 reused)"), line
    clean = kb("build", "--force", "--site-dir", str(tmp_path / "clean"), cwd=repo)
    assert clean.code == 0, clean.stderr
    assert differences(repo / "site", tmp_path / "clean") == []
    assert "Open <strong>Quota settings</strong>." in \
        (repo / "site" / "demo-2" / "more" / "index.html").read_text()


def test_parts_built_apart_assemble_into_the_same_site(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, BLOCKS)
    assert kb("build", cwd=repo).code == 0
    listed = kb("build", "--list-versions", cwd=repo)
    assert listed.stdout == '["demo-1", "demo-2", "demo-3"]\n'
    parts = []
    for moniker in ("demo-3", "demo-1", "demo-2"):
        part = tmp_path / "parts" / moniker
        run = kb("build", "--only", moniker, "--site-dir", str(part), cwd=repo)
        assert run.code == 0, run.stderr
        assert sorted(p.name for p in part.iterdir()) == [moniker, "kb-part.json"]
        parts.append(str(part))
    run = kb("assemble", *parts, "--site-dir", str(tmp_path / "assembled"), cwd=repo)
    assert run.code == 0, run.stderr
    assert run.stderr == f"kb: 3 versions assembled into {tmp_path / 'assembled'}/\n"
    assert differences(repo / "site", tmp_path / "assembled") == []


def test_assemble_refuses_missing_versions_and_other_sources(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path, BLOCKS)
    part = tmp_path / "parts" / "demo-1"
    assert kb("build", "--only", "demo-1", "--site-dir", str(part), cwd=repo).code == 0
    run = kb("assemble", str(part), cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "catalogue/products.yml: error: versions: no part for demo-2, demo-3; build each "
        "with `kb build --only VERSION` and pass its folder")
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("Open the log folder.", "Open the logs."))
    run = kb("assemble", str(part), str(part), cwd=repo)
    assert run.code == 1
    assert f"{part}/kb-part.json: error: version 'demo-1': built from other sources than " \
        "this checkout" in run.stderr
    assert not (repo / "site").exists()
    unknown = kb("build", "--only", "demo-9", cwd=repo)
    assert unknown.code == 1
    assert "version 'demo-9': no such version in products.yml; the versions are, oldest " \
        "first: demo-1, demo-2, demo-3" in unknown.stderr
