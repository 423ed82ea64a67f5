"""Search in the site: the search box's assets, the "not in this version" page, and after
MkDocs built a version, its Pagefind index and the list of its pages.

Input: the catalogue, one version's view and the site settings (contribute), or the
version's built folder (finish_version); output: files in the version's docs tree, then
`pagefind/` and `assets/search/pages.js` in the built folder. Each built page is read once
(`read_page`), and what was read of it is kept in `build/cache/pages-read/<version>/` for
the next build, which reads again only the pages that changed; the index last made is kept
in `build/cache/pagefind/<version>/`, and taken again while the pages it reads stay the
same. Pagefind's excerpt function is replaced in its scripts by one that splits a page into
words once (assets/search/pagefind-excerpt.js), and the ready-made interfaces Pagefind
writes beside them, which no page loads, are left out (`as_served`). The search box itself
is in overrides/main.html; its script reads the lookup index the lookup feature writes.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ...catalogue.model import Catalogue
from ...core.cache import Slots, code_digest, digest, installed
from ...core.files import text_of
from ...core.project import Project
from ...site.feature import Contribution

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "search"
STATIC = ("search.js", "search.css")
MISSING_PAGE = "not-in-this-version.md"
PAGES_SCRIPT = "assets/search/pages.js"
# What Pagefind leaves out of the text it indexes, and how much more some parts count.
EXCLUDE = [".headerlink", ".kb-feedback", ".kb-applies", "script", "style", "noscript"]
WEIGHTS = {".admonition.failure": "4.0"}  # the message boxes: what readers paste
PAGEFIND_CONFIG: dict[str, Any] = {"exclude_selectors": EXCLUDE, "force_language": "en"}
# Pagefind's output is checked, and made again when incomplete (once seen on a busy machine:
# an empty pagefind-entry.json, left by a service stopped before its writes; see
# _empty_index, which no longer lets the service write).
ATTEMPTS = 3
KEPT_WHOLE = "kb-kept-whole"  # written last into an index kept between builds
# Pagefind's excerpt function as Pagefind 1.5 writes it into its scripts, and the one the
# build puts in its place (assets/search/pagefind-excerpt.js says why): a Pagefind that
# writes it otherwise keeps its own.
PAGEFIND_SCRIPTS = ("pagefind.js", "pagefind-worker.js")
PAGEFIND_EXCERPT = (
    'var build_excerpt=(content,start,length,locations,not_before,not_from)=>{'
    'let is_zws_delimited=content.includes("\\u200B");let fragment_words=[];'
    'if(is_zws_delimited){fragment_words=content.split("\\u200B");}'
    'else{fragment_words=content.split(/[\\r\\n\\s]+/g);}'
    'let endcap=not_from??fragment_words.length;let startcap=not_before??0;'
    'if(endcap-startcap<length){length=endcap-startcap;}'
    'if(start+length>endcap){start=endcap-length;}if(start<startcap){start=startcap;}'
    'const joiner=is_zws_delimited?"":" ";'
    'const plain_excerpt=fragment_words.slice(start,start+length).join(joiner).trim();'
    'for(let word of locations){if(fragment_words[word]?.startsWith(`<mark>`)){continue;}'
    'fragment_words[word]=`<mark>${fragment_words[word]}</mark>`;}'
    'const excerpt=fragment_words.slice(start,start+length).join(joiner).trim();'
    'return{excerpt,plain_excerpt};};')
EXCERPT_SCRIPT = ASSETS / "pagefind-excerpt.js"
# Pagefind's ready-made search interfaces and its highlighter, which Pagefind writes into
# every index: the site's search box uses Pagefind's API alone (pagefind.js, its worker and
# WebAssembly), so no page loads them, and they are left out (about 420 KB a version).
UNUSED = re.compile(r"pagefind-((component-|modular-)?ui\.(js|css)|highlight\.js)")


def indexer_stamp() -> bytes:
    """What the Pagefind index depends on besides the pages, so a change rebuilds it."""
    pagefind = installed("pagefind") or "missing"
    # "by": Pagefind's program reading the pages from a folder (its API, fed page by page,
    # numbers the pages in another order).
    return (json.dumps({"pagefind": pagefind, "config": PAGEFIND_CONFIG, "weights": WEIGHTS,
                        "by": "program"}, sort_keys=True) + "\n").encode("utf-8")


def missing_page() -> str:
    """Where switching to a version that lacks the page lands; kb.js fills in the list."""
    return """---
