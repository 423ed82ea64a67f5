"""Check (sources): Markdown links of the catalogue and content/, per version, before a build.

Input: a validated Catalogue and each version's rendered Markdown tree; output:
diagnostics with `path:line:col` and a did-you-mean for near-miss anchors, and the
`SourceIndex` that maps a finding of the built-site check back to where it was written.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ...catalogue.model import Catalogue, Link, Markdown, Topic, children
from ...core.diagnostics import Diagnostics, Loc, did_you_mean
from ...core.project import Project
from ...core.versions import Products, Range, RangeError, parse_range
from ...markdown import docfx
from ...markdown.paths import rebase
from ...site.render import link_target
from .markdown import fenced_lines, markdown_anchors, markdown_links

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MAX_INCLUDE_DEPTH = 8


@dataclass(frozen=True)
class SourceLink:
    """A link written in a source: where, its target, the page it renders into, where shown."""

    loc: Loc
    target: str
    page: str  # the docs page (e.g. 'azure-rm-endpoint.md') the link is rendered into
    versions: frozenset[str]
    image: bool = False
    # For a link written in an include: (the include's folder, the including text's folder),
    # as repository paths. The target is relative to the include; the page gets it rebased.
    rebased: tuple[str, str] | None = None

    @property
    def on_page(self) -> str:
        """The target as the page it is rendered into has it."""
        if self.rebased is None:
            return self.target
        written = self.target.strip()
        if written.startswith("<") and written.endswith(">"):
            written = written[1:-1]
        return rebase(written, *self.rebased)


@dataclass(frozen=True)
class Resolved:
    """A source link's destination in a version's docs tree."""

    kind: str  # "page" (a Markdown page), "file" (another file), "skip" (external, absolute)
    path: str = ""  # docs path; for "page" the .md file
    fragment: str | None = None
    candidates: tuple[str, ...] = ()  # docs paths that would serve a URL-style link


def page_url(page: str) -> str:
    """The directory URL MkDocs gives a docs page: 'a/b.md' -> 'a/b/', 'a/index.md' -> 'a/'."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def resolve_source(page: str, target: str) -> Resolved:
    """Where a link written on docs page `page` leads, as MkDocs resolves it."""
    written = target.strip()
    if written.startswith("<") and written.endswith(">"):
        written = written[1:-1]
    before, hash_mark, fragment = written.partition("#")
    path = unquote(before.partition("?")[0])
    frag = fragment if hash_mark else None
    if SCHEME.match(path) or path.startswith("/"):
        return Resolved("skip")
    if not path:
        return Resolved("page", page, frag)
    folder = posixpath.dirname(page)
    if path.endswith(".md"):
        return Resolved("page", posixpath.normpath(posixpath.join(folder, path)), frag)
    if posixpath.splitext(path.rstrip("/"))[1] and not path.endswith("/"):
        return Resolved("file", posixpath.normpath(posixpath.join(folder, path)), frag)
    # A directory URL ('../other/'), relative to the page's own URL.
    joined = posixpath.normpath(posixpath.join(page_url(page), path))
    joined = "" if joined == "." else joined
    if joined.startswith(".."):
        return Resolved("page", joined, frag)
    options = (f"{joined}.md", f"{joined}/index.md") if joined else ("index.md",)
    return Resolved("page", options[0], frag, options)


# Sources -----------------------------------------------------------------------------------


def _zoned_lines(text: str, products: Products, enclosing: Range) -> list[tuple[str, Range, bool]]:
    """Each line of a DocFX text with the range it shows in and whether it is code."""
    lines = text.split("\n")
    fenced = fenced_lines(lines)
    stack: list[Range] = []
    out = []
    for line, code in zip(lines, fenced, strict=False):
        zone = stack[-1] if stack else enclosing
        marker = None if code else docfx.ZONE.match(line)
        if marker is None:
            out.append((line, zone, code))
            continue
        out.append(("", zone, code))
        if marker["keyword"].lower() == "moniker-end":
            if stack:
                stack.pop()
            continue
        found = docfx.ZONE_RANGE.match(marker["rest"])
        own = zone
        if found is not None:
            try:
                own = zone & parse_range(found["dq"] if found["dq"] is not None else found["sq"],
                                         products)
            except RangeError:
                own = zone
        stack.append(own)
    return out


