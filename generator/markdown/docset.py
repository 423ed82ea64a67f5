"""Load (docsets): which Markdown files of content/ are pages, as DocFX decides it.

Input: the content folder (and every `docfx.json` in it); output: a `PageRules` that says
of a content-relative path whether it is a page, plus problems found in `docfx.json`.
A file in a folder named `includes` or `_shared`, at any depth, is include-only and never
a page; so is a file that the nearest `docfx.json` leaves out of its `build.content`
(`files` it does not match, or an `exclude` it matches, relative to the entry's `src`).
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.diagnostics import Diagnostics, Loc

INCLUDE_FOLDERS = frozenset({"includes", "_shared"})
DOCFX_JSON = "docfx.json"


def include_only(rel: str) -> bool:
    """Whether a path (relative to content/) lies in an `includes` or `_shared` folder."""
    return any(part in INCLUDE_FOLDERS for part in rel.split("/")[:-1])


@functools.lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """DocFX's file glob as a regular expression: `**` any folders, `*` and `?` within a
    name, `{a,b}` alternatives; a pattern ending in `/` matches everything below it."""
    pattern = pattern.strip()
    pattern = pattern[2:] if pattern.startswith("./") else pattern
    if pattern.endswith("/"):
        pattern += "**"
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "{":
            end = pattern.find("}", i)
            if end < 0:
                out.append(re.escape(char))
                i += 1
                continue
            options = pattern[i + 1:end].split(",")
            out.append("(?:" + "|".join(re.escape(o) for o in options) + ")")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE)


@dataclass(frozen=True)
class ContentEntry:
    """One `build.content` entry: its folder (relative to content/), files and excludes."""

    src: str
    files: tuple[str, ...]
    exclude: tuple[str, ...]

    def takes(self, rel: str) -> bool | None:
        """True or False for a path under `src`; None for one outside it."""
        prefix = f"{self.src}/" if self.src else ""
        if not rel.startswith(prefix):
            return None
        inner = rel[len(prefix):]
        if not any(glob_regex(p).match(inner) for p in self.files):
            return False
        return not any(glob_regex(p).match(inner) for p in self.exclude)


@dataclass(frozen=True)
class Docset:
    """A `docfx.json`: its folder (relative to content/) and content entries."""

    folder: str
    entries: tuple[ContentEntry, ...]


@dataclass
class PageRules:
    """Which content files are pages: include folders and every docfx.json's content rules."""

    docsets: list[Docset] = field(default_factory=list)

    def is_page(self, rel: str) -> bool:
        """Whether `rel` (relative to content/) becomes a page."""
        if include_only(rel):
            return False
        owner = None
        for docset in self.docsets:
            inside = not docset.folder or rel.startswith(docset.folder + "/")
            if inside and (owner is None or len(docset.folder) > len(owner.folder)):
                owner = docset
        if owner is None or not owner.entries:
            return True
        verdicts = [entry.takes(rel) for entry in owner.entries]
        return any(v is True for v in verdicts)


def load_rules(content: Path, rel_of: str, diagnostics: Diagnostics) -> PageRules:
    """The page rules of a content folder; `rel_of` is its repository-relative path."""
    rules = PageRules()
    if not content.is_dir():
        return rules
    for path in sorted(content.rglob(DOCFX_JSON)):
        folder = path.parent.relative_to(content).as_posix()
        folder = "" if folder == "." else folder
        shown = posixpath.join(rel_of, folder, DOCFX_JSON) if folder else \
            posixpath.join(rel_of, DOCFX_JSON)
        docset = _read_docset(path, folder, shown, diagnostics)
        if docset is not None:
            rules.docsets.append(docset)
    return rules


def _read_docset(path: Path, folder: str, shown: str, diagnostics: Diagnostics) -> Docset | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        diagnostics.error(Loc(shown, err.lineno, err.colno), "docfx.json",
                          f"invalid JSON: {err.msg}", "fix the file, or delete it")
        return None
    except (OSError, UnicodeDecodeError) as err:
        diagnostics.error(Loc(shown, 1, 1), "docfx.json", f"cannot read the file: {err}",
                          "save it as UTF-8 JSON")
        return None
    except RecursionError:  # arrays or objects nested thousands deep
        diagnostics.error(Loc(shown, 1, 1), "docfx.json", "invalid JSON: nested too deeply",
                          "fix the file, or delete it")
        return None
    build = data.get("build") if isinstance(data, dict) else None
    content = build.get("content") if isinstance(build, dict) else None
    if content is None:
        return Docset(folder, ())
    if not isinstance(content, list):
        diagnostics.error(Loc(shown, _line_of(path, '"content"'), 1), "docfx.json",
                          f"expected build.content to be a list, found {type(content).__name__}",
                          'write "content": [{"files": ["**/*.md"]}]')
        return None
    entries = []
    for item in content:
        if not isinstance(item, dict):
            continue
        src = posixpath.normpath(posixpath.join(folder, str(item.get("src") or ".")))
        src = "" if src == "." else src
        entries.append(ContentEntry(src, _strings(item.get("files")) or ("**",),
                                    _strings(item.get("exclude"))))
    return Docset(folder, tuple(entries))


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str))
    return ()


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    return 1
