"""Anchors: every published (version, page, anchor) is a contract, kept in a lock file.

Input: a valid Catalogue rendered for every version (what each page will publish) and
`catalogue/_anchors.lock.json`; output: the lock's changes, `--update` writes (which
records new anchors and keeps every locked one unless it is dropped by name, with a reason
or a redirect), and diagnostics for published anchors that disappeared, for drops whose
redirect leads nowhere, and (against a base revision) for locked anchors or drops that
left the lock without a recorded decision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..catalogue.model import Catalogue
from ..core.diagnostics import Diagnostics, Loc, did_you_mean
from ..core.project import Project
from ..site.feature import Feature, Rendered
from ..site.trees import render_trees
from .links.sources import DocsIndex, check_sources, page_url

LOCK_FILE = "catalogue/_anchors.lock.json"
LOCK_FORMAT = 1
LOCK_NOTE = ("Every anchor the site publishes, per version and page (URL relative to the "
             "version). kb check fails when one disappears; keep it with an alias or a "
             "retired entry, or drop it on purpose with kb anchors --update --drop, which "
             "records the decision under 'dropped'.")

# version -> page URL ('/', '/azure-rm-endpoint/') -> anchors
Anchors = dict[str, dict[str, tuple[str, ...]]]
Key = tuple[str, str, str]  # (version, page URL, anchor); anchor "" stands for the page


def render_index(project: Project, catalogue: Catalogue,
                 features: Sequence[Feature]) -> DocsIndex:
    """Each version's docs tree as `kb build` renders it (features' pages included); topics
    unchanged since the last build or check are taken as they were rendered then."""
    trees, _ = render_trees(project, catalogue, features,  # Markdown: reported by kb check
                            cache=project.build_dir / "cache" / "pages")
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


@dataclass(frozen=True)
class Drop:
    """A published anchor (or a whole page, `anchor` "") removed from the lock on purpose.

    Exactly one of `retired` (why it is gone) and `redirect` (the page#anchor that now holds
    what it held) says what readers following an old link should know.
    """

    url: str
    anchor: str
    versions: tuple[str, ...]
    retired: str = ""
    redirect: str = ""

    @property
    def name(self) -> str:
        return self.url + (f"#{self.anchor}" if self.anchor else "")

    def covers(self, version: str, url: str, anchor: str) -> bool:
        return version in self.versions and url == self.url and self.anchor in ("", anchor)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"anchor": self.name, "versions": list(self.versions)}
        if self.redirect:
            out["redirect"] = self.redirect
        else:
            out["retired"] = self.retired
        return out


def lock_text(anchors: Anchors, dropped: Sequence[Drop] = ()) -> str:
    """The lock file: one anchor per line, so that a change is a one-line diff."""
    data: dict[str, object] = {"note": LOCK_NOTE, "format": LOCK_FORMAT}
    if dropped:
        data["dropped"] = [d.as_json() for d in sorted(dropped, key=lambda d: (d.url, d.anchor))]
    data["versions"] = {version: {url: list(names) for url, names in pages.items()}
                        for version, pages in anchors.items()}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass
class Lock:
    """The committed lock: its anchors, its drops and their lines (for diagnostics)."""

    anchors: Anchors
    lines: dict[Key, int] = field(default_factory=dict)
    problem: str = ""
    dropped: list[Drop] = field(default_factory=list)
    drop_lines: list[int] = field(default_factory=list)
    page_lines: dict[tuple[str, str], int] = field(default_factory=dict)

    def keys(self) -> set[Key]:
        return {(v, url, a) for v, pages in self.anchors.items()
                for url, names in pages.items() for a in names}

    def line_of(self, version: str, url: str, anchor: str = "") -> int:
        """The line of an anchor, else of its page, else 1."""
        return self.lines.get((version, url, anchor)) or self.page_lines.get((version, url), 1)


_KEY = re.compile(r'^(?P<indent> *)"(?P<key>(?:[^"\\]|\\.)*)": [\[{]')
_ITEM = re.compile(r'^ *"(?P<item>(?:[^"\\]|\\.)*)",?$')
_OPEN = re.compile(r"^ {4}\{$")


def split_name(name: str) -> tuple[str, str]:
    """'/page/#anchor', 'page#anchor' or '/page/' -> (page URL, anchor)."""
    page, _, anchor = name.partition("#")
    page = page.strip().strip("/")
    return (f"/{page}/" if page else "/"), anchor.strip()


def _drops(raw: object) -> list[Drop]:
    if not isinstance(raw, list):
        raise ValueError("'dropped' is not a list")
    out = []
    for index, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not isinstance(item.get("anchor"), str) \
                or not isinstance(item.get("versions"), list):
            raise ValueError(f"dropped item {index} needs 'anchor' and 'versions'")
        retired, redirect = str(item.get("retired") or ""), str(item.get("redirect") or "")
        if bool(retired.strip()) == bool(redirect.strip()):
            raise ValueError(f"dropped item {index} ('{item['anchor']}') needs exactly one of "
                             "'retired' (why it is gone) or 'redirect' (where it went)")
        url, anchor = split_name(item["anchor"])
        out.append(Drop(url, anchor, tuple(str(v) for v in item["versions"]), retired.strip(),
                        redirect.strip()))
    return out


def parse_lock(text: str) -> Lock:
    """A lock file's text: its anchors, drops and the line of each."""
    try:
        data = json.loads(text)
        versions = data["versions"]
        anchors: Anchors = {str(v): {str(u): tuple(str(a) for a in names)
                                     for u, names in pages.items()}
                            for v, pages in versions.items()}
        dropped = _drops(data.get("dropped", []))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        return Lock({}, problem=f"cannot read the lock: {err}")
    lock = Lock(anchors, dropped=dropped)
    section = version = url = ""
    for number, line in enumerate(text.split("\n"), 1):
        key = _KEY.match(line)
        if key is not None:
            depth = len(key["indent"]) // 2
            name = json.loads(f'"{key["key"]}"')
            if depth == 1:
                section, version, url = name, "", ""
            elif section == "versions" and depth == 2:
                version = name
            elif section == "versions" and depth == 3:
                url = name
                lock.page_lines.setdefault((version, url), number)
            continue
        if section == "dropped" and _OPEN.match(line):
            lock.drop_lines.append(number)
            continue
        item = _ITEM.match(line)
        if item is not None and section == "versions" and version and url:
            lock.lines.setdefault((version, url, json.loads(f'"{item["item"]}"')), number)
    return lock


