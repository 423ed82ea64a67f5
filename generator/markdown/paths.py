"""Render (file references): where an include, code snippet or image path written in a file points.

Input: the repository root, the folder of the file that names the path, and the path as
written; output: the real file, or a `Refused` saying why the path may not be read.
Paths stay inside the repository: absolute paths, `..` escapes, symbolic links that lead
out of it and anything but a regular file (devices, FIFOs) are refused.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

_ABSOLUTE = re.compile(r"^(?:[/\\~]|[A-Za-z]:[/\\]?)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Refused(ValueError):
    """A path that must not be read; `message` says why, `suggestion` what to do."""

    def __init__(self, message: str, suggestion: str):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass(frozen=True)
class Target:
    """A path resolved inside the repository: `rel` as written (normalised), `real` on disk."""

    rel: str
    real: Path

    @property
    def exists(self) -> bool:
        return self.real.is_file()


def clean(written: str) -> str:
    """A path as written in Markdown: without `<>`, surrounding quotes and %-escapes."""
    written = written.strip()
    if written.startswith("<") and written.endswith(">"):
        written = written[1:-1].strip()
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "'\"":
        written = written[1:-1].strip()
    return unquote(written)


def resolve(repo_root: Path, folder: str, written: str, what: str,
            roots: tuple[Path, ...] | None = None) -> Target:
    """The file `written` (relative to the repository folder `folder`) names, or Refused.

    A missing file is not refused here (`Target.exists` is False): callers word that.
    `roots`, when given, are the only folders the file may be in.
    """
    path = clean(written)
    relative_to = f"write a path relative to {folder or '.'}/, the folder of this file"
    if not path:
        raise Refused(f"{what} path is empty", relative_to)
    if _SCHEME.match(path) and not re.match(r"^[A-Za-z]:[/\\]", path):
        raise Refused(f"{what} '{path}' is a URL; only files of the repository can be read",
                      "copy the file into the repository and " + relative_to)
    if _ABSOLUTE.match(path):
        raise Refused(f"{what} '{path}' is an absolute path", relative_to)
    rel = posixpath.normpath(posixpath.join(folder, path.replace("\\", "/")))
    if rel == ".." or rel.startswith("../"):
        raise Refused(f"{what} '{path}' points outside the repository", relative_to)
    root = repo_root.resolve()
    lexical = repo_root / rel
    try:
        real = lexical.resolve()
    except (OSError, RuntimeError) as err:  # a symlink loop
        raise Refused(f"{what} '{path}' cannot be resolved: {err}", relative_to) from err
    if not real.is_relative_to(root):
        raise Refused(f"{what} '{path}' is a symbolic link to {real}, outside the repository",
                      "copy the file into the repository instead of linking to it")
    if roots is not None and not any(real.is_relative_to(r.resolve()) for r in roots):
        names = ", ".join(_shown(r, root) for r in roots)
        raise Refused(f"{what} '{path}' is outside the folders it may be read from ({names})",
                      "move the file under one of those folders")
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return Target(rel, real)  # missing: the caller reports it
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise Refused(f"{what} '{path}' is {kind}", "name a text file of the repository")
    return Target(rel, real)


def _shown(path: Path, root: Path) -> str:
    real = path.resolve()
    return real.relative_to(root).as_posix() + "/" if real.is_relative_to(root) else str(path)


def is_relative_reference(target: str) -> bool:
    """Whether a link or image target is a path relative to its file (not a URL, not a
    fragment of the same page, not site-absolute, not an xref)."""
    target = target.strip()
    return bool(target) and not target.startswith(("#", "/", "\\", "?")) \
        and not _SCHEME.match(target)


def rebase(target: str, from_folder: str, to_folder: str) -> str:
    """A relative link or image target written in `from_folder`, as `to_folder` must write it.

    Query and fragment are kept; targets that are not relative paths come back unchanged.
    """
    if not is_relative_reference(target) or from_folder == to_folder:
        return target
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    if not path:
        return target
    joined = posixpath.normpath(posixpath.join(from_folder, path))
    moved = posixpath.relpath(joined, to_folder or ".")
    if path.endswith("/") and not moved.endswith("/"):
        moved += "/"
    return moved + rest
