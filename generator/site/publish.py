"""Publish: replace the site folder in one step, whatever moment a build is stopped at.

Input: the site path (`site/` or `--site-dir`); output: a fresh staging folder to assemble
the next site in, and the switch to it. `site` is a symbolic link to a complete site in
`site.builds/`; publishing points a new link at the staged site and renames it over
`site`, which the system does in one step: a reader, the link checker or a killed build
sees the old site or the new one, never a missing or half-written one. Folders left by
builds stopped midway (and the `site.old-*`/`site.tmp-*` folders of earlier versions of
the generator) are removed by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
from ..core.project import Project, UnsafePath

LINK_PREFIX = ".link-"
LOCK = ".lock"


def builds_folder(site: Path) -> Path:
    """Where the complete sites `site` points at are kept: `site.builds/` beside it."""
    return site.with_name(f"{site.name}.builds")


def check_folders(project: Project, site: Path) -> None:
    """DiagnosticError when a folder the build writes to would lead out of the repository
    (a symbolic link planted as `build/` or `site.builds/`)."""
    problems = Diagnostics()
    for folder in (project.build_dir, builds_folder(site)):
        try:
            project.check_writable(folder)
            if folder == builds_folder(site) and folder.is_symlink():
                raise UnsafePath(f"{project.rel(folder)} is a symbolic link",
                                 f"remove it; kb build keeps its sites in {folder.name}/")
        except UnsafePath as err:
            problems.error(Loc(project.rel(folder)), "kb build", err.message, err.suggestion)
    if problems:
        raise DiagnosticError(problems.items)


@contextlib.contextmanager
def publishing(site: Path) -> Iterator[Path]:
    """A new empty staging folder for the next site, held exclusively until the block ends.

    Only one build at a time stages and publishes into the same site: a second one waits,
    so that removing stale folders never removes another build's staging folder.
    """
    builds = builds_folder(site)
    builds.mkdir(parents=True, exist_ok=True)
    with _locked(builds / LOCK):
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
        staging = builds / name
        staging.mkdir()
        try:
            yield staging
        finally:
            remove_stale(site)


def publish(staging: Path, site: Path) -> None:
    """Make `site` the complete site in `staging` with one rename; then remove the rest.

    `staging` is a folder of `builds_folder(site)`. A `site` that is still a plain folder
    (from a generator before this layout) is swapped with the link in one step where the
    system can (Linux's renameat2), else moved aside first.
    """
    builds = builds_folder(site)
    link = builds / f"{LINK_PREFIX}{staging.name}"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(os.path.relpath(staging, site.parent), link)
    if site.is_dir() and not site.is_symlink():
        if not _exchange(link, site):
            site.rename(builds / f"previous-{staging.name}")
            link.rename(site)
    else:
        os.replace(link, site)  # one step: the old link or the new one, never none
    remove_stale(site)


def publish_folder(staging: Path, target: Path) -> None:
    """Replace the plain folder `target` by `staging` (a folder beside it), for outputs that
    must stay plain folders (a version built apart, uploaded as a part): in one step where
    the system can swap two folders (Linux), else the old one is moved aside first."""
    if target.is_dir() and not target.is_symlink():
        if _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # it holds the old folder now
        else:
            old = target.with_name(f"{target.name}.old-{os.getpid()}")
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
    else:
        if target.is_symlink() or target.exists():
            target.unlink()
        staging.rename(target)
    for pattern in (f"{target.name}.old-*", f"{target.name}.tmp-*"):
        for stale in target.parent.glob(pattern):
            if stale.is_symlink() or not stale.is_dir():
                stale.unlink(missing_ok=True)
            else:
                shutil.rmtree(stale, ignore_errors=True)


def current(site: Path) -> Path | None:
    """The folder `site` points at now, if it is one of `builds_folder(site)`."""
    if not site.is_symlink():
        return None
    target = Path(os.readlink(site))
    real = (site.parent / target) if not target.is_absolute() else target
    folder = builds_folder(site)
    return real if real.parent == folder else None


def remove_stale(site: Path) -> list[Path]:
    """Remove what builds stopped midway left: every folder and link of the builds folder
    but the live site, and earlier generators' `site.old-*`/`site.tmp-*` folders."""
    removed: list[Path] = []
    live = current(site)
    builds = builds_folder(site)
    candidates: list[Path] = []
    if builds.is_dir() and not builds.is_symlink():
        candidates += [p for p in builds.iterdir() if p.name != LOCK and p != live]
    for pattern in (f"{site.name}.old-*", f"{site.name}.tmp-*"):
        candidates += site.parent.glob(pattern)
    for path in sorted(candidates):
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` for the block (advisory; where the system has flock)."""
    try:
        import fcntl
    except ImportError:  # no flock: builds into one site must not overlap
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                     _RENAME_EXCHANGE)
    return bool(done == 0)
