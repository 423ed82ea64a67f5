"""Validate: raw sources to the frozen model, collecting every problem on the way.

Input: what `load` read; output: a Catalogue (or None) and Diagnostics. Stages:
parse (in load) -> per-file schema -> cross-file (ids, anchors, references, ranges)
-> per-version (references and Markdown zones in each version). Later stages run
only on what earlier stages accepted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.cache import Slots, code_digest, digest, file_digest, files_digest, gc_paused
from ..core.diagnostics import Diagnostic, Diagnostics, Loc, did_you_mean
from ..core.parallel import fork_map
from ..core.project import Project
from ..core.versions import Moniker, Product, Products, Range, RangeError, parse_range
from ..markdown import docfx
from .fields import ENTRY, INVALID, PRODUCTS, TOPIC, Ctx, item_loc, node_loc, value_loc
from .load import (
    LocList,
    MarkdownFile,
    TopicSources,
    YamlDoc,
    load_pages,
    load_products,
    load_topic,
    read_yaml,
    stray_entries,
    topic_folders,
)
from .model import (
    Catalogue,
    ContentPage,
    Entry,
    Link,
    Markdown,
    Topic,
    anchor_of,
    children,
    iter_markdown,
)
from .resolve import resolve_topic
from .toc import load_toc

# Checks that other layers hand in (the features' checks): one topic, the whole catalogue.
TopicCheck = Callable[[Topic, Products, Diagnostics], None]
CatalogueCheck = Callable[[Catalogue, Diagnostics], None]


def build_products(doc: YamlDoc, diagnostics: Diagnostics) -> Products | None:
    """products.yml to the Products model, with located errors for bad references."""
    ctx = Ctx(diagnostics, None, "products")
    raw = PRODUCTS.check(doc.node, node_loc(doc.path, doc.node), ctx)
    if raw is INVALID:
        return None
    seen: dict[str, Loc] = {}
    products = []
    ok = True
    for product in raw["products"]:
        monikers = []
        for index, moniker in enumerate(product["monikers"]):
            name = moniker["id"]
            if name.lower() in seen:
                diagnostics.error(
                    moniker["loc"], f"moniker '{name}'",
                    f"moniker defined twice (first at {seen[name.lower()]})",
                    "give every version its own moniker",
                )
                ok = False
            seen[name.lower()] = moniker["loc"]
            monikers.append(Moniker(name, moniker["title"], product["id"], index))
        products.append(Product(product["id"], product["title"], tuple(monikers)))
    names = [name for product in products for name in (m.name for m in product.monikers)]
    default = raw["default"]
    if default.lower() not in seen:
        diagnostics.error(
            value_loc(doc.path, doc.node, "default"), "products",
            f"default moniker '{default}' is not defined",
            did_you_mean(default, names) or "use one of: " + ", ".join(names),
        )
        ok = False
    aliases = []
    for alias in raw.get("aliases", ()):
        if alias["moniker"].lower() not in seen:
            diagnostics.error(
                alias["loc"], f"alias '{alias['name']}'",
                f"unknown moniker '{alias['moniker']}'",
                did_you_mean(alias["moniker"], names),
            )
            ok = False
        elif alias["name"].lower() in seen:
            diagnostics.error(
                alias["loc"], f"alias '{alias['name']}'",
                "an alias cannot have the name of a moniker", "choose another alias name",
            )
            ok = False
        aliases.append((alias["name"], alias["moniker"]))
    if not ok:
        return None
    canonical = {n.lower(): n for n in names}
    return Products(
        tuple(products),
        canonical[default.lower()],
        tuple((a, canonical[m.lower()]) for a, m in aliases),
    )


def project_products(project: Project) -> Products | None:
    """The products of products.yml, or None when it is missing or invalid."""
    diagnostics = Diagnostics()
    doc = read_yaml(project.products_yml, project.rel(project.products_yml), diagnostics)
    return build_products(doc, diagnostics) if doc is not None else None


def _check_id_matches(doc: YamlDoc, ident: str, expected: str, what: str,
                      diagnostics: Diagnostics) -> None:
    if ident != expected:
        diagnostics.error(
            value_loc(doc.path, doc.node, "id"), f"{what} '{ident}'",
            f"id '{ident}' does not match the {'folder' if what == 'topic' else 'file'} "
            f"name '{expected}'",
            f"rename the {'folder' if what == 'topic' else 'file'} or set 'id: {expected}'",
        )


def _build_topic(sources: TopicSources, products: Products,
                 diagnostics: Diagnostics) -> Topic | None:
    folder_name = Path(sources.folder).name
    entries: list[Entry] = []
    for doc in sources.entries:
        ctx = Ctx(diagnostics, products, f"entry '{Path(doc.path).stem}'", lines=doc.lines)
        entry = ENTRY.check(doc.node, node_loc(doc.path, doc.node), ctx)
        if entry is INVALID:
            continue
        _check_id_matches(doc, entry.id, Path(doc.path).stem, "entry", diagnostics)
        entries.append(entry)
    if sources.topic is None:
        return None
    doc = sources.topic
    ctx = Ctx(diagnostics, products, f"topic '{folder_name}'", lines=doc.lines)
    raw = TOPIC.check(doc.node, node_loc(doc.path, doc.node), ctx)
    if raw is INVALID:
        return None
    _check_id_matches(doc, raw["id"], folder_name, "topic", diagnostics)
    order = doc.node.get("order") if isinstance(doc.node, dict) else None
    locs = tuple(item_loc(doc.path, order, i) for i in range(len(order))) \
        if isinstance(order, LocList) else ()
    return Topic(entries=tuple(entries), order_locs=locs, **raw)


def _check_topic(topic: Topic, products: Products, diagnostics: Diagnostics,
                 invalid: frozenset[str] = frozenset()) -> None:
    """Anchors unique on the page, `order` names real entries, ranges nest.

    `invalid`: ids of the topic's entry files that did not validate (reported already).
    """
    seen: dict[str, Loc] = {}
    for anchor, loc in topic.anchors():
        if anchor in seen:
            diagnostics.error(
                loc, f"anchor '{anchor}'",
                f"anchor '{anchor}' is used twice on page '{topic.id}' "
                f"(first at {seen[anchor]})",
                "ids and aliases must be unique on a page; rename one or drop the alias",
                related=(seen[anchor],),
            )
        else:
            seen[anchor] = loc
    _check_fix_anchors(topic, products, diagnostics)
    ids = [e.id for e in topic.entries]
    folder = topic.loc.path.rpartition("/")[0]
    for index, entry_id in enumerate(topic.order):
        if entry_id in ids:
            continue
        file = f"{folder}/{entry_id}.yml"
        if entry_id in invalid:
            continue  # its file has errors of its own, reported there
        diagnostics.error(
            topic.order_locs[index] if index < len(topic.order_locs) else topic.loc,
            f"topic '{topic.id}'",
            f"'order' item {index + 1} names unknown entry '{entry_id}': there is no {file}",
            did_you_mean(entry_id, ids) or f"create {file} (kb new {topic.id}/{entry_id}), "
            "or remove the item from 'order'",
            related=(Loc(file),),
        )
    for child, parent in _nested(topic, topic.applies_to):
        if child.applies_to.text and child.applies_to.monikers and not (
            child.applies_to.monikers & parent.monikers
        ):
            diagnostics.warning(
                child.applies_to.loc or child.loc, _describe(child),
                f"applies_to '{child.applies_to.text}' never shows: the enclosing range "
                f"'{parent.text or 'all versions'}' selects none of its versions",
                "widen the enclosing range or fix this one",
            )


def range_for(monikers: frozenset[str], products: Products) -> str:
    """A short range that selects exactly `monikers`, for suggestions ('' for none)."""
    parts = []
    for product in products.products:
        names = [m.name for m in product.monikers]
        run: list[int] = []
        for index, name in enumerate([*names, ""]):
            if name in monikers:
                run.append(index)
                continue
            if not run:
                continue
            first, last = names[run[0]], names[run[-1]]
            if len(run) == 1:
                parts.append(first)
            elif run[-1] == len(names) - 1:
                parts.append(f">= {first}")
            elif run[0] == 0:
                parts.append(f"<= {last}")
            else:
                parts.append(f">= {first} <= {last}")
            run = []
    return " || ".join(parts)


def _check_complete(topic: Topic, products: Products, diagnostics: Diagnostics,
                    broken_entries: bool = False) -> None:
    """What strict checking asks of a topic: no version where its page would list no error, a
    `check` question for each cause that shares a version with another cause of its entry
    (the decision tree asks it), and a `check` or `description` on every cause."""
    versions = topic.applies_to.monikers
    covered: set[str] = set()
    for entry in topic.entries:
        covered |= entry.applies_to.monikers & versions
    empty = [m for m in topic.applies_to.sorted(products) if m not in covered]
    # A topic of sections only (a page of prose, as an import can make) lists no errors
    # anywhere by design; an entry with errors of its own may be what covers a version.
    if empty and topic.entries and not broken_entries:
        where = _versions_text(empty)
        fix = range_for(frozenset(covered), products)
        diagnostics.warning(
            topic.loc, f"topic '{topic.id}'",
            f"no entry applies in {where}, so its page there would list no error",
            f"narrow the topic's applies_to to '{fix}', or add entries for {where}"
            if fix else "add an entry (kb new TOPIC/ID)",
        )
    authored = {node.id for node in topic.tree.nodes} if topic.tree else set()
    for entry in topic.entries:
        here = entry.applies_to.monikers & versions
        for cause in entry.causes:
            mine = cause.applies_to.monikers & here
            shared = [m for m in topic.applies_to.sorted(products) if m in mine and any(
                m in other.applies_to.monikers for other in entry.causes if other is not cause)]
            if not cause.check and shared and not entry.retired and entry.id not in authored:
                diagnostics.warning(
                    cause.loc, f"cause '{cause.id}'",
                    f"expected a 'check' question, found none, and entry '{entry.id}' has "
                    f"other causes in {_versions_text(shared)}: the decision tree cannot "
                    "tell them apart",
                    "add 'check:' with a yes/no question only this cause answers 'yes', e.g. "
                    "'Is the account a guest user in the directory?'",
                )
            elif not cause.check and cause.description is None:
                diagnostics.warning(
                    cause.loc, f"cause '{cause.id}'",
                    "expected a 'check' question or a 'description', found neither: readers "
                    "get no way to tell whether this cause is theirs",
                    "add 'check:' (a yes/no question) or 'description:' (how to recognise it)",
                )


def _check_fix_anchors(topic: Topic, products: Products, diagnostics: Diagnostics) -> None:
    """A fix without an id takes its heading's anchor from its cause's id and its title:
    two fixes titled alike in one cause (or such an anchor and any other of the page) would
    give the page one id twice in a version that shows both."""
    # anchor -> where, in which versions, and the fix that made it (None: written)
    placed: dict[str, list[tuple[Loc, frozenset[str], str | None]]] = {}

    def place(anchors: Iterable[str], loc: Loc, shown: frozenset[str],
              derived: str | None = None) -> None:
        for anchor in anchors:
            placed.setdefault(anchor, []).append((loc, shown, derived))

    page = topic.applies_to.monikers
    for section in (*topic.sections, *topic.closing_sections):
        place((section.id, *section.aliases), section.loc, page & section.applies_to.monikers)
    for entry in topic.entries:
        here = page & entry.applies_to.monikers
        place((entry.id, *entry.aliases), entry.loc, here)
        for cause in entry.causes:
            there = here & cause.applies_to.monikers
            place((cause.id, *cause.aliases), cause.loc, there)
            for fix in cause.fixes:
                place((anchor_of(cause, fix),), fix.loc, there & fix.applies_to.monikers,
                      None if fix.id else fix.title)
                place(fix.aliases, fix.loc, there & fix.applies_to.monikers)
    for anchor, places in placed.items():
        for index, (loc, shown, derived) in enumerate(places):
            if derived is None:
                continue  # two ids or aliases alike are reported whatever their versions
            for other, other_shown, _ in places[:index]:
                both = [m for m in products.names if m in shown & other_shown]
                if both:
                    diagnostics.error(
                        loc, f"fix '{derived}'",
                        f"its heading's anchor '{anchor}' (its cause's id and its title) is "
                        f"already used on page '{topic.id}' (at {other}) in "
                        f"{_versions_text(both)}",
                        "retitle one of the two, or give this fix an 'id:'",
                        related=(other,))
                    break


def _versions_text(monikers: list[str]) -> str:
    return ("version " if len(monikers) == 1 else "versions ") + ", ".join(
        f"'{m}'" for m in monikers)


def _describe(obj: Any) -> str:
    kind = type(obj).__name__.lower()
    ident = getattr(obj, "id", "") or getattr(obj, "title", "")
    return f"{kind} '{ident}'" if ident else kind


def _nested(obj: Any, parent: Range) -> Iterator[tuple[Any, Range]]:
    """(object, effective range of its parent) for every ranged object under `obj`."""
    mine = obj.applies_to & parent if hasattr(obj, "applies_to") else parent
    for child in children(obj):
        if hasattr(child, "applies_to"):
            yield child, mine
            yield from _nested(child, mine)


def iter_links(obj: Any, parent: Range) -> Iterator[tuple[Link, Range]]:
    """Every related link with its effective range."""
    for child, outer in _nested(obj, parent):
        if isinstance(child, Link):
            yield child, child.applies_to & outer


def _page_title(body: str, fallback: str) -> str:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip().rstrip("#").strip()
    return fallback


# Front matter keys of content pages that Material for MkDocs understands.
PAGE_META = ("description", "hide", "icon", "search", "status", "subtitle", "tags")


def build_pages(project: Project, files: list[MarkdownFile], products: Products,
                diagnostics: Diagnostics) -> list[ContentPage]:
    pages = []
    for page in files:
        try:
            found = docfx.read_front_matter(page.text)
        except docfx.FrontMatterError as err:
            diagnostics.error(Loc(page.path, err.line, 1), "front matter", err.message,
                              "fix the YAML between the '---' lines")
            continue
        meta, body, skipped = found.data, found.body, found.removed
        for line, col, key in found.repeated:  # DocFX keeps the last value and warns
            diagnostics.warning(Loc(page.path, line, col), "front matter",
                                f"key '{key}' is already defined; its last value is used",
                                "remove the duplicate key")
        applies = products.everything()
        range_text = meta.get("monikerRange") or meta.get("moniker_range")
        if range_text is not None:
            try:
                applies = parse_range(str(range_text), products)
            except RangeError as err:
                line = next((i + 1 for i, text in enumerate(page.text.splitlines())
                             if text.startswith(("monikerRange", "moniker_range"))), 1)
                diagnostics.error(Loc(page.path, line, 1), "front matter",
                                  f"{err.message} in monikerRange", err.suggestion)
                continue
        rel = page.path.removeprefix("content/")
        passed_on = tuple((key, json.dumps(meta[key], sort_keys=True, default=str))
                          for key in PAGE_META if key in meta)
        title = str(meta.get("title") or _page_title(body, Path(rel).stem.replace("-", " ")))
        order = meta.get("order", 0)
        pages.append(ContentPage(
            path=rel, title=title, body=Markdown(body, Loc(page.path, skipped + 1, 1)),
            applies_to=applies, order=order if isinstance(order, int) else 0,
            meta=passed_on,
        ))
    return pages


def _left_out(project: Project, topics: Sequence[Topic]) -> tuple[set[str],
                                                                   dict[str, list[str]]]:
    """What is left out of the catalogue for errors of its own (reported already): topic
    folders whose _topic.yml did not validate, and per topic the entry files that did not
    (`Topic.left_out`)."""
    built = {t.id for t in topics}
    broken_topics = {folder.name for folder in topic_folders(project)
                     if folder.name not in built}
    broken_entries = {t.id: [f"{t.loc.path.rpartition('/')[0]}/{name}" for name in t.left_out]
                      for t in topics if t.left_out}
    return broken_topics, broken_entries


def _check_links(catalogue: Catalogue, diagnostics: Diagnostics,
                 broken_topics: Collection[str] = (),
                 broken_entries: dict[str, list[str]] | None = None) -> None:
    """Internal `ref` links name a page and anchor that exist in every version they show in.

    A link into a topic or an entry left out for errors of its own is not reported (it may
    be right; those errors are): `broken_topics` and `broken_entries` (see `_left_out`)."""
    broken_entries = broken_entries or {}
    page_paths = {p.path for p in catalogue.pages}
    topics = {t.id: t for t in catalogue.topics}
    for topic in catalogue.topics:
        for link, effective in iter_links(topic, topic.applies_to):
            page, _, anchor = link.ref.partition("#")
            if not link.ref:
                continue
            if page.removesuffix(".md") in broken_topics:
                continue
            if page.endswith(".md") and page not in topics:
                if page.removesuffix(".md") in topics:
                    target: Topic | None = topics[page.removesuffix(".md")]
                elif page in page_paths:
                    continue  # anchors in hand-written pages are checked on the built HTML
                else:
                    diagnostics.error(
                        link.loc, f"link '{link.title}'", f"unknown page '{page}' in ref",
                        did_you_mean(page, sorted(page_paths | {f"{t}.md" for t in topics})),
                    )
                    continue
            elif not page:
                target = topic
            else:
                target = topics.get(page)
                if target is None:
                    diagnostics.error(
                        link.loc, f"link '{link.title}'", f"unknown topic '{page}' in ref",
                        did_you_mean(page, list(topics)) or "write 'topic#anchor'",
                    )
                    continue
            assert target is not None
            if not anchor:
                continue
            all_anchors = [a for a, _ in target.anchors()]
            if anchor not in all_anchors:
                left = broken_entries.get(target.id, [])
                if any(Path(rel).stem == anchor for rel in left):
                    continue  # the entry it names has errors of its own
                diagnostics.error(
                    link.loc, f"link '{link.title}'",
                    f"unknown anchor '#{anchor}' on page '{target.id}'",
                    f"it may be in {', '.join(left)}, left out until its errors are fixed"
                    if left else did_you_mean(anchor, all_anchors),
                )
                continue
            for moniker in effective.sorted(catalogue.products):
                if moniker not in target.applies_to:
                    diagnostics.error(
                        link.loc, f"link '{link.title}'",
                        f"page '{target.id}' does not exist in version '{moniker}'",
                        "limit the link's applies_to to the versions of its target",
                    )
                    break
                here = [a for a, _ in resolve_topic(target, moniker).anchors()]
                if anchor not in here:
                    diagnostics.error(
                        link.loc, f"link '{link.title}'",
                        f"anchor '#{anchor}' on page '{target.id}' does not exist in "
                        f"version '{moniker}'",
                        "limit the link's applies_to to the versions of its target",
                    )
                    break


def validate_topic(project: Project, sources: TopicSources, products: Products,
                   diagnostics: Diagnostics, markdown: bool = True,
                   checks: Sequence[TopicCheck] = ()) -> Topic | None:
    """One topic folder: its files' fields, ids, anchors, ranges and Markdown."""
    topic = _build_topic(sources, products, diagnostics)
    if topic is None:
        return None
    folder = project.root / sources.folder
    files = {p.name for p in folder.iterdir() if p.suffix in (".yml", ".yaml")} \
        if folder.is_dir() else set()
    ids = {e.id for e in topic.entries}
    left_out = sorted(name for name in files
                      if name != "_topic.yml" and Path(name).stem not in ids)
    topic = replace(topic, left_out=tuple(left_out))
    invalid = frozenset(Path(name).stem for name in left_out)
    _check_topic(topic, products, diagnostics, invalid)
    _check_complete(topic, products, diagnostics, bool(invalid))
    for check in checks:
        check(topic, products, diagnostics)
    if markdown:
        context = docfx.Context.for_project(project, products)
        for text in iter_markdown(topic):
            docfx.check(text.text, text.loc, context, diagnostics)
    return topic


