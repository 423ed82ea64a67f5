"""`kb build` on the minimal fixture: progress, reuse, and no half-written site."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SNAPSHOT, copy_repo
from tests.helpers_cli import entries_alike_but_for_a_number, fixture_repo, kb

pytestmark = pytest.mark.e2e


@pytest.fixture
def built(tmp_path: Path) -> Path:
    repo = fixture_repo(tmp_path)
    run = kb("build", cwd=repo)
    assert run.code == 0, run.stderr
    return repo


def test_progress_per_version_then_reuse(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    first = kb("build", cwd=repo)
    assert first.code == 0, first.stderr
    lines = first.stderr.splitlines()
    # Each stage of the build says what it does before the long ones.
    assert lines[0] == "kb: catalogue read (1 entry in 1 topic); rendering 3 versions"
    assert lines[1] == "kb: building 3 versions"
    assert [line.split(":")[0] for line in lines[2:5]] == [
        "[1/3] demo-1", "[2/3] demo-2", "[3/3] demo-3"]
    assert all(": built in " in line for line in lines[2:5])
    assert lines[5] == "kb: finishing 3 versions (search index, each page's security policy)"
    assert lines[6].startswith("kb: site written to site/ (3 built, 0 reused")
    assert len(lines) == 7
    # Nothing changed: nothing to do.
    second = kb("build", cwd=repo)
    assert second.code == 0
    assert second.stderr == "kb: nothing changed since the last build; site/ is up to date\n"
    # Changing one version's content rebuilds only that version.
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text() + "aliases: [full-disk]\n")
    third = kb("build", cwd=repo)
    assert "(3 built, 0 reused" in third.stderr  # the entry shows in every version
    step = repo / "catalogue" / "demo" / "disk-full.yml"
    step.write_text(step.read_text().replace("to compress the rest.", "to pack the rest."))
    fourth = kb("build", cwd=repo)
    assert "[1/3] demo-1: unchanged, reused" in fourth.stderr
    assert "(2 built, 1 reused" in fourth.stderr


def test_blocks_converted_ahead_of_the_versions_are_announced(tmp_path: Path) -> None:
    """Many blocks to convert (a first build of a large catalogue) are converted before the
    versions build, and the build says so first, with how many: all of them, as its last
    line counts."""
    repo = fixture_repo(tmp_path)
    entries_alike_but_for_a_number(repo, 40)
    run = kb("build", cwd=repo)
    assert run.code == 0, run.stderr
    lines = run.stderr.splitlines()
    said = lines[lines.index("kb: building 3 versions") + 1]
    assert said.startswith("kb: converting ") and said.endswith(" blocks of Markdown"), lines
    converted = int(said.split()[2])
    assert converted > 40 and f"; {converted} blocks converted, " in lines[-1], lines


def test_range_excludes_a_step_from_a_version(built: Path) -> None:
    old = (built / "site" / "demo-1" / "demo" / "index.html").read_text()
    new = (built / "site" / "demo-2" / "demo" / "index.html").read_text()
    assert "demo clean" not in old and "demo clean" in new


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def site_folders(repo: Path) -> tuple[list[str], list[str]]:
    """The site's folders beside it, and what its builds folder holds but the live site."""
    from generator.site.publish import builds_folder, current

    live = current(repo / "site")
    return (sorted(p.name for p in repo.iterdir() if p.name.startswith("site")),
            sorted(p.name for p in builds_folder(repo / "site").iterdir()
                   if p != live and p.name != ".lock"))


def test_invalid_catalogue_leaves_the_site_intact(built: Path) -> None:
    before = snapshot(built / "site")
    entry = built / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace('">= demo-2"', '">= demo2"'))
    run = kb("build", cwd=built)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "catalogue/demo/disk-full.yml:15:29: error: fix 'Delete old logs': unknown moniker "
        "'demo2' in applies_to; did you mean 'demo-2'?")
    assert snapshot(built / "site") == before
    assert site_folders(built) == (["site", "site.builds"], [])


def test_failing_mkdocs_build_leaves_the_site_intact(built: Path) -> None:
    before = snapshot(built / "site")
    (built / "catalogue" / "demo" / "disk-full.yml").write_text(
        (built / "catalogue" / "demo" / "disk-full.yml").read_text()
        .replace("Open the log folder.", "Open the [log folder](missing-page.md).")
    )
    run = kb("build", cwd=built)
    assert run.code == 1
    assert "MkDocs: Doc file 'demo.md' contains a link 'missing-page.md', but the target " \
        "is not found among documentation files." in run.stderr
    assert snapshot(built / "site") == before
    assert site_folders(built) == (["site", "site.builds"], [])


def _stamp(project: object, catalogue: object, moniker: str, built: Path) -> None:
    (built / "stamp.txt").write_text(f"{moniker}\n", encoding="utf-8")


