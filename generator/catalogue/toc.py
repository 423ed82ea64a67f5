"""Toc: the site's navigation as DocFX writes it, read from `content/toc.yml`.

Input: the docset's `toc.yml` (DocFX's format: a list of items with `name`, `href` and
nested `items`; an `href` to another `toc.yml` or to a folder brings that file's items in)
and the pages that exist (content pages and catalogue topics); output: a `Toc` whose
hrefs are paths in each version's docs tree, and a diagnostic with `path:line:col` for
every problem. Pure apart from reading the toc files.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.diagnostics import Diagnostics, Loc, did_you_mean
from ..core.project import Project
from .load import LocList, LocMap, read_yaml

TOC_FILE = "toc.yml"
# Keys DocFX reads that say nothing the site needs (display and behaviour hints).
QUIET_KEYS = frozenset({"displayName", "expanded", "maintainContext", "homepage",
                        "order", "splitItemsBy", "ms.custom"})
EXTERNAL = ("http://", "https://", "//", "mailto:")


@dataclass(frozen=True)
class TocItem:
    """One entry of the navigation: a page (docs-tree path), a link, or a section."""

    name: str
    loc: Loc
    href: str = ""  # a docs-tree path ("a/b.md", "<topic-id>.md") or an external URL
    external: bool = False
    items: tuple[TocItem, ...] = ()


@dataclass(frozen=True)
class Toc:
    """The navigation of the site, in the toc's order."""

    path: str  # repository-relative path of the root toc file
    items: tuple[TocItem, ...]

    def pages(self) -> set[str]:
        """Every docs-tree page the toc lists."""
        found: set[str] = set()
        stack = list(self.items)
        while stack:
            item = stack.pop()
            if item.href and not item.external:
                found.add(item.href)
            stack.extend(item.items)
        return found


def toc_path(project: Project) -> Path:
    """Where the navigation is read from: `content/toc.yml`, as DocFX reads a docset's toc."""
    return project.content / TOC_FILE


def load_toc(project: Project, pages: Collection[str], topics: Collection[str],
             diagnostics: Diagnostics) -> Toc | None:
    """`content/toc.yml` as a Toc (None when there is none or it cannot be read).

    `pages` are content pages (paths relative to content/), `topics` topic ids: a topic is
    listed as `<topic-id>.md`, the page it renders to in each version's docs tree.
    """
    path = toc_path(project)
    if not path.is_file():
        return None
    reader = _Reader(project, set(pages) | {f"{t}.md" for t in topics}, diagnostics)
    items = reader.read(path, ())
    if items is None:
        return None
    return Toc(project.rel(path), tuple(items))