@functools.lru_cache(maxsize=256)
def _file_lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").split("\n"))
    except (OSError, UnicodeDecodeError):
        return ()


def locate(root: Path, loc: Loc, target: str) -> Loc:
    """Where `target` is written in the file of `loc`, at or after its line."""
    lines = _file_lines(root / loc.path)
    start = max(loc.line - 1, 0)
    for number in range(start, len(lines)):
        col = lines[number].find(target)
        if col >= 0:
            return Loc(loc.path, number + 1, col + 1)
    return loc


def text_links(project: Project, products: Products, text: Markdown, page: str,
               shown: Range, depth: int = 0, top: str | None = None) -> Iterator[SourceLink]:
    """The links of one Markdown text (and of the files it includes) rendered into `page`;
    `top` is the folder of the text that includes this one, if any."""
    folder = posixpath.dirname(text.loc.path)
    top = folder if top is None else top
    rebased = (folder, top) if folder != top else None
    zoned = _zoned_lines(text.text, products, shown)
    lines = [line for line, _, _ in zoned]
    links = markdown_links(lines, [code for _, _, code in zoned])
    root = project.root
    for link in links:
        zone = zoned[link.line][1]
        if zone.empty:
            continue
        if text.loc.col > 0 and text.loc.line > 0:
            guess = Loc(text.loc.path, text.loc.line + link.line, text.loc.col + link.col)
        else:
            guess = Loc(text.loc.path, max(text.loc.line, 1) + link.line, link.col + 1)
        yield SourceLink(locate(root, guess.shifted(col=0), link.target)
                         if not _at(root, guess, link.target) else guess,
                         link.target, page, zone.monikers, link.image, rebased)
    if depth >= MAX_INCLUDE_DEPTH:
        return
    for line, zone, code in zoned:
        if code:
            continue
        include = docfx.BLOCK_INCLUDE.match(line)
        paths = [include["path"]] if include else \
            [m["path"] for m in docfx.INLINE.finditer(line) if m["include"]]
        for written in paths:
            yield from _included(project, products, text, written, page, zone, depth, top)


def _at(root: Path, loc: Loc, target: str) -> bool:
    lines = _file_lines(root / loc.path)
    if not 0 < loc.line <= len(lines) or loc.col <= 0:
        return False
    return lines[loc.line - 1].startswith(target, loc.col - 1)


def _included(project: Project, products: Products, text: Markdown, written: str, page: str,
              zone: Range, depth: int, top: str) -> Iterator[SourceLink]:
    written = unquote(written.strip().strip("<>").strip())
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(text.loc.path), written))
    path = project.root / rel
    if rel.startswith("..") or not path.is_file() or zone.empty:
        return
    try:
        _, body, removed = docfx.split_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return
    yield from text_links(project, products, Markdown(body, Loc(rel, removed + 1, 1)), page,
                          zone, depth + 1, top)


def _ranged_texts(obj: Any, shown: Range) -> Iterator[tuple[Markdown | Link, Range]]:
    """Markdown texts and links inside a model object with the range each shows in."""
    mine = obj.applies_to & shown if hasattr(obj, "applies_to") else shown
    if isinstance(obj, Link):
        yield obj, mine
        return
    for child in children(obj):
        if isinstance(child, Markdown):
            yield child, mine
        elif hasattr(child, "__dataclass_fields__"):
            yield from _ranged_texts(child, mine)