def read_lock(project: Project) -> Lock | None:
    """The lock file, or None when the repository has none."""
    path = project.root / LOCK_FILE
    if not path.is_file():
        return None
    return parse_lock(path.read_text(encoding="utf-8"))


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


def page_sources(catalogue: Catalogue) -> dict[str, Loc]:
    """Page URL -> the file it is written in: a topic's _topic.yml or a content page."""
    sources = {"/" + page_url(topic.page): topic.loc for topic in catalogue.topics}
    for page in catalogue.pages:
        sources["/" + page_url(page.path)] = Loc(f"content/{page.path}", 1, 1)
    return sources


KEEP_HINT = ("renamed: put the old id in the aliases of what replaced it (kb rename OLD NEW "
             "does it and fixes the links); removed: mark the entry 'status: retired' instead "
             "of deleting it; gone on purpose: kb anchors --update --drop '{name}' --retired "
             "'why' (or --redirect PAGE#ANCHOR)")


def check_lock(project: Project, lock: Lock, current: Anchors, order: list[str],
               diagnostics: Diagnostics, sources: dict[str, Loc] | None = None) -> None:
    """An error for each locked anchor (or page) that the catalogue no longer publishes,
    and for each drop whose redirect does not lead to a published anchor."""
    if lock.problem:
        diagnostics.error(Loc(LOCK_FILE, 1, 1), "anchors lock", lock.problem,
                          "fix the file, or restore it from git and run kb anchors --update")
        return
    sources = sources or {}
    changes = compare(lock.anchors, current, order)
    for change in changes.removed_pages:
        first = change.versions[0]
        names = lock.anchors[first][change.url]
        diagnostics.error(
            Loc(LOCK_FILE, lock.page_lines.get((first, change.url), 1), 1),
            f"page '{change.url}'",
            f"published page is gone from {_versions(change.versions)}, with "
            f"{len(names)} anchor{'s' if len(names) != 1 else ''}",
            f"keep the page in {'that version' if len(change.versions) == 1 else 'them'} "
            f"(its applies_to), or drop it on purpose: kb anchors --update --drop "
            f"'{change.url}' --retired 'why' (or --redirect PAGE#ANCHOR)",
            related=_related(sources, change.url),
        )
    for change in changes.removed:
        first = change.versions[0]
        line = lock.line_of(first, change.url, change.anchor)
        moved = sorted({url for v in change.versions for url, names in current.get(v, {}).items()
                        if change.anchor in names})
        name = f"{change.url}#{change.anchor}"
        if moved:
            hint = (f"it is now on {', '.join(repr(u) for u in moved)}; links to '{name}' "
                    "break: keep a section with this anchor on the page, or drop it on "
                    f"purpose: kb anchors --update --drop '{name}' --redirect "
                    f"'{moved[0]}#{change.anchor}'")
        else:
            hint = KEEP_HINT.format(name=name)
        diagnostics.error(
            Loc(LOCK_FILE, line, 1), f"anchor '{name}'",
            f"published anchor is gone from {_versions(change.versions)}", hint,
            related=_related(sources, change.url))
    check_drops(lock, current, order, diagnostics)


