"""Anchors: every published (version, page, anchor) is a contract, kept in a lock file.

Input: a valid Catalogue rendered for every version (what each page will publish) and
`catalogue/_anchors.lock.json`; output: the lock's changes, `--update` writes, and
diagnostics for published anchors that disappeared (an alias or a retired entry keeps one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..catalogue.model import Catalogue
from ..core.diagnostics import Diagnostics, Loc
from ..core.project import Project
from ..site.feature import Feature, Rendered
from ..site.trees import render_trees
from .links.sources import DocsIndex, check_sources, page_url

LOCK_FILE = "catalogue/_anchors.lock.json"
LOCK_FORMAT = 1
LOCK_NOTE = ("Every anchor the site publishes, per version and page (URL relative to the "
             "version). kb check fails when one disappears; keep it with an alias or a "
             "retired entry, or drop it on purpose with kb anchors --update.")

# version -> page URL ('/', '/azure-rm-endpoint/') -> anchors
Anchors = dict[str, dict[str, tuple[str, ...]]]


def render_index(project: Project, catalogue: Catalogue,
                 features: Sequence[Feature]) -> DocsIndex:
    """Each version's docs tree as `kb build` renders it (features' pages included)."""
    trees, _ = render_trees(project, catalogue, features)  # Markdown: reported by kb check
    return DocsIndex.from_trees({tree.moniker: tree.files for tree in trees})


def published(index: DocsIndex, order: Iterable[str]) -> Anchors:
    """The anchors each page of each version publishes, pages and anchors sorted."""
    result: Anchors = {}
    for version in order:
        pages = index.anchors.get(version)
        if pages is None:
            continue
        result[version] = {
            "/" + page_url(path): tuple(sorted(a for a in anchors if not a.startswith("__")))
            for path, anchors in sorted(pages.items(), key=lambda p: "/" + page_url(p[0]))
        }
    return result


def lock_text(anchors: Anchors) -> str:
    """The lock file: one anchor per line, so that a change is a one-line diff."""
    data = {"note": LOCK_NOTE, "format": LOCK_FORMAT, "versions": {
        version: {url: list(names) for url, names in pages.items()}
        for version, pages in anchors.items()}}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass
class Lock:
    """The committed lock: its anchors and the line of each (for diagnostics)."""

    anchors: Anchors
    lines: dict[tuple[str, str, str], int] = field(default_factory=dict)
    problem: str = ""


_KEY = re.compile(r'^(?P<indent> *)"(?P<key>(?:[^"\\]|\\.)*)": [\[{]')
_ITEM = re.compile(r'^ *"(?P<item>(?:[^"\\]|\\.)*)",?$')


def read_lock(project: Project) -> Lock | None:
    """The lock file, or None when the repository has none."""
    path = project.root / LOCK_FILE
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
        versions = data["versions"]
        anchors: Anchors = {str(v): {str(u): tuple(str(a) for a in names)
                                     for u, names in pages.items()}
                            for v, pages in versions.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        return Lock({}, problem=f"cannot read the lock: {err}")
    lines: dict[tuple[str, str, str], int] = {}
    version = url = ""
    for number, line in enumerate(text.split("\n"), 1):
        key = _KEY.match(line)
        if key is not None:
            depth = len(key["indent"]) // 2
            if depth == 2:
                version = json.loads(f'"{key["key"]}"')
            elif depth == 3:
                url = json.loads(f'"{key["key"]}"')
            continue
        item = _ITEM.match(line)
        if item is not None and version and url:
            lines.setdefault((version, url, json.loads(f'"{item["item"]}"')), number)
    return Lock(anchors, lines)


@dataclass(frozen=True)
class Change:
    """An anchor added to or removed from a page, in the versions listed."""

    url: str
    anchor: str  # "" for a whole page
    versions: tuple[str, ...]

    def format(self, sign: str) -> str:
        where = self.url + (f"#{self.anchor}" if self.anchor else "")
        return f"{sign} {where} ({', '.join(self.versions)})"


@dataclass
class Changes:
    """What differs between the lock and what the catalogue publishes now."""

    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)  # anchors of pages still published
    removed_pages: list[Change] = field(default_factory=list)  # whole pages gone

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.removed_pages)

    def lines(self) -> list[str]:
        return ([c.format("-") for c in self.removed_pages]
                + [c.format("-") for c in self.removed] + [c.format("+") for c in self.added])


def _group(items: Iterable[tuple[str, str, str]], order: list[str]) -> list[Change]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for version, url, anchor in items:
        grouped.setdefault((url, anchor), []).append(version)
    rank = {v: i for i, v in enumerate(order)}
    return [Change(url, anchor, tuple(sorted(set(vs), key=lambda v: (rank.get(v, len(rank)), v))))
            for (url, anchor), vs in sorted(grouped.items())]


def compare(lock: Anchors, current: Anchors, order: list[str]) -> Changes:
    """Anchors and pages in `current` but not in `lock` (added), and the other way round."""
    added: list[tuple[str, str, str]] = []
    removed: list[tuple[str, str, str]] = []
    removed_pages: list[tuple[str, str, str]] = []
    for version, pages in lock.items():
        now = current.get(version, {})
        for url, names in pages.items():
            if url not in now:
                removed_pages.append((version, url, ""))
                continue
            there = set(now[url])
            removed.extend((version, url, a) for a in names if a not in there)
    for version, pages in current.items():
        before = lock.get(version, {})
        for url, names in pages.items():
            known = set(before.get(url, ()))
            added.extend((version, url, a) for a in names if a not in known)
    return Changes(_group(added, order), _group(removed, order), _group(removed_pages, order))


def check_lock(project: Project, lock: Lock, current: Anchors, order: list[str],
               diagnostics: Diagnostics) -> None:
    """An error for each locked anchor (or page) that the catalogue no longer publishes."""
    if lock.problem:
        diagnostics.error(Loc(LOCK_FILE, 1, 1), "anchors lock", lock.problem,
                          "regenerate it with kb anchors --update")
        return
    changes = compare(lock.anchors, current, order)
    for change in changes.removed_pages:
        first = change.versions[0]
        names = lock.anchors[first][change.url]
        line = lock.lines.get((first, change.url, names[0]), 1) if names else 1
        diagnostics.error(
            Loc(LOCK_FILE, max(line - 1, 1), 1), f"page '{change.url}'",
            f"published page is gone from {_versions(change.versions)}, with "
            f"{len(names)} anchor{'s' if len(names) != 1 else ''}",
            f"keep the page in {'that version' if len(change.versions) == 1 else 'them'} "
            "(its applies_to), or run kb anchors --update if it must go",
        )
    for change in changes.removed:
        first = change.versions[0]
        line = lock.lines.get((first, change.url, change.anchor), 1)
        moved = sorted({url for v in change.versions for url, names in current.get(v, {}).items()
                        if change.anchor in names})
        if moved:
            hint = (f"it is now on {', '.join(repr(u) for u in moved)}; links to "
                    f"'{change.url}#{change.anchor}' break: keep a section with this anchor "
                    "on the page, or run kb anchors --update if it must go")
        else:
            hint = (f"add '{change.anchor}' to the aliases of the section that replaced it, or "
                    "mark its entry retired instead of deleting it; run kb anchors --update "
                    "only if it must go")
        diagnostics.error(
            Loc(LOCK_FILE, line, 1), f"anchor '{change.url}#{change.anchor}'",
            f"published anchor is gone from {_versions(change.versions)}", hint)


def _versions(names: tuple[str, ...]) -> str:
    label = "version" if len(names) == 1 else "versions"
    return f"{label} " + ", ".join(f"'{n}'" for n in names)


def check_published(project: Project, catalogue: Catalogue, rendered: Rendered,
                    diagnostics: Diagnostics) -> None:
    """`kb check`'s checks that need each version's rendered pages: links and the lock."""
    index = DocsIndex.from_trees(rendered.trees)
    check_sources(project, catalogue, diagnostics, index)
    lock = read_lock(project)
    if lock is not None:
        order = list(catalogue.products.names)
        check_lock(project, lock, published(index, order), order, diagnostics)
