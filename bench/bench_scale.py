"""Scale: a knowledge base of 5,000 errors, all figures in one run (`./dev bench scale`).

The synthetic catalogue of bench_build (50 errors a topic, ranges across the eight
versions, version-specific steps and zones), built twice over: with no MkDocs plugin
(the project's own search box replaces Material's search plugin) and with Material's
search plugin, whose index building is quadratic in a page's headings. For each, reported
in seconds (wall and CPU) and as ratios:

- the full `kb build` (nothing in build/), a rebuild with nothing changed, a rebuild after
  a one-entry edit, and the same Markdown trees built by plain MkDocs, one version after
  another (the baseline); the generator's share (everything before MkDocs starts: load,
  validate, render) of the full build; each build's stages;
- the peak memory of the whole process tree of each build (the sum over the build and its
  workers of their proportional set sizes, and of their resident sizes), sampled;
- per version, the bytes of every artefact readers may download;
- in Chromium, a query in words to its results in the search box (full-text results
  included) on a topic page, as built and with Pagefind's own excerpt function, side by
  side (bench_search);
- in Chromium (Debian's, through Playwright), over a local server: time to the first search
  result (an error code typed into the site's search box; a message pasted into it, also
  over an emulated link 150 ms away), the first lookup result and the troubleshooter's
  first question (its one file and its page, and both again over an emulated 4 Mbit/s
  link), with the bytes downloaded for each, each answer also by the page's own clock,
  and an empty page's load for comparison;
- one topic page of 1,000 / 2,000 / 10,000 errors built by the engine, with and without the
  search plugin: seconds per thousand errors should stay flat (no quadratic step).

`KB_BENCH_ENTRIES` and `KB_BENCH_ONE_PAGE` (comma-separated) change the sizes,
`KB_BENCH_PLUGINS` (`off`, `search` or `both`, the default) the variants. Goals (2 cores):
full build <= 0.4x the baseline and < 90 s; one-entry edit < 5 s; nothing changed < 2 s;
generator overhead < 10%; peak memory < 2 GB; each first result < 300 ms with < 1 MB
downloaded; whole-version single file < 3 MB, per-topic < 150 KB.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_build import synthetic_repo
from bench_search import query_ms, with_pagefinds_excerpts

from generator.core.diagnostics import Diagnostics
from generator.core.project import Project, site_settings
from generator.features.registry import FEATURES
from generator.site.build import build_site, version_url, write_tree
from generator.site.checks import load_checked
from generator.site.engines.mkdocs import Request, build_version, mkdocs_build
from generator.site.trees import render_trees
from tests.conftest import serve

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
ENTRIES = int(os.environ.get("KB_BENCH_ENTRIES", "5000"))
ONE_PAGE = [int(n) for n in os.environ.get("KB_BENCH_ONE_PAGE", "1000,2000,10000").split(",")]
PLUGINS = os.environ.get("KB_BENCH_PLUGINS", "both")
# Material's search plugin on one page of this many errors does not finish in minutes.
SEARCH_ONE_PAGE_LIMIT = 2000
MB = 1024 * 1024


def _children(pid: int) -> list[int]:
    """The process's children; none once it is gone (it may end while it is looked at)."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                found += [int(p) for p in task.read_text().split()]
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(proportional set size, resident size) in kB of a process, 0 when it is gone."""
    pss = rss = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    return pss, rss


def tree_memory(pid: int) -> tuple[int, int]:
    """The memory of a process and all its descendants: sums of PSS and of RSS, in kB."""
    todo, pss, rss = [pid], 0, 0
    while todo:
        current = todo.pop()
        one = _memory(current)
        pss, rss = pss + one[0], rss + one[1]
        todo += _children(current)
    return pss, rss


def _child_build(repo: str, force: bool, sender: Any) -> None:
    try:
        with open(os.devnull, "w") as out:
            report = build_site(Project(Path(repo)), FEATURES, out=out, force=force)
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        sender.send({**{k: v for k, v in vars(report).items() if not k.startswith("_")},
                     "cpu_total": own.ru_utime + own.ru_stime + children.ru_utime
                     + children.ru_stime})
    except BaseException as err:  # reported by the parent
        sender.send({"error": repr(err)})
        raise


def measured_build(repo: Path, force: bool = False) -> dict[str, Any]:
    """One `kb build` (the library call `kb build` makes) in a process of its own: its
    report, wall seconds, CPU seconds of it and its workers, and the peak memory of its
    process tree (sampled every 50 ms)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    start = time.perf_counter()
    child = context.Process(target=_child_build, args=(str(repo), force, sender))
    child.start()
    peak = (0, 0)
    result: dict[str, Any] | None = None
    while result is None:
        assert child.pid is not None
        pss, rss = tree_memory(child.pid)
        peak = (max(peak[0], pss), max(peak[1], rss))
        if receiver.poll(0.05):
            result = receiver.recv()
        elif not child.is_alive():
            raise RuntimeError(f"the build of {repo} stopped (exit {child.exitcode})")
    child.join()
    if "error" in result:
        raise RuntimeError(result["error"])
    result["wall_s"] = time.perf_counter() - start
    result["peak_pss_mb"], result["peak_rss_mb"] = peak[0] / 1024, peak[1] / 1024
    return result