def validate_catalogue(project: Project, products: Products, topics: list[Topic],
                       pages: list[MarkdownFile], diagnostics: Diagnostics,
                       markdown: bool = True,
                       checks: Sequence[CatalogueCheck] = (),
                       partial: bool = False) -> Catalogue | None:
    """Checks across topics: unique entry ids, pages, links; None when an error was found.

    `partial`: return what validated even when there were errors (an entry whose id is
    taken already is left out), for tools that help while the catalogue is being fixed.
    """
    first_entry: dict[str, Loc] = {}
    duplicates: set[Loc] = set()
    for topic in topics:
        for entry in topic.entries:
            if entry.id in first_entry:
                duplicates.add(entry.loc)
                diagnostics.error(
                    entry.loc, f"entry '{entry.id}'",
                    f"entry id '{entry.id}' is already used at {first_entry[entry.id]}",
                    "entry ids are unique across the catalogue; choose another id",
                    related=(first_entry[entry.id],),
                )
            else:
                first_entry[entry.id] = entry.loc
    content = build_pages(project, pages, products, diagnostics)
    if not any(p.path == "index.md" for p in content):
        diagnostics.error(Loc("content/index.md"), "", "missing home page",
                          "create content/index.md telling readers how to use the site")
    broken_topics, broken_entries = _left_out(project, topics)
    toc = load_toc(project, [p.path for p in content],
                   [t.id for t in topics] + sorted(broken_topics), diagnostics)
    catalogue = Catalogue(products, tuple(topics), tuple(content), toc)
    if markdown:
        context = docfx.Context.for_project(project, products)
        for page in content:
            docfx.check(page.body.text, page.body.loc, context, diagnostics)
    _check_links(catalogue, diagnostics, broken_topics, broken_entries)
    for check in checks:
        check(catalogue, diagnostics)
    if partial and duplicates:
        catalogue = Catalogue(products, tuple(
            replace(topic, entries=tuple(e for e in topic.entries if e.loc not in duplicates))
            for topic in topics), tuple(content))
    return catalogue if partial or not diagnostics.has_errors() else None