title: Not in this version
search:
  exclude: true
---

# Not in this version

<div class="kb-missing" id="kb-missing" markdown>

The page you were reading isn't part of the guide for this version.

<p class="kb-missing__status" id="kb-missing-status" role="status">Looking for the versions
that have it…</p>
<ul class="kb-missing__versions" id="kb-missing-versions"></ul>

[Go to the home page of this version](index.md) or search this version with the search box above.

</div>
"""


def contribute(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
               settings: dict[str, Any]) -> Contribution:
    """The search box's script and styles, and the "not in this version" page."""
    files = {f"assets/search/{name}": (ASSETS / name).read_bytes() for name in STATIC}
    files["assets/search/indexer.json"] = indexer_stamp()
    files[MISSING_PAGE] = missing_page().encode("utf-8")
    return Contribution(files=files)


def pages_script(catalogue: Catalogue, moniker: str, pages: dict[str, str]) -> str:
    """The version's pages as a script (pages of other versions load it with a tag)."""
    value = {"title": catalogue.products[moniker].title, "pages": pages,
             "versions": [[m.name, m.title] for m in catalogue.products.monikers]}
    data = json.dumps(value, separators=(",", ":"), sort_keys=True)
    key = json.dumps(moniker)
    return f"(window.KB_PAGES = window.KB_PAGES || {{}})[{key}] = {data};\n"


def read_page(html: str) -> tuple[str | None, str | None]:
    """What the build takes from a built page: its title (its first heading, in the part
    Pagefind reads if it has one, without the permalink; None without a heading), and the
    page as Pagefind should read it (None when it has no `data-pagefind-body`): the part it
    reads alone, in a page of its own (Pagefind reads nothing else of it, so its index is
    the same as from the whole page, for less work), message boxes weighted higher."""
    tree = LexborHTMLParser(html)
    body = tree.css_first("[data-pagefind-body]")
    indexed = None
    if body is not None:
        for selector, weight in WEIGHTS.items():
            for node in body.css(selector):
                node.attrs["data-pagefind-weight"] = weight
        root = tree.css_first("html")
        lang = (root.attributes.get("lang") if root is not None else None) or "en"
        title = tree.css_first("head title")
        indexed = (f'<!DOCTYPE html>\n<html lang="{escape(lang, quote=True)}"><head>'
                   f'<meta charset="utf-8">{title.html if title is not None else ""}</head>'
                   f"<body>{body.html}</body></html>\n")
    heading = (body.css_first("h1") if body is not None else None) or tree.css_first("h1")
    if heading is None:
        return None, indexed
    for link in heading.css(".headerlink"):
        link.decompose()
    return heading.text().strip(), indexed


def _read(built: Path, cache: Path | None) -> tuple[dict[str, str], dict[str, str]]:
    """(the version's pages: their directory URLs, relative to the version -> their titles;
    and for each page Pagefind reads, its path in the version -> the page as `read_page`
    gives it). Each page is read once per build: with `cache` (a folder kept
    between builds for this version alone), a page whose text did not change since is taken
    as it was read then, and pages no longer built are dropped from it."""
    titles: dict[str, str] = {}
    indexed: dict[str, str] = {}
    slots = Slots(cache) if cache is not None else None
    stamp = indexer_stamp()
    names: list[str] = []
    for path in sorted(built.rglob("*.html")):
        rel = path.relative_to(built).as_posix()
        if rel.startswith(("assets/", "pagefind/")):
            continue
        # Known by its text as read_text gives it, which without a carriage return is its
        # bytes: a page taken as it was read before is not decoded.
        data = path.read_bytes()
        if slots is None:
            title, text = read_page(text_of(data))
        else:
            html = text_of(data) if b"\r" in data else None
            key = digest(code_digest(), stamp, data if html is None else html)
            kept = slots.get(rel, key)
            if isinstance(kept, tuple) and len(kept) == 2:
                title, text = kept
            else:
                title, text = read_page(text_of(data) if html is None else html)
                slots.put(rel, key, (title, text))
            names.append(rel)
        if (rel == "index.html" or rel.endswith("/index.html")) and title is not None:
            titles[rel.removesuffix("index.html")] = title
        if text is not None and not path.is_symlink():
            indexed[rel] = text
    if slots is not None:
        slots.keep_only(names)
    return titles, indexed