def baseline(project: Project) -> dict[str, float]:
    """Plain `mkdocs build` of every version's tree (as build/docs/ holds it), in turn:
    seconds per version, and their sum in CPU seconds (`cpu`)."""
    settings = site_settings(project)
    url = str(settings.get("site_url") or "")
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False)
    assert catalogue is not None
    trees, _ = render_trees(project, catalogue, FEATURES)
    seconds = {}
    cpu = 0.0
    for tree in trees:
        docs = project.build_dir / "baseline-docs" / tree.moniker
        write_tree(tree, docs)
        out = project.build_dir / "baseline-site" / tree.moniker
        start = time.process_time()
        took, warnings = mkdocs_build(str(project.mkdocs_yml), str(docs), str(out), tree.nav,
                                      tree.extra, version_url(url, tree.moniker))
        cpu += time.process_time() - start
        assert not warnings, warnings[:3]
        seconds[tree.moniker] = took
    shutil.rmtree(project.build_dir / "baseline-docs", ignore_errors=True)
    return {**seconds, "cpu": cpu}


def artefacts(version: Path) -> dict[str, int]:
    """Bytes of what readers may download from one version."""
    sizes: dict[str, int] = {}
    for name in ("decision-tree.html", "decision-tree.data.js", "decision-tree.rest.js",
                 "lookup.json",
                 "assets/lookup/lookup-index.js", "search/search_index.json"):
        path = version / name
        sizes[name] = path.stat().st_size if path.is_file() else 0
    # The one file's bytes up to its data's second piece: what a browser receives before
    # the first question can show (the first piece and the script that draws it).
    whole = version / "decision-tree.html"
    sizes["decision-tree.html before its rest"] = (
        whole.read_bytes().find(b'<script type="application/gzip+base85" id="kb-tree-rest">')
        if whole.is_file() else 0)
    topics = [p.stat().st_size for p in version.glob("decision-tree-*.html")]
    sizes["decision-tree-<topic>.html (largest)"] = max(topics, default=0)
    pages = [p.stat().st_size for p in version.rglob("index.html")]
    sizes["largest page"] = max(pages, default=0)
    pagefind = version / "pagefind"
    if pagefind.is_dir():
        sizes["pagefind/ (all)"] = sum(p.stat().st_size for p in pagefind.rglob("*")
                                       if p.is_file())
    sizes["version folder"] = sum(p.stat().st_size for p in version.rglob("*") if p.is_file())
    return sizes


# The tests' server on 127.0.0.1 (a free port), as a with-block yielding its base URL.
serving = contextlib.contextmanager(serve)


# A result in the search box's list, whichever search the site uses.
SEARCH_RESULT = ".md-search-result__item, .kb-search__item, .pagefind-ui__result"


def search_box(page: Any) -> tuple[str, Any]:
    """The search box's selector and locator: the site's own box, else Material's."""
    if page.locator("#__kb-search-input").count():
        return "#__kb-search-input", page.locator("#__kb-search-input")
    return ".md-search__input", page.locator(".md-search__input").first


def first_search_result(page: Any, url: str, query: str) -> float:
    """Open a page, type into the site's search box, wait for the first result. Written
    against the search box's input and result list, whichever search the site uses.
    Returns when the query was typed in full (perf_counter)."""
    page.goto(url)
    _, box = search_box(page)
    box.click()
    box.type(query)
    typed = time.perf_counter()
    page.locator(SEARCH_RESULT).first.wait_for(timeout=60_000)
    return typed