def _topic_job(context: tuple[Project, Products, bool, Sequence[TopicCheck], Path | None],
               item: tuple[Path, str]) -> tuple[Topic | None, list[Diagnostic]]:
    project, products, markdown, checks, cache = context
    folder, key = item
    diagnostics = Diagnostics()
    sources = load_topic(project, folder, diagnostics)
    topic = validate_topic(project, sources, products, diagnostics, markdown, checks)
    if cache is not None and key:
        Slots(cache).put(project.rel(folder), key, (topic, diagnostics.items))
    return topic, diagnostics.items


def topic_key(project: Project, folder: Path, products: Products,
              checks: Sequence[TopicCheck]) -> str:
    """What validating a topic folder (DocFX Markdown aside) depends on: its files, the
    products, the checks and the generator's code."""
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return digest(code_digest(), repr(products), project.rel(folder), file_digest(folder),
                  *(f"{check.__module__}.{check.__qualname__}" for check in checks),
                  files_digest(files, folder))


def _load_topics(project: Project, products: Products, markdown: bool,
                 checks: Sequence[TopicCheck], jobs: int | None,
                 cache: Path | None) -> list[tuple[Topic | None, list[Diagnostic]]]:
    """Every topic folder loaded and validated, in parallel; with `cache` (a folder under
    build/), a folder whose files, products, checks and generator are those of the last
    run is taken from there (not when checking DocFX Markdown: includes may change)."""
    folders = topic_folders(project)
    if cache is None or markdown:
        return fork_map(_topic_job, [(f, "") for f in folders],
                        (project, products, markdown, checks, None), jobs)
    slots = Slots(cache)
    keys = [topic_key(project, folder, products, checks) for folder in folders]
    results: list[tuple[Topic | None, list[Diagnostic]] | None] = [
        slots.get(project.rel(folder), key) for folder, key in zip(folders, keys, strict=True)]
    todo = [i for i, found in enumerate(results) if found is None]
    made = fork_map(_topic_job, [(folders[i], keys[i]) for i in todo],
                    (project, products, markdown, checks, cache), jobs)
    for i, result in zip(todo, made, strict=True):
        results[i] = result
    slots.keep_only(project.rel(folder) for folder in folders)
    return [r for r in results if r is not None]


