"""Cache: results kept under build/ between runs, found by a digest of what made them.

Input: a folder under build/ and a key (a digest of everything a result depends on: its
source files, settings and `code_digest()`, the generator's own code); output: the result
kept there by an earlier run under that key, or None. A slot holds one result; writes are
atomic, so a reader never sees half a file, and a damaged or foreign file is a miss.

Results are pickled. Reading one only makes objects of the generator's own dataclasses and
enums (and Python's plain containers): a file planted in build/ cannot run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import gc
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

FORMAT = "1"
# Packages whose behaviour is part of what the generator makes of its sources.
PACKAGES = ("ruamel.yaml", "ruamel.yaml.clib", "markdown-it-py", "markdown", "pymdown-extensions",
            "mkdocs", "mkdocs-material", "pygments", "jinja2", "rjsmin")
_PACKAGE = Path(__file__).resolve().parent.parent


def digest(*parts: str | bytes) -> str:
    """A hex digest of the parts, each one delimited (so ("ab", "c") != ("a", "bc"))."""
    out = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        out.update(len(data).to_bytes(8, "little") + data)
    return out.hexdigest()


@functools.cache
def installed(dist: str) -> str | None:
    """The version of the installed distribution `dist`; None when it is not installed.
    Read once per process, as the process imports the package's code once (and
    importlib.metadata parses the package's whole METADATA file at each call: digests ask
    for the same few packages many times per build)."""
    try:
        return dist_version(dist)
    except PackageNotFoundError:
        return None


def package_stamps(dists: Iterable[str]) -> list[str]:
    """How digests name packages: 'NAME=VERSION' each, or 'NAME' for one not installed."""
    return [dist if installed(dist) is None else f"{dist}={installed(dist)}" for dist in dists]


@functools.cache
def code_digest() -> str:
    """The digest of the generator's code: its files, Python's version and the versions of
    the packages it works with. Part of every key, so a changed generator misses."""
    parts: list[str | bytes] = [FORMAT, sys.version, *package_stamps(PACKAGES)]
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(_PACKAGE).as_posix(), path.read_bytes()]
    return digest(*parts)


# Per process: file digests by path, with the file's identity and size when it was read
# (the same run reads a file twice at most: once to validate, once to render).
_FILES: dict[Path, tuple[tuple[int, int, int], str]] = {}


def file_digest(path: Path) -> str:
    """The digest of a file's contents ('D' for a folder, '-' for a missing or unreadable
    file). A symbolic link is not read through: its digest is of where it leads and of the
    identity of what it leads to (so a link never shares a digest with a plain file, and a
    result kept for a source checked as a link is not reused for another)."""
    if path.is_symlink():
        return _link_digest(path)
    try:
        info = path.stat()
    except OSError:
        return "-"
    if not path.is_file():
        return "D" if path.is_dir() else "-"
    identity = (info.st_ino, info.st_size, info.st_mtime_ns)
    known = _FILES.get(path)
    if known is not None and known[0] == identity:
        return known[1]
    try:
        found = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"
    _FILES[path] = (identity, found)
    return found


def _link_digest(path: Path) -> str:
    try:
        named = os.readlink(path)
        real = os.path.realpath(path)
        info = os.stat(real)
        identity = f"{info.st_mode}:{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        return "-"
    return "L" + digest(named, real, identity)


def files_digest(paths: Iterable[Path], base: Path) -> str:
    """A digest of files' names (relative to `base`) and contents."""
    parts: list[str | bytes] = []
    for path in paths:
        parts += [path.relative_to(base).as_posix(), file_digest(path)]
    return digest(*parts)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while many long-lived objects are made at once (e.g.
    read from a cache): the collector would walk them again and again for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Unpickler(pickle.Unpickler):
    """Makes only the generator's dataclasses and enums, and plain containers."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in ("frozenset", "set", "tuple", "list", "dict"):
            return super().find_class(module, name)
        if module.startswith("generator.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and (dataclasses.is_dataclass(found)
                                            or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"not a cached result: {module}.{name}")


def loads(data: bytes) -> Any:
    """`pickle.loads` for cached results (see `_Unpickler`)."""
    with gc_paused():
        return _Unpickler(io.BytesIO(data)).load()


class Slots:
    """A folder of named slots, each holding one result and the key it was made for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / f"{digest(name)[:32]}.pickle"

    def get(self, name: str, key: str) -> Any | None:
        """What slot `name` holds for `key`, or None (empty, another key, unreadable)."""
        try:
            data = self._path(name).read_bytes()
        except OSError:
            return None
        stored = key.encode("ascii") + b"\n"
        if not data.startswith(stored):
            return None
        try:
            return loads(data[len(stored):])
        except Exception:  # a damaged or foreign file is a miss, never a failure
            return None

    def put(self, name: str, key: str, value: Any) -> None:
        """Keep `value` in slot `name` for `key` (atomically; failures are ignored: a cache
        that cannot be written only makes the next run slower)."""
        path = self._path(name)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(key.encode("ascii") + b"\n"
                            + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError):
            tmp.unlink(missing_ok=True)

    def keep_only(self, names: Iterable[str]) -> None:
        """Remove every slot but those named."""
        wanted = {self._path(name).name for name in names}
        if not self.folder.is_dir():
            return
        for item in self.folder.iterdir():
            if item.name not in wanted:
                item.unlink(missing_ok=True)