# The page's own clock around a query: when `field` first saw `event` (the query put in)
# and when an element matching `result` first showed. Playwright's own round trips are not
# in it (over an emulated far link they add hundreds of milliseconds of their own).
ANSWER_CLOCK = """([field, event, result]) => {
  window.__kbAsked = -1;
  window.__kbShown = -1;
  document.querySelector(field).addEventListener(event, () => {
    if (window.__kbAsked < 0) window.__kbAsked = performance.now();
  }, true);
  new MutationObserver((_, observer) => {
    if (document.querySelector(result)) {
      window.__kbShown = performance.now();
      observer.disconnect();
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}"""
ANSWER_MS = """(() => window.__kbShown >= 0 && window.__kbAsked >= 0 ?
  Math.round(window.__kbShown - window.__kbAsked) : null)()"""


def first_search_pasted(page: Any, url: str, query: str) -> float:
    """As `first_search_result`, with the query pasted into the box at once (as a reader
    pastes the error they see) rather than typed key by key."""
    page.goto(url)
    field, box = search_box(page)
    page.evaluate(ANSWER_CLOCK, [field, "input", SEARCH_RESULT])
    box.fill(query)
    pasted = time.perf_counter()
    page.locator(SEARCH_RESULT).first.wait_for(timeout=60_000)
    return pasted


def empty_page_ms(browser: Any) -> int:
    """Milliseconds to open a page with nothing in it from the same kind of server, to its
    load event: what any page costs here before its own work (the floor under every
    figure above)."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-empty-") as name:
        return _empty_page_ms(browser, Path(name))


def _empty_page_ms(browser: Any, folder: Path) -> int:
    (folder / "index.html").write_text("<!DOCTYPE html><html lang=\"en\"><head>"
                                       "<meta charset=\"utf-8\"><title>Empty</title></head>"
                                       "<body><p>Empty.</p></body></html>\n")
    times = []
    with serving(folder) as base:
        for _ in range(3):
            context = browser.new_context()
            page = context.new_page()
            start = time.perf_counter()
            page.goto(base + "index.html")
            times.append(time.perf_counter() - start)
            context.close()
    return round(sorted(times)[1] * 1000)


def first_lookup_result(page: Any, url: str, query: str) -> float:
    page.goto(url)
    page.evaluate(ANSWER_CLOCK, ["#kb-lookup-submit", "click", "#kb-lookup-results li"])
    page.locator("#kb-lookup-input").fill(query)
    page.locator("#kb-lookup-submit").click()
    asked = time.perf_counter()
    page.locator("#kb-lookup-results li").first.wait_for(timeout=60_000)
    return asked


def first_question(page: Any, url: str, _query: str) -> float:
    """Open the troubleshooter and wait for its first question, which may show before the
    page's load event (the one file's second piece comes last). Returns when the response
    began (perf_counter)."""
    page.goto(url, wait_until="commit")
    began = time.perf_counter()
    page.locator("#kb-tree[data-ready] .kb-answer").first.wait_for(timeout=60_000)
    return began


BYTES_BEFORE_MARK = """(() => {
  const mark = performance.getEntriesByName('kb-tree-ready')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  return performance.getEntriesByType('resource')
    .filter((r) => mark && r.startTime < mark.startTime)
    .reduce((sum, r) => sum + r.encodedBodySize, nav ? nav.encodedBodySize : 0);
})()"""


# A slow link, as Chromium emulates it (bytes per second, milliseconds): on it, the bytes
# the troubleshooter's reader waits for show as time.
SLOW = ", 4 Mbit/s"
SLOW_LINK = {"offline": False, "latency": 40, "downloadThroughput": 500 * 1024,
             "uploadThroughput": 500 * 1024}
# A far link: fast, but 150 ms each way; on it, requests made one after the other show.
FAR = ", 150 ms away"
FAR_LINK = {"offline": False, "latency": 150, "downloadThroughput": 5 * 1024 * 1024,
            "uploadThroughput": 5 * 1024 * 1024}
LINKS = {SLOW: SLOW_LINK, FAR: FAR_LINK}


def emulated_link(name: str) -> dict[str, Any] | None:
    """The link a measure's name says it runs over (None: the local one)."""
    return next((link for suffix, link in LINKS.items() if name.endswith(suffix)), None)


