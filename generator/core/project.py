"""Project: where a knowledge base's files are, which of them may be read, and the limits.

Input: a folder inside a repository; output: the paths every stage reads and writes, the
verdict on whether a file may be read (its real location is inside the repository and it
is a regular file: a symbolic link never leads a stage out of the repository or to a
device), and the limits on the work any input may cause (`extra.kb.limits` of mkdocs.yml).
"""

from __future__ import annotations

import copy
import functools
import os
import posixpath
import stat
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .diagnostics import DiagnosticError, Diagnostics, Loc, did_you_mean

TOPIC_FILE = "_topic.yml"
PRODUCTS_FILE = "products.yml"


class ProjectError(Exception):
    """The folder is not a knowledge base repository."""


class UnsafePath(Exception):
    """A path a stage must not read or write: `message` says why, `suggestion` what to do."""

    def __init__(self, message: str, suggestion: str = ""):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one input may cause; `extra.kb.limits` in mkdocs.yml raises them.

    Each bound is named in README.md ("Limits") with the setting that changes it.
    """

    files: int = 100_000  # files in catalogue/ and content/ together
    file_bytes: int = 1 << 20  # size of one YAML or Markdown file
    asset_bytes: int = 50 << 20  # size of one static file of content/ (images, ...)
    scalar_chars: int = 100_000  # characters in one YAML value
    nesting_depth: int = 64  # YAML mappings and lists inside one another
    aliases: int = 100  # YAML aliases (*name) in one file
    alias_nodes: int = 10_000  # values that aliases in one file stand for, expanded

    @staticmethod
    def setting(name: str) -> str:
        return f"extra.kb.limits.{name} in mkdocs.yml"


DEFAULT_LIMITS = Limits()
_LIMITS: dict[tuple[str, int], Limits] = {}


def project_limits(project: Project) -> Limits:
    """The limits of `project`: the defaults, raised or lowered by `extra.kb.limits`.

    A bad setting is a DiagnosticError located in mkdocs.yml.
    """
    try:
        stamp = project.mkdocs_yml.stat().st_mtime_ns
    except OSError:
        return DEFAULT_LIMITS
    key = (str(project.root), stamp)
    known = _LIMITS.get(key)
    if known is not None:
        return known
    extra = site_settings(project).get("extra")
    kb = extra.get("kb") if isinstance(extra, dict) else None
    given = kb.get("limits") if isinstance(kb, dict) else None
    values: dict[str, int] = {}
    problems = Diagnostics()
    names = [f.name for f in fields(Limits)]
    if given is not None and not isinstance(given, dict):
        problems.error(Loc(project.rel(project.mkdocs_yml)), "extra.kb.limits",
                       f"expected a mapping of limits, found {type(given).__name__}",
                       f"write one or more of: {', '.join(names)}")
    for name, value in (given or {}).items() if isinstance(given, dict) else ():
        if name not in names:
            problems.error(Loc(project.rel(project.mkdocs_yml)), "extra.kb.limits",
                           f"unknown limit '{name}'",
                           did_you_mean(str(name), names) or f"choose one of: {', '.join(names)}")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.error(Loc(project.rel(project.mkdocs_yml)), f"extra.kb.limits.{name}",
                           f"expected a whole number of 1 or more, found {value!r}")
        else:
            values[name] = value
    if problems:
        raise DiagnosticError(problems.items)
    limits = _LIMITS[key] = Limits(**values)
    return limits


@dataclass(frozen=True)
class Project:
    """The repository layout: mkdocs.yml, catalogue/, content/, overrides/, site/."""

    root: Path

    @functools.cached_property
    def real_root(self) -> Path:
        """The repository's folder with its symbolic links followed, worked out once: the
        checks of every path read compare with it."""
        return self.root.resolve()

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def catalogue(self) -> Path:
        return self.root / "catalogue"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def overrides(self) -> Path:
        return self.root / "overrides"

    @property
    def products_yml(self) -> Path:
        return self.catalogue / PRODUCTS_FILE

    @property
    def schema_dir(self) -> Path:
        return self.catalogue / "_schema"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def content_roots(self) -> tuple[Path, ...]:
        """Folders that DocFX includes may read from."""
        return (self.content.resolve(), self.catalogue.resolve())

    def rel(self, path: Path) -> str:
        """A repository-relative POSIX path, as diagnostics print it.

        The path is taken as written: a symbolic link is not followed, so a link keeps its
        own name. A path outside the repository comes back absolute; it is for messages,
        never for building another path (see `inside`).
        """
        absolute = Path(os.path.abspath(path))
        for root in (Path(os.path.abspath(self.root)), self.real_root):
            if absolute.is_relative_to(root):
                return absolute.relative_to(root).as_posix()
        parent = absolute.parent.resolve()  # the repository reached through a linked folder
        if parent.is_relative_to(self.real_root):
            return (parent / absolute.name).relative_to(self.real_root).as_posix()
        return absolute.as_posix()

    def check_readable(self, path: Path, *, folder: bool = False) -> None:
        """Raise UnsafePath unless `path`, followed through its symbolic links, is a regular
        file (a folder with `folder`) inside the repository."""
        shown = self.rel(path)
        try:
            real = path.resolve(strict=True)
        except FileNotFoundError as err:
            raise UnsafePath(f"{shown} is a broken symbolic link or missing",
                             "remove the link or point it at a file of the repository") from err
        except (OSError, RuntimeError) as err:  # a loop of links, a permission problem
            raise UnsafePath(f"{shown} cannot be resolved: {err}",
                             "remove the symbolic link") from err
        if not real.is_relative_to(self.real_root):
            raise UnsafePath(f"{shown} is a symbolic link to {real}, outside the repository",
                             "copy the file into the repository instead of linking to it")
        try:
            mode = os.stat(real).st_mode
        except OSError as err:
            raise UnsafePath(f"{shown} cannot be read: {err.strerror}") from err
        if folder:
            if not stat.S_ISDIR(mode):
                raise UnsafePath(f"{shown} is not a folder")
        elif not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a device, FIFO or socket"
            raise UnsafePath(f"{shown} is {kind}, not a regular file",
                             "keep only regular files here")

    def check_writable(self, folder: Path) -> None:
        """Raise UnsafePath when the folder `folder` would lead writes out of the repository:
        it, or an existing folder on the way to it, is a symbolic link to a place outside."""
        root = self.root.resolve()
        absolute = Path(os.path.abspath(folder))
        if not absolute.is_relative_to(Path(os.path.abspath(self.root))) \
                and not absolute.is_relative_to(root):
            return  # a folder the user chose outside the repository (e.g. --site-dir)
        real = absolute.resolve()
        if not real.is_relative_to(root):
            raise UnsafePath(f"{self.rel(folder)} leads to {real}, outside the repository",
                             f"remove the symbolic link {self.rel(folder)} (kb creates the "
                             "folder itself)")

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The repository containing `start` (default: the current folder)."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "mkdocs.yml").is_file() and (folder / "catalogue").is_dir():
                return cls(folder)
        raise ProjectError(
            f"no knowledge base found in {here} or its parents "
            "(expected mkdocs.yml beside a catalogue/ folder); "
            "run kb inside the repository or pass --root"
        )


def inside(name: str) -> str:
    """`name`, a relative POSIX path of a generated tree, checked to stay inside its folder:
    not absolute, no `..`, no empty or `.` part, no NUL (UnsafePath otherwise)."""
    parts = name.split("/")
    if not name or name.startswith("/") or "\0" in name \
            or any(part in ("", ".", "..") for part in parts) \
            or posixpath.normpath(name) != name:
        raise UnsafePath(f"'{name}' is not a path inside the generated folder",
                         "name pages and files with relative paths under content/")
    return name


# What reading mkdocs.yml gave, by its path and text: every stage of a command asks again.
_SETTINGS: dict[tuple[str, bytes], dict[str, Any]] = {}


def site_settings(project: Project) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it (plugins' tags allowed), for the keys we derive."""
    from mkdocs.utils.yaml import yaml_load

    raw = project.mkdocs_yml.read_bytes()
    # A file that takes values from elsewhere (INHERIT, !ENV) is read every time.
    kept = b"INHERIT" not in raw and b"!ENV" not in raw
    key = (str(project.mkdocs_yml.resolve()), raw)
    if kept and key in _SETTINGS:
        return copy.deepcopy(_SETTINGS[key])
    with project.mkdocs_yml.open(encoding="utf-8") as handle:
        data = yaml_load(handle) or {}
    if not isinstance(data, dict):
        problem = Diagnostics()
        problem.error(Loc(project.rel(project.mkdocs_yml), 1, 1), "mkdocs.yml",
                      f"expected a mapping of settings, found {type(data).__name__}")
        raise DiagnosticError(problem.items)
    if kept:
        _SETTINGS.clear()  # one file's settings kept: the project's
        _SETTINGS[key] = copy.deepcopy(data)
    return data
