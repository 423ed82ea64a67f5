"""One-step publishing: real builds killed at chosen points leave the old site or the new
one, complete; the next build removes what the killed one left."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from generator.site.publish import builds_folder, current, remove_stale
from tests import killpoint
from tests.helpers_cli import fixture_repo, kb

pytestmark = pytest.mark.e2e


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def killed_build(repo: Path, event: str, match: str, nth: int) -> int:
    """`kb build` run in `repo` and killed just before the `nth` matching file operation."""
    return kb("build", cwd=repo,
              before=functools.partial(killpoint.install, event, match, nth)).code


def leftovers(repo: Path) -> list[str]:
    site = repo / "site"
    live = current(site)
    names = [p.name for p in builds_folder(site).iterdir()
             if p.name != ".lock" and p != live]
    names += [p.name for p in repo.glob("site.old-*")] + [p.name for p in repo.glob("site.tmp-*")]
    return sorted(names)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes],
                                                             dict[str, bytes]]:
    """A built repository (the old site), and what the old and the new site hold."""
    base = tmp_path_factory.mktemp("publish")
    repo = fixture_repo(base)
    assert kb("build", cwd=repo).code == 0
    old = snapshot(repo / "site")
    other = fixture_repo(base / "new")
    edit(other)
    assert kb("build", cwd=other).code == 0
    return repo, old, snapshot(other / "site")


def edit(repo: Path) -> None:
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("title: ", "title: Renamed ", 1))


def fresh(tmp_path: Path, sites: tuple[Path, dict[str, bytes], dict[str, bytes]]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(sites[0], repo, symlinks=True)
    edit(repo)
    return repo


POINTS = [
    ("os.mkdir", "site.builds/", 1, "old"),  # before the staging folder exists
    ("os.link", "site.builds/", 40, "old"),  # halfway through assembling the new site
    ("os.symlink", "site.builds/", 1, "old"),  # the new site complete, not yet linked
    ("os.rename", "/.link-", 1, "old"),  # just before the one rename that publishes
    ("shutil.rmtree", "site.builds/", 1, "new"),  # published; the old site not yet removed
]


@pytest.mark.parametrize(("event", "match", "nth", "expected"), POINTS,
                         ids=[f"{p[0]}-{p[2]}" for p in POINTS])
def test_a_build_killed_at_any_point_leaves_a_complete_site(
        tmp_path: Path, sites: tuple[Path, dict[str, bytes], dict[str, bytes]],
        event: str, match: str, nth: int, expected: str) -> None:
    repo = fresh(tmp_path, sites)
    _, old, new = sites
    assert killed_build(repo, event, match, nth) == -9
    assert snapshot(repo / "site") == (old if expected == "old" else new)
    if expected == "new" or event == "os.link":
        assert leftovers(repo)  # what the killed build left behind...
    again = kb("build", cwd=repo)
    assert again.code == 0, again.stderr
    assert snapshot(repo / "site") == new
    assert leftovers(repo) == []  # ...is gone after the next build


@pytest.mark.parametrize("event", ["os.rename", "os.symlink", "shutil.rmtree"])
def test_killed_at_each_rename_link_or_removal_of_the_site_a_complete_site_stays(
        tmp_path: Path, sites: tuple[Path, dict[str, bytes], dict[str, bytes]],
        event: str) -> None:
    """Every operation of that kind on the site's paths, in turn, is where the build dies."""
    _, old, new = sites
    for nth in range(1, 20):
        repo = fresh(tmp_path / f"{nth}", sites)
        code = killed_build(repo, event, "/site", nth)
        site = repo / "site"
        assert site.is_dir(), f"killed before {event} #{nth}: no site left"
        assert snapshot(site) in (old, new), f"killed before {event} #{nth}: a partial site"
        if code == 0:
            assert snapshot(site) == new
            break
        assert code == -9
    else:
        pytest.fail("the build never completed")


def test_the_link_checker_reads_a_site_left_by_a_killed_build(
        tmp_path: Path, sites: tuple[Path, dict[str, bytes], dict[str, bytes]]) -> None:
    repo = fresh(tmp_path, sites)
    assert killed_build(repo, "os.rename", "/.link-", 1) == -9
    run = kb("check-links", cwd=repo)
    assert run.code == 0, run.stderr


def test_a_plain_site_folder_from_before_is_replaced_in_one_step(
        tmp_path: Path, sites: tuple[Path, dict[str, bytes], dict[str, bytes]]) -> None:
    repo = fresh(tmp_path, sites)
    new = sites[2]
    site = repo / "site"
    live = current(site)
    assert live is not None
    site.unlink()
    shutil.copytree(live, site)  # the layout of earlier generators: a plain folder
    shutil.rmtree(live)
    (repo / "site.old-4242").mkdir()  # what their killed builds left
    (repo / "site.tmp-4243").mkdir()
    (repo / "site.tmp-4243" / "index.html").write_text("half")
    assert killed_build(repo, "shutil.rmtree", "site.builds/", 1) == -9
    assert site.is_symlink() and snapshot(site) == new
    again = kb("build", cwd=repo)
    assert again.code == 0 and snapshot(site) == new and leftovers(repo) == []


def test_remove_stale_never_follows_links_out(tmp_path: Path) -> None:
    site = tmp_path / "site"
    builds = builds_folder(site)
    builds.mkdir()
    (builds / "live").mkdir()
    site.symlink_to("site.builds/live")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    (builds / "planted").symlink_to(precious)
    (tmp_path / "site.old-1").symlink_to(precious)
    removed = remove_stale(site)
    assert sorted(p.name for p in removed) == ["planted", "site.old-1"]
    assert (precious / "keep.txt").read_text() == "keep"
    assert (builds / "live").is_dir()
