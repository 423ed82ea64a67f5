"""Site engines: one setting chooses the engine, bad input gets one message and leaves the
site as it was, and Zensical's cache kept in build/ gives what a clean build gives.

Real builds of the minimal fixture with the real `kb` command line and the pinned Zensical.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.site.engines import choose
from generator.site.engines.zensical import derived_config, warnings_of
from tests.conftest import FIXTURES, ROOT
from tests.helpers_cli import fixture_repo, kb

pytestmark = pytest.mark.e2e

VERSIONS = ["demo-1", "demo-2", "demo-3"]
# Hides the zensical package from Python, as in an environment where it is not installed.
HIDE_ZENSICAL = '''import sys


class _Missing:
    def find_spec(self, name, path=None, target=None):
        if name == "zensical" or name.startswith("zensical."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _Missing())
'''


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def set_engine(repo: Path, value: str) -> None:
    """Write `extra.kb.engine: value` into the repository's mkdocs.yml."""
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text() + f"extra:\n  kb:\n    engine: {value}\n")


def copy_of(repo: Path, tmp_path: Path) -> Path:
    """A copy of a built repository (its site/ and build/ too)."""
    return Path(shutil.copytree(repo, tmp_path / "copy", symlinks=True))


@pytest.fixture(scope="module")
def mkdocs_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture built once with the default engine."""
    repo = fixture_repo(tmp_path_factory.mktemp("mkdocs"))
    run = kb("build", cwd=repo)
    assert run.code == 0, run.stderr
    return repo


@pytest.fixture(scope="module")
def zensical_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture built once with Zensical, chosen by mkdocs.yml."""
    repo = fixture_repo(tmp_path_factory.mktemp("zensical"))
    set_engine(repo, "zensical")
    run = kb("build", cwd=repo)
    assert run.code == 0, run.stderr
    return repo


# ---------------------------------------------------------------------------
# One setting chooses the engine
# ---------------------------------------------------------------------------


def test_mkdocs_is_the_default_engine() -> None:
    assert choose({}, ROOT / "mkdocs.yml", "mkdocs.yml").NAME == "mkdocs"
    settings = {"extra": {"kb": {"engine": "zensical"}}}
    assert choose(settings, ROOT / "mkdocs.yml", "mkdocs.yml").NAME == "zensical"
    assert choose(settings, ROOT / "mkdocs.yml", "mkdocs.yml", "mkdocs").NAME == "mkdocs"


def test_the_setting_builds_with_zensical(zensical_repo: Path) -> None:
    site = zensical_repo / "site"
    page = (site / "demo-2" / "demo" / "index.html").read_text()
    assert '<meta name="generator" content="zensical-' in page
    assert json.loads((site / "versions.json").read_text())[0]["version"] == "demo-3"
    # What Zensical does not write and MkDocs does: the compressed sitemap.
    for version in VERSIONS:
        packed = (site / version / "sitemap.xml.gz").read_bytes()
        assert gzip.decompress(packed) == (site / version / "sitemap.xml").read_bytes()
    # Its cache is kept per version under build/.
    for version in VERSIONS:
        assert any((zensical_repo / "build" / "engines" / "zensical" / version / ".cache")
                   .iterdir())


def test_the_command_line_overrides_the_setting(zensical_repo: Path, tmp_path: Path) -> None:
    run = kb("build", "--engine", "mkdocs", "--site-dir", str(tmp_path / "out"),
             cwd=copy_of(zensical_repo, tmp_path))
    assert run.code == 0, run.stderr
    page = (tmp_path / "out" / "demo-2" / "demo" / "index.html").read_text()
    assert 'content="mkdocs-' in page and "zensical" not in page