def load_catalogue(project: Project, diagnostics: Diagnostics, markdown: bool = True,
                   jobs: int | None = None, topic_checks: Sequence[TopicCheck] = (),
                   catalogue_checks: Sequence[CatalogueCheck] = (),
                   partial: bool = False, cache: Path | None = None) -> Catalogue | None:
    """load + validate, topic folders in parallel: the catalogue, or None on errors.

    `markdown=False` skips checking DocFX Markdown for every moniker (a build renders
    each version and reports the same problems). `topic_checks` run on each topic that
    validated, `catalogue_checks` on the whole catalogue: the features' checks, handed in
    by the layers above (see `site.checks`). With `cache`, unchanged topic folders are
    taken from the last run's results kept there (see `_load_topics`).

    The garbage collector waits until the catalogue is made: what is made here lives on,
    and collecting while it grows would walk it again and again (a sixth of the time of
    loading 5,000 entries from the cache).
    """
    with gc_paused():
        products_doc = load_products(project, diagnostics)
        products = build_products(products_doc, diagnostics) if products_doc else None
        pages = load_pages(project, diagnostics)
        stray_entries(project, diagnostics)
        if products is None:
            return None
        topics = []
        for topic, found in _load_topics(project, products, markdown, topic_checks, jobs,
                                         cache):
            diagnostics.extend(found)
            if topic is not None:
                topics.append(topic)
        return validate_catalogue(project, products, topics, pages, diagnostics, markdown,
                                  catalogue_checks, partial)