def _index(built: Path, pages_read: dict[str, str] | None = None,
           kept: Path | None = None) -> None:
    """Pagefind's index of the version's pages, as `read_page` gives them (`pages_read`,
    or read here), made by one run of Pagefind's own program over a folder of them.
    (Pagefind's Python API takes a tenth of a second per page, whatever its size: it reads
    the program's answers once per 0.1 s.) `kept`: a folder kept between builds for this
    version alone, holding the index last made, under a digest of what made it (the
    pages read, the program and the settings): a build that changes none of them (an edit
    of the troubleshooter's questions or of samples) takes the index from there."""
    from pagefind.service import get_executable

    program = get_executable()
    if program is None:
        raise RuntimeError("Pagefind's program is not installed: run ./dev setup")
    if pages_read is None:
        pages_read = _read(built, None)[1]
    # Named from the root: Pagefind's program runs in a folder of its own.
    output = built.absolute() / "pagefind"
    # The program refuses a folder without pages; the API writes an empty index.
    if not pages_read:
        _empty_index(built)
        return
    key = digest(code_digest(), indexer_stamp(), str(program),
                 *(f"{rel}\0{text}" for rel, text in sorted(pages_read.items())))
    if kept is not None and _copied(kept / key, output):
        return
    with tempfile.TemporaryDirectory(prefix="kb-pagefind-") as scratch:
        root = Path(scratch)
        pages = root / "site"
        for rel, text in pages_read.items():
            copy = pages / rel
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text, encoding="utf-8")
        # Pagefind reads its settings from pagefind.json in the folder it runs in.
        settings = {**PAGEFIND_CONFIG, "site": str(pages), "output_path": str(output)}
        (root / "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")

        def run_program() -> None:
            run = subprocess.run([str(program), "--silent"], cwd=root, capture_output=True,
                                 text=True, timeout=1800, env={**os.environ, "NO_COLOR": "1"})
            if run.returncode != 0:
                raise RuntimeError(f"Pagefind failed on {built.name}: "
                                   f"{(run.stderr or run.stdout).strip()[-2000:]}")

        _checked(output, run_program, built.name)
    if kept is not None:
        _keep(output, kept, key)


def _copied(index: Path, output: Path) -> bool:
    """Whether the index kept in `index` (whole: marked so) was copied to `output`, all of
    it: the files copied are those the kept index still has after the copy (another build
    may replace it meanwhile; `_keep` renames an index away before removing it)."""
    if not (index / KEPT_WHOLE).is_file():
        return False
    shutil.rmtree(output, ignore_errors=True)
    try:
        shutil.copytree(index, output, ignore=shutil.ignore_patterns(KEPT_WHOLE))
        return (index / KEPT_WHOLE).is_file() and _files(output) == _files(index) - {KEPT_WHOLE}
    except OSError:
        return False


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _keep(output: Path, kept: Path, key: str) -> None:
    """A copy of the index in `output` as the one `kept` holds, under `key`: copied under a
    name of its own, marked whole, then renamed into place; what `kept` held before is
    renamed away first, then removed (never removed where a copy may be reading it).
    Keeping is a help, not a step of the build: when it fails (another build keeping its
    index there at the same moment, a full disk), nothing is kept and the build goes on."""
    own = f"{os.getpid()}-{threading.get_ident()}"
    partial = kept / f".{key}.{own}.tmp"
    try:
        kept.mkdir(parents=True, exist_ok=True)
        shutil.copytree(output, partial)
        (partial / KEPT_WHOLE).write_bytes(b"")
        for old in kept.iterdir():
            if old == partial:
                continue
            gone = kept / f".{old.name}.{own}.gone"
            try:
                old.rename(gone)
            except OSError:
                continue
            shutil.rmtree(gone, ignore_errors=True)
        partial.rename(kept / key)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)


def _checked(output: Path, make: Callable[[], None], name: str) -> None:
    """`make` the index in `output` (cleared first) until `incomplete` finds nothing wrong
    with it, at most ATTEMPTS times; else fail, naming the files."""
    broken: list[str] = []
    for _attempt in range(ATTEMPTS):
        shutil.rmtree(output, ignore_errors=True)
        make()
        broken = incomplete(output)
        if not broken:
            as_served(output)
            return
    raise RuntimeError(f"Pagefind left an incomplete index of {name} "
                       f"{ATTEMPTS} times: {', '.join(broken[:5])}")