def test_features_finish_each_version_before_it_is_kept(tmp_path: Path) -> None:
    from generator.core.project import Project
    from generator.features.registry import FEATURES
    from generator.site.build import build_site
    from generator.site.feature import Feature

    repo = fixture_repo(tmp_path)
    features = (*FEATURES, Feature("stamp", finish_version=_stamp))
    report = build_site(Project(repo), features, jobs=1)
    assert report.built == ["demo-1", "demo-2", "demo-3"]
    assert (repo / "site" / "demo-2" / "stamp.txt").read_text() == "demo-2\n"
    # A reused version keeps what its features added when it was built.
    again = build_site(Project(repo), features, jobs=1)
    assert again.reused == ["demo-1", "demo-2", "demo-3"]
    assert (repo / "site" / "demo-3" / "stamp.txt").read_text() == "demo-3\n"


def test_the_site_does_not_depend_on_the_hash_seed_nor_on_the_processes(tmp_path: Path
                                                                        ) -> None:
    """Python orders the sets and dictionaries of strings by a hash seed it picks for each
    interpreter. Two `python -m generator build` runs of the snapshot of the shipped
    knowledge base, in interpreters with different seeds, one in a single process and one
    in two, write the same site, byte for byte. (The other tests' `kb` commands share a
    fork server's seed: tests/kbfork.py.)"""
    sites = []
    for seed, jobs in (("1", "1"), ("2", "2")):
        repo = copy_repo(tmp_path / seed, SNAPSHOT)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "generator", "build", "--jobs", jobs],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        sites.append(snapshot(repo / "site"))
    assert sites[0] and sorted(sites[0]) == sorted(sites[1])
    assert [name for name in sites[0] if sites[0][name] != sites[1][name]] == []


def test_kb_jobs_sets_how_many_processes_a_command_uses(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    """Without --jobs, a command uses $KB_JOBS processes, else one per CPU it may run on;
    never more than it has pieces of work. A KB_JOBS that is not a number of processes
    stops every command before it does anything."""
    from generator.core.parallel import workers

    monkeypatch.setenv("KB_JOBS", "3")
    assert (workers(None, 10), workers(2, 10), workers(None, 2)) == (3, 2, 2)
    monkeypatch.delenv("KB_JOBS")
    assert workers(None, 1000) == len(os.sched_getaffinity(0))
    repo = fixture_repo(tmp_path)
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("KB_JOBS", bad)
        run = kb("build", cwd=repo)
        assert (run.code, run.stderr) == (
            2, f"kb build: error: KB_JOBS must be a whole number of processes, 1 or more, not "
               f"'{bad}'\n")
        assert not (repo / "site").exists() and not (repo / "build").exists()


_LOADED = "as imported"


def _loaded(_: int) -> str:
    return _LOADED


def test_workers_are_forked_whatever_the_default_start_method() -> None:
    """The build's worker processes share what the build has loaded (they are forked),
    also where the interpreter starts processes another way by default (Python 3.14 does,
    and so does any process a fork server started)."""
    from generator.core.parallel import process_pool

    global _LOADED
    _LOADED = "set by this process"
    multiprocessing.set_start_method("spawn", force=True)
    try:
        with process_pool(2) as pool:
            assert list(pool.map(_loaded, [1, 2])) == ["set by this process"] * 2
    finally:
        multiprocessing.set_start_method(None, force=True)
        _LOADED = "as imported"


def test_materials_search_files_ship_only_with_its_search_plugin(tmp_path: Path) -> None:
    """Material's search index builder (lunr) and its worker are in each version where its
    search plugin is on, and left out where it is off (no page loads them then); a file the
    project has under the same folder stays."""
    on = fixture_repo(tmp_path / "on")
    off = fixture_repo(tmp_path / "off")
    settings = off / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("plugins:\n  - search\n", "plugins: []\n"))
    own = off / "content" / "assets" / "javascripts" / "lunr" / "own.js"
    own.parent.mkdir(parents=True)
    own.write_text("// the project's own script\n")
    for repo in (on, off):
        run = kb("build", cwd=repo)
        assert run.code == 0, run.stderr

    def search_files(repo: Path) -> list[str]:
        version = repo / "site" / "demo-3"
        return sorted(p.relative_to(version).as_posix()
                      for folder in ("assets/javascripts/lunr", "assets/javascripts/workers")
                      for p in (version / folder).rglob("*") if p.is_file())

    shipped = search_files(on)
    assert "assets/javascripts/lunr/min/lunr.de.min.js" in shipped
    assert any(re.fullmatch(r"assets/javascripts/workers/search\.\w+\.min\.js", f)
               for f in shipped)
    assert search_files(off) == ["assets/javascripts/lunr/own.js"]
    # The worker is started from the plugin's search box, which only the first site has.
    box = 'data-md-component="search"'
    assert box in (on / "site" / "demo-3" / "index.html").read_text(encoding="utf-8")
    assert box not in (off / "site" / "demo-3" / "index.html").read_text(encoding="utf-8")