class _Reader:
    def __init__(self, project: Project, known: set[str], diagnostics: Diagnostics):
        self.project = project
        self.content = project.content.resolve()
        self.known = known
        self.diagnostics = diagnostics

    def read(self, path: Path, chain: tuple[Path, ...]) -> list[TocItem] | None:
        rel = self.project.rel(path)
        doc = read_yaml(path, rel, self.diagnostics)
        if doc is None:
            return None
        node = doc.node
        if isinstance(node, LocMap) and "items" in node:
            node = node["items"]  # DocFX also accepts `items:` at the top
        if not isinstance(node, LocList):
            line, col = (node.line, node.col) if isinstance(node, LocMap) else (0, 0)
            self.diagnostics.error(Loc(rel, line + 1, col + 1), "toc",
                                   f"expected a list of items, found {_kind(node)}",
                                   "write '- name: Title' and '  href: page.md' per item")
            return None
        folder = path.parent
        return self.items(node, rel, folder, (*chain, path.resolve()))

    def items(self, node: LocList, rel: str, folder: Path,
              chain: tuple[Path, ...]) -> list[TocItem]:
        out = []
        for index, raw in enumerate(node):
            line, col = node.item_at(index)
            loc = Loc(rel, line + 1, col + 1)
            if not isinstance(raw, LocMap):
                self.diagnostics.error(loc, "toc item", f"expected a mapping with 'name' and "
                                       f"'href', found {_kind(raw)}",
                                       "write '- name: Title' and '  href: page.md'")
                continue
            item = self.item(raw, rel, folder, chain)
            if item is not None:
                out.append(item)
        return out

    def at(self, raw: LocMap, rel: str, key: str) -> Loc:
        line, col = raw.value_at(key) if key in raw.positions else (raw.line, raw.col)
        return Loc(rel, line + 1, col + 1)

    def item(self, raw: LocMap, rel: str, folder: Path,
             chain: tuple[Path, ...]) -> TocItem | None:
        loc = Loc(rel, raw.line + 1, raw.col + 1)
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            self.diagnostics.error(loc, "toc item", "expected text for 'name', found "
                                   f"{_kind(name)}", "give every item a 'name'")
            return None
        subject = f"toc item '{name.strip()}'"
        for key in raw:
            if key in ("name", "href", "items", "topicHref", "tocHref") or key in QUIET_KEYS:
                continue
            self.diagnostics.warning(self.at(raw, rel, key), subject,
                                     f"'{key}' is not used by the knowledge base; it was ignored",
                                     "link pages with 'href'" if key == "uid" else "")
        children: list[TocItem] = []
        raw_items = raw.get("items")
        if raw_items is not None:
            if isinstance(raw_items, LocList):
                children = self.items(raw_items, rel, folder, chain)
            else:
                self.diagnostics.error(self.at(raw, rel, "items"), subject,
                                       f"expected a list for 'items', found {_kind(raw_items)}")
        href = ""
        external = False
        for key in ("tocHref", "href", "topicHref"):
            value = raw.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                self.diagnostics.error(self.at(raw, rel, key), subject,
                                       f"expected a path for '{key}', found {_kind(value)}")
                return None
            target = value.strip()
            if target.startswith(EXTERNAL):
                if key == "tocHref":
                    continue
                href, external = target, True
                continue
            nested = self.nested(target, folder)
            if nested is not None and key in ("tocHref", "href"):
                if children and key == "href":
                    self.diagnostics.warning(self.at(raw, rel, key), subject,
                                             "has both 'items' and a toc in 'href'; the toc's "
                                             "items follow its own")
                found = self.include(nested, self.at(raw, rel, key), subject, chain)
                children = [*children, *found]
                continue
            page = self.page(target, folder, self.at(raw, rel, key), subject)
            if page is None:
                return None
            if key in ("href", "topicHref") and not href:
                href = page
        if not href and not children:
            self.diagnostics.warning(loc, subject, "has neither a page nor items; it was left "
                                     "out of the navigation", "add 'href: page.md'")
            return None
        return TocItem(name.strip(), loc, href, external, tuple(children))

    def nested(self, target: str, folder: Path) -> Path | None:
        """The toc file an href names (`sub/toc.yml` or a folder `sub/`), if it names one."""
        clean = target.split("#", 1)[0].split("?", 1)[0]
        if clean.endswith("/"):
            return folder / clean / TOC_FILE
        if posixpath.basename(clean).lower() in ("toc.yml", "toc.yaml"):
            return folder / clean
        return None

    def include(self, path: Path, loc: Loc, subject: str,
                chain: tuple[Path, ...]) -> list[TocItem]:
        if not self.inside(path):
            self.diagnostics.error(loc, subject, f"toc '{self.project.rel(path)}' is outside "
                                   "content/", "keep every toc file under content/")
            return []
        if not path.is_file():
            self.diagnostics.error(loc, subject, f"no toc file '{self.project.rel(path)}'",
                                   "create it, or link a page instead")
            return []
        if path.resolve() in chain:
            self.diagnostics.error(loc, subject, f"toc '{self.project.rel(path)}' includes "
                                   "itself (a cycle)", "remove one of the references")
            return []
        return self.read(path, chain) or []

    def inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.content)
        except ValueError:
            return False
        return True

    def page(self, target: str, folder: Path, loc: Loc, subject: str) -> str | None:
        clean = target.split("#", 1)[0].split("?", 1)[0]
        full = folder / clean
        if not self.inside(full):
            self.diagnostics.error(loc, subject, f"'{target}' is outside content/",
                                   "link pages of content/ or catalogue topics (<topic>.md)")
            return None
        rel = full.resolve().relative_to(self.content).as_posix()
        if not rel.endswith(".md"):
            self.diagnostics.error(loc, subject, f"'{target}' is not a Markdown page",
                                   "link a .md page of content/ or a topic as <topic-id>.md")
            return None
        if rel not in self.known:
            self.diagnostics.error(loc, subject, f"no page '{rel}'",
                                   did_you_mean(rel, sorted(self.known)) or
                                   "paths are relative to the toc file; topics are "
                                   "<topic-id>.md")
            return None
        return rel


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else f"text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