def as_served(output: Path) -> None:
    """The Pagefind index in `output` as the site serves it: our excerpt function in its
    scripts, and without the interfaces no page loads (UNUSED)."""
    faster_excerpts(output)
    for path in output.iterdir():
        if UNUSED.fullmatch(path.name):
            path.unlink()


@functools.cache
def excerpt_function() -> str:
    """Our excerpt function as it goes into Pagefind's scripts (EXCERPT_SCRIPT without the
    comments that head it)."""
    ours = EXCERPT_SCRIPT.read_text(encoding="utf-8")
    return ours[ours.index("var build_excerpt"):].strip()


def faster_excerpts(output: Path) -> None:
    """Pagefind's scripts in `output` with its excerpt function replaced by ours (the same
    results, without reading the page's words again for each of its sections)."""
    ours = excerpt_function()
    for name in PAGEFIND_SCRIPTS:
        path = output / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if text.count(PAGEFIND_EXCERPT) == 1:
            path.write_text(text.replace(PAGEFIND_EXCERPT, ours), encoding="utf-8")


def incomplete(output: Path) -> list[str]:
    """The files of the Pagefind index in `output` that are missing, empty or cut short:
    the entry file must be JSON naming the version, and each compressed file (index
    chunks, fragments, filters, meta, WebAssembly) must decompress to its end."""
    broken: list[str] = []
    entry = output / "pagefind-entry.json"
    try:
        if "version" not in json.loads(entry.read_bytes()):
            broken.append(entry.name)
    except (OSError, ValueError):
        broken.append(entry.name)
    for path in sorted(output.rglob("*")):
        if not path.is_file() or path == entry:
            continue
        name = path.relative_to(output).as_posix()
        if path.stat().st_size == 0:
            broken.append(name)
        elif path.name.endswith(("pf_meta", "pf_fragment", "pf_index", "pf_filter",
                                  ".pagefind")):
            try:
                gzip.decompress(path.read_bytes())
            except (OSError, EOFError, gzip.BadGzipFile):
                broken.append(name)
    return broken


# The files of an empty index, by what they depend on (indexer_stamp, and the program that
# makes them): the same for every version without a page to index, made once per process
# (the API takes a fifth of a second, mostly waiting for its service).
_EMPTY: dict[tuple[bytes, str], list[tuple[str, bytes]]] = {}
_EMPTY_LOCK = threading.Lock()


def _empty_index(built: Path) -> None:
    """The index of a version without a page to index, from Pagefind's Python API (which is
    asynchronous: its own thread and event loop keep it apart from any loop the caller runs,
    a browser driver's in tests). The API's own writing answers before its service has
    written the files, then stops the service (on a busy machine pagefind-entry.json is
    left empty): the files are asked for instead, and written here."""
    from pagefind.service import PagefindService, get_executable

    output = built / "pagefind"

    async def files() -> list[tuple[str, bytes]]:
        async with PagefindService() as service:
            index = await service.create_index(dict(PAGEFIND_CONFIG))  # type: ignore[arg-type]
            return [(str(f["path"]), bytes(f["content"])) for f in await index.get_files()]

    stamp = (indexer_stamp(), str(get_executable()))
    attempts: list[int] = []

    def made() -> list[tuple[str, bytes]]:
        with _EMPTY_LOCK:
            if attempts:  # what was kept made an incomplete index: asked for again
                _EMPTY.pop(stamp, None)
            attempts.append(1)
            if stamp not in _EMPTY:
                with ThreadPoolExecutor(max_workers=1) as pool:
                    _EMPTY[stamp] = pool.submit(asyncio.run, files()).result()
            return _EMPTY[stamp]

    def write() -> None:
        for rel, content in made():
            target = (output / rel).resolve()
            if not target.is_relative_to(output.resolve()):
                raise RuntimeError(f"Pagefind named a file outside its index: {rel}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    _checked(output, write, built.name)


def finish_version(project: Project, catalogue: Catalogue, moniker: str, built: Path) -> None:
    """Index the built version with Pagefind and list its pages (each page read once, and
    pages unchanged since the last build of the version taken as they were read then; the
    index taken from the last build of the version when no page it reads changed)."""
    cache = project.build_dir / "cache"
    titles, pages_read = _read(built, cache / "pages-read" / moniker)
    _index(built, pages_read, cache / "pagefind" / moniker)
    (built / PAGES_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
    (built / PAGES_SCRIPT).write_text(pages_script(catalogue, moniker, titles),
                                      encoding="utf-8")