def source_links(project: Project, catalogue: Catalogue) -> list[SourceLink]:
    """Every internal-looking link of the catalogue and content pages, with where it shows."""
    products = catalogue.products
    everything = products.everything()
    topics = {t.id for t in catalogue.topics}
    pages = {p.path for p in catalogue.pages}
    found: list[SourceLink] = []
    for topic in catalogue.topics:
        for item, shown in _ranged_texts(topic, everything):
            if isinstance(item, Markdown):
                found.extend(text_links(project, products, item, topic.page, shown))
            elif item.ref and not shown.empty:
                # Refs to topics are checked from the model; refs to hand-written pages here.
                target_page = item.ref.partition("#")[0]
                if target_page.endswith(".md") and target_page not in topics \
                        and target_page in pages:
                    found.append(SourceLink(item.loc, link_target(item, topic.page),
                                            topic.page, shown.monikers))
    for page in catalogue.pages:
        found.extend(text_links(project, products, page.body, page.path,
                                page.applies_to & everything))
    return found


# Per-version docs trees -------------------------------------------------------------------


@dataclass
class DocsIndex:
    """Each version's docs files and the anchors of its Markdown pages."""

    files: dict[str, frozenset[str]] = field(default_factory=dict)  # version -> docs paths
    anchors: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)

    @classmethod
    def from_trees(cls, trees: Mapping[str, Mapping[str, bytes]]) -> DocsIndex:
        index = cls()
        by_digest: dict[bytes, frozenset[str]] = {}
        for version, files in trees.items():
            index.files[version] = frozenset(files)
            pages: dict[str, frozenset[str]] = {}
            for path, data in files.items():
                if not path.endswith(".md"):
                    continue
                digest = hashlib.sha1(data).digest()
                known = by_digest.get(digest)
                if known is None:
                    known = by_digest[digest] = frozenset(
                        markdown_anchors(data.decode("utf-8", "replace")))
                pages[path] = known
            index.anchors[version] = pages
        return index


def _versions_text(names: list[str], shown: list[str]) -> str:
    if names == shown and len(names) > 1:
        return "in any version it shows in"
    label = "version" if len(names) == 1 else "versions"
    return f"in {label} " + ", ".join(f"'{n}'" for n in names)


def check_source_links(links: list[SourceLink], index: DocsIndex, products: Products,
                       diagnostics: Diagnostics) -> None:
    """Each link's page and anchor exist in every version the link shows in."""
    order = list(products.names)
    for link in links:
        shown = [v for v in order if v in link.versions and v in index.files]
        missing_page: list[str] = []
        missing_anchor: list[str] = []
        resolved = resolve_source(link.page, link.on_page)
        if resolved.kind == "skip":
            continue
        if resolved.path.startswith(".."):
            diagnostics.error(
                link.loc, f"{'image' if link.image else 'link'} '{link.target}'",
                "leads outside the pages of its version",
                "link to the .md file of a page (e.g. 'faq.md'); MkDocs turns it into a link "
                "within each version")
            continue
        served: dict[str, str] = {}
        for version in shown:
            files = index.files[version]
            options = resolved.candidates or (resolved.path,)
            path = next((p for p in options if p in files), None)
            if path is None:
                missing_page.append(version)
                continue
            served[version] = path
            frag = resolved.fragment
            if frag and path.endswith(".md") and unquote(frag) not in \
                    index.anchors[version].get(path, frozenset()) and frag not in \
                    index.anchors[version].get(path, frozenset()) and frag.lower() != "top":
                missing_anchor.append(version)
        subject = f"{'image' if link.image else 'link'} '{link.target}'"
        what = "page" if resolved.kind == "page" else "file"
        if missing_page:
            elsewhere = [v for v in order if v not in missing_page and any(
                p in index.files[v] for p in (resolved.candidates or (resolved.path,)))]
            message = (f"{what} '{resolved.path}' does not exist "
                       f"{_versions_text(missing_page, shown)}")
            if elsewhere:
                suggestion = ("it exists in " + ", ".join(f"'{v}'" for v in elsewhere)
                              + "; show the link only there (a moniker zone or applies_to)")
            else:
                every = sorted(set().union(*index.files.values()))
                pool = [p for p in every if p.endswith(".md")] if what == "page" else every
                suggestion = did_you_mean(resolved.path, pool) or (
                    f"paths in an include are relative to the include, {link.loc.path}"
                    if link.rebased else f"paths are relative to {link.page}")
            diagnostics.error(link.loc, subject, message, suggestion)
        if missing_anchor:
            frag = unquote(resolved.fragment or "")
            path = served[missing_anchor[0]]
            elsewhere = [v for v in order if v not in missing_anchor and v in served
                         and frag in index.anchors[v].get(served[v], frozenset())]
            elsewhere += [v for v in order if v not in served and v in index.anchors
                          and frag in index.anchors[v].get(path, frozenset())]
            message = (f"no anchor '{frag}' on page '{path}' "
                       f"{_versions_text(missing_anchor, [v for v in shown if v in served])}")
            choices = sorted(set().union(*(index.anchors[v].get(served[v], frozenset())
                                           for v in missing_anchor)))
            hint = did_you_mean(frag, choices)
            if elsewhere and not hint:
                hint = ("it exists in " + ", ".join(f"'{v}'" for v in sorted(
                    set(elsewhere), key=order.index))
                        + "; show the link only there (a moniker zone or applies_to)")
            diagnostics.error(link.loc, subject, message, hint)