def browser_figures(site: Path, moniker: str, query: str, code: str,
                    search: bool = True) -> dict[str, Any]:
    """For each reader's first result: milliseconds from the start (navigation, typing,
    everything) and bytes downloaded, on a fresh page with an empty cache. `query` is a log
    line (for the lookup page), `code` is typed into the search box, and the message of
    the log line is pasted into it. `search`: the site has a search box to measure."""
    pasted = re.sub(r"^##\[error\]", "", query)
    from playwright.sync_api import sync_playwright

    measures: dict[str, tuple[Callable[[Any, str, str], float], str, str]] = {
        **({"search": (first_search_result, f"{moniker}/", code),
            "search, pasted": (first_search_pasted, f"{moniker}/", pasted),
            f"search, pasted{FAR}": (first_search_pasted, f"{moniker}/", pasted)}
           if search else {}),
        "lookup": (first_lookup_result, f"{moniker}/lookup/", query),
        "troubleshooter": (first_question, f"{moniker}/decision-tree.html", ""),
        "troubleshooter page": (first_question, f"{moniker}/troubleshooter/", ""),
        f"troubleshooter{SLOW}": (first_question, f"{moniker}/decision-tree.html", ""),
        f"troubleshooter page{SLOW}": (first_question, f"{moniker}/troubleshooter/", ""),
    }
    out: dict[str, Any] = {} if search else {
        "search": {"error": "no search box on the site"}}
    with serving(site) as base, sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for name, (action, path, text) in measures.items():
                context = browser.new_context()
                page = context.new_page()
                link = emulated_link(name)
                if link is not None:
                    session = context.new_cdp_session(page)
                    session.send("Network.enable")
                    session.send("Network.emulateNetworkConditions", link)
                received = [0]

                # The size of each response's body as received (a body that can no longer
                # be read, e.g. a script's once it ran, still counts).
                def count(request: Any, into: list[int] = received) -> None:
                    with contextlib.suppress(Exception):
                        into[0] += int(request.sizes()["responseBodySize"])

                page.on("requestfinished", count)
                loaded = [0.0]

                def mark(_page: Any, into: list[float] = loaded) -> None:
                    into[0] = time.perf_counter()

                page.on("load", mark)
                start = time.perf_counter()
                try:
                    asked = action(page, base + path, text)
                    done = time.perf_counter()
                    out[name] = {"ms": round((done - start) * 1000), "bytes": received[0]}
                    if not name.startswith("troubleshooter"):
                        # Where the time went: until the page's load event, from there
                        # until the query was in (the reader's typing, as Playwright types),
                        # and from the query to the result.
                        out[name].update(load_ms=round((loaded[0] - start) * 1000),
                                         input_ms=round((asked - loaded[0]) * 1000),
                                         answer_ms=round((done - asked) * 1000))
                        in_page = page.evaluate(ANSWER_MS)
                        if in_page is not None:
                            out[name]["answer_in_page_ms"] = in_page
                    else:
                        # The page's own mark (tree.js sets it once the first question is
                        # drawn), from the start of the navigation: without Playwright's
                        # round trips to see it.
                        out[name]["in_page_ms"] = round(page.evaluate(
                            "(performance.getEntriesByName('kb-tree-ready')[0]"
                            " || {startTime: -1}).startTime"))
                        # What the question waited for: the bodies of the page and of
                        # what it asked for before the mark (a request made after it,
                        # e.g. the data's second piece, may have arrived by the time
                        # Playwright saw the question, and counts in "bytes").
                        out[name]["bytes_before_mark"] = page.evaluate(BYTES_BEFORE_MARK)
                except Exception as err:  # a reader's path that does not work: say so
                    out[name] = {"error": str(err).splitlines()[0]}
                context.close()
            out["empty page"] = {"ms": empty_page_ms(browser)}
        finally:
            browser.close()
    return out


