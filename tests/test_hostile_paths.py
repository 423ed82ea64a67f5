"""Paths stay inside the repository: one test per route that reads or writes files.

Symbolic links that lead out of the repository (or to a device) are refused with a
located diagnostic and never followed, neither to read nor to write.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.core.diagnostics import DiagnosticError
from generator.core.project import Project, UnsafePath, inside
from generator.site.build import write_tree
from generator.site.trees import VersionTree, static_content
from tests.helpers_cli import fixture_repo, kb


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.md").write_text("# Victim\n\nsecret text\n")
    (folder / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (folder / "entry.yml").write_text("id: stolen\ntitle: Stolen\n")
    return folder


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_content_page_linked_out_of_the_repository_is_refused_and_never_written(
        tmp_path: Path, outside: Path) -> None:
    repo = fixture_repo(tmp_path)
    before = listing(outside)
    (repo / "content" / "victim.md").symlink_to(outside / "victim.md")
    check = kb("check", cwd=repo)
    build = kb("build", cwd=repo)
    message = ("content/victim.md: error: content/victim.md is a symbolic link to "
               f"{outside / 'victim.md'}, outside the repository; copy the file into the "
               "repository instead of linking to it")
    assert (check.code, build.code) == (1, 1)
    assert message in check.stderr.splitlines() and message in build.stderr.splitlines()
    assert listing(outside) == before  # nothing rewritten, no redirect page beside it
    assert not (repo / "site").exists()


@pytest.mark.parametrize("target", ["passwd", "device"])
def test_a_static_file_linked_out_or_to_a_device_is_refused_not_published(
        tmp_path: Path, outside: Path, target: str) -> None:
    repo = fixture_repo(tmp_path)
    assets = repo / "content" / "assets"
    assets.mkdir()
    source = outside / "passwd.txt" if target == "passwd" else Path("/dev/zero")
    (assets / "leak.txt").symlink_to(source)
    check = kb("check", cwd=repo)
    build = kb("build", cwd=repo)
    line = (f"content/assets/leak.txt: error: content/assets/leak.txt is a symbolic link to "
            f"{source}, outside the repository")
    assert check.code == 1 and build.code == 1
    assert any(x.startswith(line) for x in check.stderr.splitlines()), check.stderr
    assert any(x.startswith(line) for x in build.stderr.splitlines()), build.stderr
    assert not (repo / "site").exists()


def test_static_content_refuses_fifos_and_keeps_links_inside_the_repository(
        tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    assets = repo / "content" / "assets"
    assets.mkdir()
    (assets / "real.txt").write_text("kept")
    (assets / "alias.txt").symlink_to("real.txt")  # inside: followed
    os.mkfifo(assets / "pipe.txt")
    with pytest.raises(DiagnosticError) as err:
        static_content(Project(repo))
    assert [d.format() for d in err.value.diagnostics] == [
        "content/assets/pipe.txt: error: content/assets/pipe.txt is a device, FIFO or socket, "
        "not a regular file; keep only regular files here"]
    (assets / "pipe.txt").unlink()
    assert static_content(Project(repo)) == {"assets/alias.txt": b"kept",
                                             "assets/real.txt": b"kept"}


def test_catalogue_files_and_topic_folders_linked_out_are_refused(
        tmp_path: Path, outside: Path) -> None:
    repo = fixture_repo(tmp_path)
    (repo / "catalogue" / "demo" / "stolen.yml").symlink_to(outside / "entry.yml")
    (repo / "catalogue" / "elsewhere").symlink_to(outside)
    run = kb("check", cwd=repo)
    assert run.code == 1
    assert ("catalogue/demo/stolen.yml: error: catalogue/demo/stolen.yml is a symbolic link "
            f"to {outside / 'entry.yml'}, outside the repository; copy the file into the "
            "repository instead of linking to it") in run.stderr.splitlines()
    assert (f"catalogue/elsewhere: error: catalogue/elsewhere is a symbolic link to {outside}, "
            "outside the repository; copy the file into the repository instead of linking "
            "to it") in run.stderr.splitlines()
    assert "stolen" not in run.stdout


def test_products_file_linked_out_is_refused(tmp_path: Path, outside: Path) -> None:
    repo = fixture_repo(tmp_path)
    products = repo / "catalogue" / "products.yml"
    (outside / "products.yml").write_bytes(products.read_bytes())
    products.unlink()
    products.symlink_to(outside / "products.yml")
    run = kb("check", cwd=repo)
    assert run.code == 1
    assert run.stderr.startswith("catalogue/products.yml: error: catalogue/products.yml is a "
                                 "symbolic link to ")


def test_generated_trees_never_write_outside_their_folder(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for name in ("/tmp/x.md", "../x.md", "a/../../x.md", "a//b.md", "./a.md", "", "a\0b"):
        tree = VersionTree("v", "V", {name: b"x"}, [], {})
        with pytest.raises(DiagnosticError) as err:
            write_tree(tree, docs)
        assert "is not a path inside the generated folder" in str(err.value)
    assert not (tmp_path / "x.md").exists()
    # An old docs folder that became a symbolic link is replaced, its target untouched.
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep.md").write_text("keep")
    docs.rmdir()
    docs.symlink_to(target)
    write_tree(VersionTree("v", "V", {"index.md": b"new"}, [], {}), docs)
    assert not docs.is_symlink() and (docs / "index.md").read_bytes() == b"new"
    assert listing(target) == {"keep.md": b"keep"}


@pytest.mark.parametrize("name", ["build", "site.builds"])
def test_build_refuses_work_folders_linked_out_of_the_repository(
        tmp_path: Path, outside: Path, name: str) -> None:
    repo = fixture_repo(tmp_path)
    (repo / name).symlink_to(outside)
    before = listing(outside)
    run = kb("build", cwd=repo)
    assert run.code == 1
    assert run.stderr.startswith(f"{name}: error: kb build: {name} ")
    assert listing(outside) == before


def test_rel_keeps_a_links_own_name_and_never_makes_paths_outside_relative(
        tmp_path: Path, outside: Path) -> None:
    repo = fixture_repo(tmp_path)
    link = repo / "content" / "victim.md"
    link.symlink_to(outside / "victim.md")
    project = Project(repo)
    assert project.rel(link) == "content/victim.md"
    assert project.rel(outside / "victim.md") == str(outside / "victim.md")
    assert project.rel(repo / "content" / ".." / ".." / "outside") == str(outside)
    with pytest.raises(UnsafePath):
        project.check_readable(link)
    assert inside("a/b.md") == "a/b.md"