def test_a_site_dir_is_replaced_again_not_followed(mkdocs_repo: Path, tmp_path: Path) -> None:
    repo = copy_of(mkdocs_repo, tmp_path)
    out = tmp_path / "out"
    for _ in range(2):
        run = kb("build", "--force", "--site-dir", str(out), cwd=repo)
        assert run.code == 0, run.stderr
    # The second build replaced the link, not wrote through it into the first build.
    assert out.is_symlink() and (out / "demo-2" / "demo" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == \
        ["out", "out.builds"]
    assert len([p for p in (tmp_path / "out.builds").iterdir() if p.is_dir()]) == 1


def test_unknown_engine_in_mkdocs_yml_leaves_the_site_intact(mkdocs_repo: Path,
                                                             tmp_path: Path) -> None:
    repo = copy_of(mkdocs_repo, tmp_path)
    before = snapshot(repo / "site")
    set_engine(repo, "zensicle")
    line = len((repo / "mkdocs.yml").read_text().splitlines())
    run = kb("build", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        f"mkdocs.yml:{line}:13: error: extra.kb.engine: unknown engine 'zensicle'; expected "
        "mkdocs or zensical; did you mean 'zensical'?")
    assert "Traceback" not in run.stderr
    assert snapshot(repo / "site") == before


def test_kb_check_names_an_unknown_engine(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    set_engine(repo, "zensicle")
    line = len((repo / "mkdocs.yml").read_text().splitlines())
    run = kb("check", cwd=repo)
    assert run.code == 1
    assert f"mkdocs.yml:{line}:13: error: extra.kb.engine: unknown engine 'zensicle'" \
        in run.stdout + run.stderr


def test_unknown_engine_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    run = kb("build", "--engine", "sphinx", cwd=fixture_repo(tmp_path))
    assert run.code == 2
    assert "argument --engine: invalid choice: 'sphinx' (choose from mkdocs, zensical)" \
        in run.stderr.replace("'mkdocs', 'zensical'", "mkdocs, zensical")
    assert not (tmp_path / "repo" / "site").exists()


def test_zensical_missing_from_the_environment(mkdocs_repo: Path, tmp_path: Path) -> None:
    repo = copy_of(mkdocs_repo, tmp_path)
    before = snapshot(repo / "site")
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(HIDE_ZENSICAL)
    env = {**os.environ, "PYTHONPATH": f"{shim}{os.pathsep}{ROOT}"}
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--engine", "zensical"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == (
        "mkdocs.yml: error: engine 'zensical': the zensical package is not installed in this "
        "environment; run ./dev setup, or install the pinned version: pip install -c "
        "requirements.lock zensical")
    assert "Traceback" not in proc.stderr
    assert snapshot(repo / "site") == before


def test_a_zensical_build_failure_leaves_the_site_intact(zensical_repo: Path,
                                                          tmp_path: Path) -> None:
    repo = copy_of(zensical_repo, tmp_path)
    before = snapshot(repo / "site")
    folders = sorted(p.name for p in repo.iterdir() if p.name.startswith("site"))
    # Jinja has Python's string methods; Zensical's MiniJinja does not.
    (repo / "overrides").mkdir()
    (repo / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}{{ base_url.rstrip("/") }}'
        "{% endblock %}\n")
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text().replace("  font: false\n",
                                                 "  font: false\n  custom_dir: overrides\n"))
    run = kb("build", cwd=repo)
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert "build/docs/demo-1: error: version 'demo-1': Zensical: the build stopped: " \
        "RuntimeError: unknown method: string has no method named rstrip (in main.html:2)" \
        in run.stderr.splitlines()
    assert snapshot(repo / "site") == before
    # Nothing staged is left beside it.
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith("site")) == folders