def words_figures(site: Path, tmp: Path, message: str) -> dict[str, dict[str, float]]:
    """Milliseconds from a query in words (a message without its code, words of a summary) to
    its results in the site's search box on a topic page (KBSearch.run: full-text results
    included), as built and with Pagefind's own excerpt function (see bench_search)."""
    queries = [message, "the service cannot finish step"]
    own = with_pagefinds_excerpts(site, tmp / "pagefinds-own", only="azure-devops")
    try:
        built, theirs = query_ms([site, own], queries, "azure-devops/topic-000/")
    finally:
        shutil.rmtree(own, ignore_errors=True)
    return {q: {"built": built[q], "pagefinds_excerpts": theirs[q]} for q in queries}


def without_search(repo: Path) -> None:
    """mkdocs.yml with no plugin (Material's search plugin removed)."""
    yml = repo / "mkdocs.yml"
    text = re.sub(r"plugins:\n  - search:\n(    .*\n|      .*\n)*", "plugins: []\n",
                  yml.read_text())
    text = re.sub(r"plugins:\n  - search\n", "plugins: []\n", text)
    yml.write_text(text)


def has_search_box(page: Path) -> bool:
    """Whether a built page has a search box (the site's own, or Material's plugin's)."""
    text = page.read_text(encoding="utf-8")
    return "__kb-search-input" in text or "md-search__input" in text


def has_search(repo: Path) -> bool:
    return bool(re.search(r"^plugins:\s*\n\s+- search", (repo / "mkdocs.yml").read_text(),
                          re.MULTILINE))


def one_page(entries: int, search: bool, tmp: Path) -> float:
    """Seconds for the engine to build one version whose one topic has `entries` errors."""
    repo = synthetic_repo(tmp / f"one-{entries}-{search}", entries, per_topic=entries)
    if not search:
        without_search(repo)
    project = Project(repo)
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False)
    assert catalogue is not None
    trees, _ = render_trees(project, catalogue, FEATURES, ["azure-devops"])
    tree = trees[0]
    docs = repo / "build" / "docs"
    write_tree(tree, docs)
    start = time.perf_counter()
    result = build_version(Request(str(project.mkdocs_yml), str(docs), str(repo / "out"),
                                   tree.nav, tree.extra, "", tree.pieces,
                                   str(repo / "build" / "blocks")))
    assert not result.warnings, result.warnings[:3]
    took = time.perf_counter() - start
    shutil.rmtree(repo, ignore_errors=True)
    return took


def edit_one_entry(repo: Path) -> Path:
    entry = repo / "catalogue" / "topic-000" / "e000x001.yml"
    entry.write_text(entry.read_text().replace("Save and retry the operation.",
                                               "Save, then retry the operation."))
    return entry


def variant(tmp: Path, search: bool) -> dict[str, Any]:
    """Every figure of one variant (with or without Material's search plugin)."""
    name = "search plugin" if search else "no plugin"
    repo = synthetic_repo(tmp / ("search" if search else "plain"), ENTRIES)
    if not search:
        without_search(repo)
    assert has_search(repo) == search
    out: dict[str, Any] = {"name": name}
    print(f"[{name}] full build ...", flush=True)
    out["full"] = measured_build(repo, force=True)
    print(f"[{name}] full build {out['full']['wall_s']:.1f} s", flush=True)
    out["unchanged"] = measured_build(repo)
    print(f"[{name}] nothing changed {out['unchanged']['wall_s']:.2f} s", flush=True)
    edit_one_entry(repo)
    out["edit"] = measured_build(repo)
    print(f"[{name}] one-entry edit {out['edit']['wall_s']:.1f} s "
          f"({out['edit']['rendered_pages']} pages rendered in "
          f"{len(out['edit']['built'])} versions)", flush=True)
    site = repo / "site"
    products = json.loads((site / "versions.json").read_text())
    out["artefacts"] = {v["version"]: artefacts(site / v["version"]) for v in products}
    message = re.search(r'messages:\n  - "([^"]*)"',
                        (repo / "catalogue" / "topic-000" / "e000x002.yml").read_text())
    assert message is not None
    out["browser"] = browser_figures(
        site, "azure-devops", "##[error]" + message.group(1).replace("{name}", "web-1"),
        "ERR000002", search=has_search_box(site / "azure-devops" / "index.html"))
    if "__kb-search-input" in (site / "azure-devops" / "index.html").read_text("utf-8"):
        out["words"] = words_figures(site, tmp, re.sub(r"^ERR\d+: ", "", message.group(1))
                                     .replace("{name}", "web-1"))
    print(f"[{name}] baseline: plain MkDocs, one version after another ...", flush=True)
    start = time.perf_counter()
    out["baseline_per_version_s"] = baseline(Project(repo))
    out["baseline_s"] = time.perf_counter() - start
    out["baseline_cpu_s"] = out["baseline_per_version_s"].pop("cpu")
    print(f"[{name}] baseline {out['baseline_s']:.1f} s", flush=True)
    shutil.rmtree(repo, ignore_errors=True)
    return out