def check_sources(project: Project, catalogue: Catalogue, diagnostics: Diagnostics,
                  index: DocsIndex) -> None:
    """Source-level link checks of a valid catalogue against its rendered versions."""
    check_source_links(source_links(project, catalogue), index, catalogue.products, diagnostics)


# Built pages back to their sources --------------------------------------------------------


class SourceIndex:
    """Maps a link of a built page to the source line it was written on."""

    def __init__(self, project: Project, catalogue: Catalogue):
        self.project = project
        self.catalogue = catalogue
        self._by_page: dict[str, list[SourceLink]] | None = None
        self.topics: dict[str, Topic] = {t.page: t for t in catalogue.topics}
        self.pages = {p.path: p for p in catalogue.pages}

    def links_of(self, page: str) -> list[SourceLink]:
        if self._by_page is None:
            self._by_page = {}
            for link in source_links(self.project, self.catalogue):
                self._by_page.setdefault(link.page, []).append(link)
        return self._by_page.get(page, [])

    def docs_page(self, rel: str) -> tuple[str, str] | None:
        """(version, docs page) of a built page 'v/x/index.html', when it has a source."""
        version, _, rest = rel.partition("/")
        if self.catalogue.products.get(version) is None or not rest.endswith("index.html"):
            return None
        url = rest.removesuffix("index.html")
        for candidate in (f"{url.rstrip('/')}.md" if url else "index.md", f"{url}index.md"):
            if candidate in self.topics or candidate in self.pages:
                return version, candidate
        return None

    def page_source(self, rel: str) -> Loc | None:
        """The file a built page is generated from."""
        found = self.docs_page(rel)
        if found is None:
            return None
        page = found[1]
        if page in self.topics:
            return self.topics[page].loc
        return Loc(f"content/{page}", 1, 1)

    def find(self, rel: str, url: str, target: str, fragment: str) -> Loc | None:
        """Where the link `url` of built page `rel` (leading to target#fragment) is written."""
        found = self.docs_page(rel)
        if found is None:
            return None
        version, page = found
        wanted = target.removesuffix("index.html")
        best: Loc | None = None
        for link in self.links_of(page):
            if version not in link.versions:
                continue
            resolved = resolve_source(page, link.on_page)
            if resolved.kind == "skip":
                continue
            frag = unquote(resolved.fragment or "")
            if frag != fragment:
                continue
            options = resolved.candidates or (resolved.path,)
            site = [f"{version}/{page_url(p)}" if p.endswith(".md") else f"{version}/{p}"
                    for p in options]
            if wanted in site or wanted.rstrip("/") in (s.rstrip("/") for s in site):
                return link.loc
            if best is None and (link.on_page == url or (frag and link.on_page.endswith(
                    "#" + fragment))):
                best = link.loc
        return best
