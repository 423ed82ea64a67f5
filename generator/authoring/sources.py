"""Sources: where a DocFX docset's files may be read from, and which files it publishes.

Input: an article or a docs folder; output: the docset's boundary (the folder holding
`docfx.json`, else the repository the files are in, else the folder itself), its
`docfx.json` globs, and safe resolution of the paths that articles name (includes,
images, links): an absolute path, a `..` or a symlink that leaves the boundary is refused
with a reason, never read.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue.jsonfile import read_json
from ..catalogue.load import LocList, LocMap
from ..core.diagnostics import Diagnostics, Loc

DOCFX_JSON = "docfx.json"
# Folders whose Markdown is include-only in DocFX docsets: never pages of their own.
INCLUDE_FOLDERS = ("includes", "_shared")
DEFAULT_RESOURCES = ("**/*.png", "**/*.jpg", "**/*.jpeg", "**/*.gif", "**/*.svg")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# A Markdown link or image: its text, its destination (in <...>, or without spaces, where
# parentheses come in pairs, as CommonMark reads it: `dd379542(v=ws.10)`), its title.
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]"
                  r"\((?P<target><[^>]*>|(?:[^()\s]|\([^()\s]*\))*)(?P<title>\s+\"[^\"]*\")?\)")


class Refused(ValueError):
    """A path an article names that may not be read; the message says why."""

    def __init__(self, message: str, absolute: bool = False):
        super().__init__(message)
        self.absolute = absolute


def find_docset_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a docfx.json."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / DOCFX_JSON).is_file():
            return folder
    return None


def boundary_of(start: Path) -> Path:
    """The folder an article's includes and images must stay in.

    The docset (the folder of the nearest docfx.json), else the git repository the
    article is in, else the article's own folder.
    """
    start = start.resolve()
    docset = find_docset_root(start)
    if docset is not None:
        return docset.resolve()
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def safe_path(referrer: Path, written: str, boundary: Path, repository: Path | None = None
              ) -> Path:
    """The file `written` names, relative to the file `referrer`; Refused when it is absolute,
    or it (or a symlink on the way) leaves `boundary` or the repository."""
    target = written.strip().strip("<>").split("#", 1)[0].split("?", 1)[0]
    if target.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", target):
        raise Refused(f"'{written}' is an absolute path; only paths relative to the file "
                      "are read", absolute=True)
    lexical = Path(posixpath.normpath((referrer.parent / target).as_posix()))
    if not within(lexical, boundary) and not within(lexical, boundary.resolve()):
        raise Refused(f"'{written}' leads outside the source folder {boundary}")
    real = lexical.resolve()
    for folder in (boundary.resolve(), *([repository.resolve()] if repository else [])):
        if not within(real, folder):
            what = "the source folder" if folder == boundary.resolve() else "the repository"
            raise Refused(f"'{written}' is a symlink that leads outside {what} ({real})")
    return real


def is_include_only(rel: str) -> bool:
    """Whether a docset-relative path lies in a folder DocFX treats as include-only."""
    return any(part in INCLUDE_FOLDERS for part in rel.split("/")[:-1])


def glob_match(rel: str, pattern: str) -> bool:
    """DocFX's file globs: `**` any folders, `*` within one name, `{a,b}` alternatives."""
    pattern = pattern.strip().lstrip("./")
    if "{" in pattern and "}" in pattern:
        head, rest = pattern.split("{", 1)
        options, tail = rest.split("}", 1)
        return any(glob_match(rel, head + option + tail) for option in options.split(","))
    regex = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            regex += ".*"
            index += 2
        else:
            char = pattern[index]
            regex += "[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
            index += 1
    return re.fullmatch(regex, rel, re.IGNORECASE) is not None


@dataclass
class FileGroup:
    """One `content` or `resource` group of docfx.json: its folder, globs and exclusions."""

    src: str = ""  # relative to the docset root
    files: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)

    def matches(self, rel: str) -> bool:
        if self.src:
            prefix = self.src.strip("/") + "/"
            if not rel.startswith(prefix):
                return False
            rel = rel[len(prefix):]
        return any(glob_match(rel, p) for p in self.files) and \
            not any(glob_match(rel, p) for p in self.exclude)


@dataclass
class Docset:
    """A docset: its root folder and what its docfx.json publishes."""

    root: Path
    content: list[FileGroup] = field(default_factory=list)
    resource: list[FileGroup] = field(default_factory=list)
    has_config: bool = False

    def is_article(self, rel: str) -> bool:
        if is_include_only(rel) or not rel.lower().endswith(".md"):
            return False
        if not self.has_config or not self.content:
            return True
        return any(group.matches(rel) for group in self.content)

    def is_resource(self, rel: str) -> bool:
        if is_include_only(rel) and not rel.lower().endswith(tuple(
                p.rsplit(".", 1)[-1] for p in DEFAULT_RESOURCES)):
            return False
        groups = self.resource if self.has_config and self.resource else \
            [FileGroup(files=list(DEFAULT_RESOURCES))]
        return any(group.matches(rel) for group in groups)


def read_docset(root: Path, rel_config: str, diagnostics: Diagnostics) -> Docset:
    """The docset at `root` (its docfx.json read when there is one)."""
    docset = Docset(root)
    config = root / DOCFX_JSON
    if not config.is_file():
        return docset
    doc = read_json(config, rel_config, diagnostics)
    if doc is None:
        return docset
    docset.has_config = True
    build = doc.node.get("build") if isinstance(doc.node, LocMap) else None
    if not isinstance(build, LocMap):
        line, col = (doc.node.line, doc.node.col) if isinstance(doc.node, LocMap) else (0, 0)
        diagnostics.error(Loc(rel_config, line + 1, col + 1), "docfx.json",
                          "expected an object with a 'build' object",
                          'write {"build": {"content": [{"files": ["**/*.md"]}]}}')
        return docset
    for key, target in (("content", docset.content), ("resource", docset.resource)):
        groups = build.get(key)
        if groups is None:
            continue
        if not isinstance(groups, LocList):
            line, col = build.value_at(key)
            diagnostics.error(Loc(rel_config, line + 1, col + 1), "docfx.json",
                              f"expected a list for 'build.{key}'")
            continue
        for index, group in enumerate(groups):
            line, col = groups.item_at(index)
            loc = Loc(rel_config, line + 1, col + 1)
            parsed = _group(group, loc, key, diagnostics)
            if parsed is not None:
                target.append(parsed)
    return docset


def _group(raw: object, loc: Loc, key: str, diagnostics: Diagnostics) -> FileGroup | None:
    if not isinstance(raw, LocMap):
        diagnostics.error(loc, "docfx.json", f"expected an object in 'build.{key}'")
        return None
    group = FileGroup(src=str(raw.get("src") or ""))
    for name in ("files", "exclude"):
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            line, col = raw.value_at(name)
            diagnostics.error(Loc(loc.path, line + 1, col + 1), "docfx.json",
                              f"expected a list of globs for '{name}'")
            return None
        getattr(group, name).extend(value)
    return group


def is_external(target: str) -> bool:
    return bool(SCHEME.match(target)) or target.startswith("//")