def _related(sources: dict[str, Loc], url: str) -> tuple[Loc, ...]:
    return (sources[url],) if url in sources else ()


def check_drops(lock: Lock, current: Anchors, order: list[str],
                diagnostics: Diagnostics) -> None:
    """A drop is not locked at the same time, and its redirect leads to a published anchor."""
    locked = lock.keys()
    for index, drop in enumerate(lock.dropped):
        loc = Loc(LOCK_FILE, lock.drop_lines[index] if index < len(lock.drop_lines) else 1, 1)
        subject = f"dropped anchor '{drop.name}'"
        both = [v for v in drop.versions
                if any(drop.covers(v, url, a) for (version, url, a) in locked if version == v)]
        if both:
            diagnostics.error(loc, subject, f"it is dropped and locked in {_versions(tuple(both))}",
                              "run kb anchors --update, which keeps one record of each anchor")
        if not drop.redirect:
            continue
        url, anchor = split_name(drop.redirect)
        missing = tuple(v for v in drop.versions
                        if url not in current.get(v, {})
                        or (anchor and anchor not in current[v][url]))
        if missing:
            diagnostics.error(
                loc, subject,
                f"its redirect '{drop.redirect}' is not published in {_versions(missing)}",
                "point 'redirect' at a page#anchor that exists in those versions, or use "
                "'retired' with the reason it is gone")


def check_against_base(lock: Lock | None, base: Lock | None, revision: str,
                       diagnostics: Diagnostics) -> None:
    """Every anchor and drop the base revision's lock records is still locked or dropped.

    This catches a lock edited by hand to hide a removal: only `kb anchors --update --drop`
    takes an anchor out of the lock, and it records why.
    """
    if base is None or base.problem:
        return  # no contract on the base yet (or kb check reports the base's own problem)
    if lock is None:
        diagnostics.error(Loc(LOCK_FILE), "anchors lock",
                          f"the lock exists on {revision} but not here",
                          f"restore it: git checkout {revision} -- {LOCK_FILE}")
        return
    if lock.problem:
        return  # reported by check_lock
    locked = lock.keys()
    order = list(base.anchors)
    lost: list[Key] = []
    for key in sorted(base.keys()):
        version, url, anchor = key
        if key in locked or any(d.covers(version, url, anchor) for d in lock.dropped):
            continue
        lost.append(key)
    for change in _group(lost, order):
        name = f"{change.url}#{change.anchor}"
        diagnostics.error(
            Loc(LOCK_FILE, lock.line_of(change.versions[0], change.url), 1), f"anchor '{name}'",
            f"locked on {revision} in {_versions(change.versions)}, but this lock neither "
            "lists nor drops it: an anchor leaves the lock only with a recorded decision",
            f"restore the lock (git checkout {revision} -- {LOCK_FILE}, then kb anchors "
            f"--update), or drop it on purpose: kb anchors --update --drop '{name}' "
            "--retired 'why' (or --redirect PAGE#ANCHOR)")
    for drop in base.dropped:
        gone = tuple(v for v in drop.versions
                     if not any(d.url == drop.url and d.anchor == drop.anchor
                                and v in d.versions for d in lock.dropped)
                     and not (drop.url in lock.anchors.get(v, {}) and (
                         not drop.anchor or drop.anchor in lock.anchors[v][drop.url])))
        if gone:
            diagnostics.error(
                Loc(LOCK_FILE, 1, 1), f"dropped anchor '{drop.name}'",
                f"the drop recorded on {revision} for {_versions(gone)} is missing here",
                f"keep the record: git checkout {revision} -- {LOCK_FILE}, then kb anchors "
                "--update")


class DropError(ValueError):
    """A --drop request that names nothing droppable, or an invalid redirect."""


@dataclass
class Update:
    """What `kb anchors --update` writes and reports."""

    anchors: Anchors
    dropped: list[Drop]
    new_drops: list[Drop]
    kept: list[Change]  # locked anchors the catalogue no longer publishes, still locked


def _merge(lock: Anchors, current: Anchors, order: list[str]) -> Anchors:
    versions = sorted({*lock, *current}, key=lambda v: (order.index(v) if v in order
                                                      else len(order), v))
    merged: Anchors = {}
    for version in versions:
        pages: dict[str, set[str]] = {}
        for source in (lock.get(version, {}), current.get(version, {})):
            for url, names in source.items():
                pages.setdefault(url, set()).update(names)
        merged[version] = {url: tuple(sorted(pages[url])) for url in sorted(pages)}
    return merged