def main(argv: list[str]) -> int:
    cpus = os.cpu_count() or 1
    results: dict[str, Any] = {"cpus": cpus, "entries": ENTRIES, "variants": [],
                               "load_average_start": os.getloadavg()}
    searches = {"off": [False], "search": [True]}.get(PLUGINS, [False, True])
    with tempfile.TemporaryDirectory(prefix="kb-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"scale: {ENTRIES} entries, 8 versions, {cpus} cores", flush=True)
        for search in searches:
            results["variants"].append(variant(tmp, search))
        results["one_page"] = {}
        for search in searches:
            for entries in ONE_PAGE:
                if search and entries > SEARCH_ONE_PAGE_LIMIT:
                    continue  # Material's search plugin is quadratic (see the note)
                took = one_page(entries, search, tmp)
                results["one_page"][f"{entries}{' +search' if search else ''}"] = took
                print(f"one page of {entries} errors{' with search' if search else ''}: "
                      f"{took:.1f} s ({took / entries * 1000:.1f} s per 1,000)", flush=True)
    results["load_average_end"] = os.getloadavg()
    report(results)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return 0


def _row(name: str, figure: str, ratio: str, goal: str, met: bool | None) -> str:
    state = "" if met is None else ("yes" if met else "NO")
    return f"{name:<38} {figure:>16}  {ratio:<28} {goal:<18} {state}"


def report(r: dict[str, Any]) -> None:
    print(f"\n{r['entries']} entries, 8 versions, {r['cpus']} cores; load average "
          f"{r['load_average_start'][0]:.1f} at the start, {r['load_average_end'][0]:.1f} at "
          "the end (other work on the machine slows wall times; CPU seconds are the work)")
    for v in r["variants"]:
        full, same, edit = v["full"], v["unchanged"], v["edit"]
        base = v["baseline_s"]
        generator = sum(full["stages"].get(k, 0.0) for k in ("inputs", "load", "render"))
        print(f"\n== {v['name']}")
        print(_row("measure", "seconds (CPU)", "ratio", "goal", None))
        base_cpu = v["baseline_cpu_s"]
        rows = [
            ("full build", full, f"{full['wall_s'] / base:.2f}x baseline "
             f"(CPU {full['cpu_total'] / base_cpu:.2f}x)", "<= 0.4x, < 90 s",
             full["wall_s"] / base <= 0.4 and full["wall_s"] < 90),
            ("one-entry edit", edit, f"{edit['wall_s'] / full['wall_s']:.3f}x full",
             "< 5 s", edit["wall_s"] < 5),
            ("nothing changed", same, f"{same['wall_s'] / full['wall_s']:.4f}x full",
             "< 2 s", same["wall_s"] < 2),
        ]
        for name, run, ratio, goal, met in rows:
            print(_row(name, f"{run['wall_s']:.2f} ({run['cpu_total']:.1f})", ratio, goal, met))
        print(_row("baseline: plain mkdocs per version", f"{base:.1f} ({base_cpu:.1f})",
                   "1.00x", "", None))
        print(_row("generator overhead (before MkDocs)", f"{generator:.1f}",
                   f"{generator / full['wall_s']:.1%} of full", "< 10%",
                   generator / full["wall_s"] < 0.10))
        peak = max(x["peak_pss_mb"] for x in (full, same, edit))
        peak_rss = max(x["peak_rss_mb"] for x in (full, same, edit))
        print(_row("peak memory, process tree (PSS)", f"{peak:.0f} MB",
                   f"RSS summed {peak_rss:.0f} MB", "< 2 GB", peak < 2048))
        for name, figure in v["browser"].items():
            if name == "empty page":  # no goal: the floor under the figures above
                print(_row("  an empty page, to its load event", f"{figure['ms']} ms",
                           "the median of 3", "", None))
                continue
            if "error" in figure:
                print(_row(f"first {name} result", "n/a", figure["error"][:28], "< 300 ms",
                           False))
                continue
            what = "question" if name.startswith("troubleshooter") else "result"
            # No goal over an emulated link: how the bytes and the round trips waited for
            # show in time.
            slow = emulated_link(name) is not None
            if slow:
                label = ("first question, " + ("page" if "page" in name else "one file")
                         + SLOW) if name.startswith("troubleshooter") else f"first {name}"
                # (The one file is one response, counted once it has all arrived.)
                received = (f"{figure['bytes'] / 1024:.0f} KB received by then"
                            if figure["bytes"] else "the file still arriving")
                print(_row(label, f"{figure['ms']} ms", received, "", None))
            else:
                # The bytes goal, for the troubleshooter: what it asked for before its
                # question (Playwright's count may hold the second piece, asked for after).
                waited = figure.get("bytes_before_mark", figure["bytes"])
                print(_row(f"first {name} {what}", f"{figure['ms']} ms",
                           f"{figure['bytes'] / 1024:.0f} KB downloaded", "< 300 ms, < 1 MB",
                           figure["ms"] < 300 and waited < MB))
            if "load_ms" in figure:
                print(_row("  of which", f"{figure['load_ms']} + {figure['input_ms']} + "
                           f"{figure['answer_ms']} ms", "page load + input + answer", "",
                           None))
            if "answer_in_page_ms" in figure:
                print(_row("  answer, by the page's own clock",
                           f"{figure['answer_in_page_ms']} ms",
                           "from the query put in to its result", "", None))
            if "in_page_ms" in figure:
                print(_row("  drawn, by the page's own mark", f"{figure['in_page_ms']} ms",
                           "from the navigation's start", "", None))
            if "bytes_before_mark" in figure and not slow:
                print(_row("  bytes asked for before it",
                           f"{figure['bytes_before_mark'] / 1024:.0f} KB",
                           "the page and its requests", "< 1 MB",
                           figure["bytes_before_mark"] < MB))
        for query, ms in v.get("words", {}).items():
            print(_row("full-text results, query in words", f"{ms['built']} ms",
                       f"{ms['built'] / ms['pagefinds_excerpts']:.2f}x Pagefind's own "
                       f"({ms['pagefinds_excerpts']} ms)", "", None))
            print(f"  {query!r}")
        sizes = v["artefacts"]
        whole = max(s["decision-tree.html"] for s in sizes.values())
        topic = max(s["decision-tree-<topic>.html (largest)"] for s in sizes.values())
        print(_row("whole-version single file (largest)", f"{whole / 1024:.0f} KB", "", "< 3 MB",
                   whole < 3 * MB))
        before = max(s["decision-tree.html before its rest"] for s in sizes.values())
        print(_row("  of which before its second piece", f"{before / 1024:.0f} KB",
                   "what its first question waits for", "", None))
        print(_row("per-topic single file (largest)", f"{topic / 1024:.0f} KB", "", "< 150 KB",
                   topic < 150 * 1024))
        print("\nstages, seconds (CPU):")
        for name, run in (("full", full), ("edit", edit)):
            print(f"  {name:<5} " + ", ".join(
                f"{stage} {seconds:.1f} ({run['cpu'].get(stage, 0):.1f})"
                for stage, seconds in run["stages"].items()))
        print(f"  edit: {len(edit['built'])} versions built, {edit['rendered_pages']} pages "
              f"rendered, {edit['reused_pages']} taken from the last build")
        names = list(next(iter(sizes.values())))
        print("\nbytes per version:")
        print("  " + " | ".join([f"{'version':<18}", *(f"{n[:22]:>22}" for n in names)]))
        for moniker, row in sizes.items():
            print("  " + " | ".join([f"{moniker:<18}", *(f"{row[n]:>22,}" for n in names)]))
    print("\none page (engine build of one version, its one topic holding N errors):")
    for name, took in r["one_page"].items():
        entries = int(name.split()[0])
        print(f"  {name:<16} {took:7.1f} s   {took / entries * 1000:6.2f} s per 1,000 errors")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