def test_zensical_warnings_fail_the_build_with_their_place(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    set_engine(repo, "zensical")
    index = repo / "content" / "index.md"
    index.write_text(index.read_text() + "\nSee [the missing page](missing-page.md).\n")
    run = kb("build", cwd=repo)
    assert run.code == 1
    line = len(index.read_text().splitlines())
    assert f"build/docs/demo-1: error: version 'demo-1': Zensical: index.md:{line}:24: page " \
        "does not exist: missing-page.md" in run.stderr.splitlines()
    assert not (repo / "site").exists()


def test_the_report_is_read_as_located_warnings() -> None:
    # Zensical's own report of a build (colours and all), captured from a real run.
    report = (FIXTURES / "zensical" / "report.txt").read_text(encoding="utf-8")
    assert warnings_of(report) == ["index.md:8:12: page does not exist: nope.md",
                                   "index.md:8:43: anchor does not exist: nope"]
    assert warnings_of("Build started\nNo issues found\nBuild finished in 0.2s\n") == []


# ---------------------------------------------------------------------------
# The configuration Zensical reads
# ---------------------------------------------------------------------------


def test_derived_configuration_keeps_the_project_settings(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    text = derived_config(str(ROOT / "mkdocs.yml"), [{"Home": "index.md"}],
                          {"kb_build": {"moniker": "v1"}}, "https://kb.example.org/v1/")
    data = YAML(typ="safe").load(text)
    assert (data["docs_dir"], data["site_dir"]) == ("docs", "site")
    assert data["site_url"] == "https://kb.example.org/v1/"
    assert data["nav"] == [{"Home": "index.md"}]
    assert data["extra"] == {"kb_build": {"moniker": "v1"}}
    assert data["theme"]["custom_dir"] == str(ROOT / "overrides")
    assert data["theme"]["variant"] == "classic"
    assert data["markdown_extensions"] == YAML(typ="safe").load(
        (ROOT / "mkdocs.yml").read_text())["markdown_extensions"]


@pytest.mark.parametrize(("plugins", "search"), [
    ("plugins: []\n", {"enabled": False}),
    ("plugins:\n  - search\n", None),
    ("", None),  # no plugins setting: MkDocs runs its search, and so does Zensical
])
def test_zensical_search_only_where_mkdocs_would_search(tmp_path: Path, plugins: str,
                                                        search: object) -> None:
    from ruamel.yaml import YAML

    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\n{plugins}")
    data = YAML(typ="safe").load(derived_config(str(config), [], {}, ""))
    found = [p for p in data.get("plugins") or [] if isinstance(p, dict) and "search" in p]
    assert (found[0]["search"] if found else None) == search
    assert "site_url" not in data


# ---------------------------------------------------------------------------
# Zensical's cache, kept under build/
# ---------------------------------------------------------------------------


def test_cached_build_after_an_edit_equals_a_clean_build(tmp_path: Path) -> None:
    # Zensical's cache knows the paths it was made in: this repository builds in place.
    repo = fixture_repo(tmp_path)
    set_engine(repo, "zensical")
    assert kb("build", cwd=repo).code == 0
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("to compress the rest.", "to pack the rest."))
    edited = kb("build", cwd=repo)
    assert edited.code == 0, edited.stderr
    # The edit is in two versions, one page each: Zensical's cache serves the others.
    assert "[1/3] demo-1: unchanged, reused" in edited.stderr
    assert "[2/3] demo-2: built in" in edited.stderr
    assert "(1 pages rendered, 4 reused)" in edited.stderr
    clean = kb("build", "--force", "--site-dir", str(tmp_path / "clean"), cwd=repo)
    assert clean.code == 0, clean.stderr
    assert "(5 pages rendered, 0 reused)" in clean.stderr
    assert snapshot(repo / "site") == snapshot(tmp_path / "clean")
    assert "pack the rest" in (repo / "site" / "demo-2" / "demo" / "index.html").read_text()


def test_parts_built_with_two_engines_are_not_assembled(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    parts = []
    for version, engine in [("demo-1", "mkdocs"), ("demo-2", "zensical")]:
        run = kb("build", "--only", version, "--engine", engine, cwd=repo)
        assert run.code == 0, run.stderr
        parts.append(str(repo / "build" / "parts" / version))
    run = kb("assemble", *parts, cwd=repo)
    assert run.code == 1
    assert (f"{parts[1]}/kb-part.json: error: version 'demo-2': built with Zensical, but "
            f"{parts[0]} with MkDocs + Material for MkDocs; build every part with the same "
            "engine (kb build --engine)") in run.stderr.splitlines()
    assert not (repo / "site").exists()