def plan_update(lock: Lock | None, current: Anchors, order: list[str],
                drop: Sequence[str] = (), retired: str = "", redirect: str = "") -> Update:
    """The new lock: every locked anchor kept, new ones added, the named ones dropped.

    `drop` names anchors the catalogue no longer publishes: 'anchor' (on any page),
    'page#anchor', or a page URL ending in '/' for a page gone from some versions.
    DropError when a name matches nothing gone, or a redirect leads nowhere.
    """
    before = lock.anchors if lock is not None and not lock.problem else {}
    dropped = list(lock.dropped) if lock is not None and not lock.problem else []
    # A dropped anchor that is published again is locked again.
    dropped = [d for d in (_without(d, current) for d in dropped) if d.versions]
    changes = compare(before, current, order)
    gone: list[Change] = [*changes.removed_pages, *changes.removed]
    new_drops: list[Drop] = []
    if drop and bool(retired.strip()) == bool(redirect.strip()):
        raise DropError("--drop needs the decision readers get: --retired 'why it is gone' "
                        "or --redirect PAGE#ANCHOR (where it went)")
    for name in drop:
        chosen = _chosen(name, gone, before, current)
        for change in chosen:
            if redirect:
                _check_redirect(change, redirect, current)
            new_drops.append(Drop(change.url, change.anchor, change.versions, retired.strip(),
                                  redirect.strip()))
    merged = _merge(before, current, order)
    for item in new_drops:
        for version in item.versions:
            pages = merged.get(version, {})
            if item.anchor:
                left = tuple(a for a in pages.get(item.url, ()) if a != item.anchor)
                if item.url in pages:
                    pages[item.url] = left
            else:
                pages.pop(item.url, None)
    dropped_now = {(d.url, d.anchor) for d in new_drops}
    kept = [c for c in gone if (c.url, c.anchor) not in dropped_now
            and (c.url, "") not in dropped_now]
    return Update(merged, _combine(dropped + new_drops), new_drops, kept)


def _without(drop: Drop, current: Anchors) -> Drop:
    versions = tuple(v for v in drop.versions
                     if not (drop.url in current.get(v, {})
                             and (not drop.anchor or drop.anchor in current[v][drop.url])))
    return Drop(drop.url, drop.anchor, versions, drop.retired, drop.redirect)


def _combine(drops: list[Drop]) -> list[Drop]:
    """One record per anchor and decision, versions merged."""
    merged: dict[tuple[str, str, str, str], list[str]] = {}
    for d in drops:
        bucket = merged.setdefault((d.url, d.anchor, d.retired, d.redirect), [])
        bucket.extend(v for v in d.versions if v not in bucket)
    return [Drop(url, anchor, tuple(vs), retired, redirect)
            for (url, anchor, retired, redirect), vs in sorted(merged.items())]


def _chosen(name: str, gone: list[Change], before: Anchors, current: Anchors) -> list[Change]:
    if "#" in name or "/" in name:
        url, anchor = split_name(name)
        # A page URL drops what is gone from that page: the page itself or its anchors.
        matches = [c for c in gone if c.url == url and (not anchor or c.anchor == anchor)]
    else:
        url, anchor = "", name.strip()
        matches = [c for c in gone if c.anchor == anchor]
    if matches:
        return matches
    published_now = sorted({f"{u}#{a}" if a else u for pages in current.values()
                            for u, names in pages.items() for a in ("", *names)
                            if (not url or u == url) and (a == anchor)})
    if published_now:
        raise DropError(f"'{name}' is still published ({published_now[0]}); only anchors the "
                        "catalogue no longer publishes can be dropped")
    names = [c.url + (f"#{c.anchor}" if c.anchor else "") for c in gone]
    hint = did_you_mean(name, [*names, *(c.anchor for c in gone if c.anchor)])
    raise DropError(f"'{name}' names no locked anchor that is gone"
                    + (f"; {hint}" if hint else
                       f"; gone now: {', '.join(names)}" if names else
                       "; every locked anchor is still published"))


def _check_redirect(change: Change, redirect: str, current: Anchors) -> None:
    url, anchor = split_name(redirect)
    for version in change.versions:
        names = current.get(version, {}).get(url)
        if names is None or (anchor and anchor not in names):
            raise DropError(f"--redirect '{redirect}' is not published in version '{version}', "
                            f"where '{change.url}{'#' + change.anchor if change.anchor else ''}'"
                            " was; name a page#anchor that exists there")


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
        check_lock(project, lock, published(index, order), order, diagnostics,
                   page_sources(catalogue))
