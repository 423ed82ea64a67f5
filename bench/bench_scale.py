"""Scale: a knowledge base of 5,000 errors, all figures in one run (`./dev bench scale`).

The synthetic catalogue of bench_build (50 errors a topic, ranges across the eight
versions, version-specific steps and zones). Reported, in seconds and as ratios:

- the full `kb build` (nothing in build/), a rebuild with nothing changed, a rebuild after a
  one-entry edit, and the same Markdown trees built by plain MkDocs, one version after
  another (the baseline); the generator's share (load, validate, render) of the full build;
  the peak memory of any one process;
- per version, the bytes of every artefact (default version, and the largest of all);
- in Chromium (Debian's, through Playwright), over a local server: time to the first search
  result (type into the site's search box), the first lookup result and the one-file
  troubleshooter's first question, with the bytes downloaded for each;
- one topic page of 1,000 / 2,000 / 10,000 errors built by the engine, with and without the
  search plugin: seconds per thousand errors should stay flat (no quadratic step).

`KB_BENCH_ENTRIES` and `KB_BENCH_ONE_PAGE` (comma-separated) change the sizes. Goals (2
cores): full build <= 0.4x the baseline and < 90 s; one-entry edit < 5 s; nothing changed <
2 s; generator overhead < 10%; peak memory < 2 GB; each first result < 300 ms with < 1 MB
downloaded; whole-version single file < 3 MB, per-topic < 150 KB.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench_build import synthetic_repo

from generator.core.diagnostics import Diagnostics
from generator.core.project import Project, site_settings
from generator.features.registry import FEATURES
from generator.site.build import build_site, version_url, write_tree
from generator.site.checks import load_checked
from generator.site.engines.mkdocs import Request, build_version, mkdocs_build
from generator.site.trees import render_trees

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
ENTRIES = int(os.environ.get("KB_BENCH_ENTRIES", "5000"))
ONE_PAGE = [int(n) for n in os.environ.get("KB_BENCH_ONE_PAGE", "1000,2000,10000").split(",")]


def peak_mb() -> float:
    """The largest resident size of this process or any child it waited for, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def quiet_build(project: Project, **kwargs: Any) -> Any:
    with open(os.devnull, "w") as out:
        return build_site(project, FEATURES, out=out, **kwargs)


def baseline(project: Project) -> dict[str, float]:
    """Plain `mkdocs build` of every version's tree (as build/docs/ holds it), in turn."""
    settings = site_settings(project)
    url = str(settings.get("site_url") or "")
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False)
    assert catalogue is not None
    trees, _ = render_trees(project, catalogue, FEATURES)
    seconds = {}
    for tree in trees:
        docs = project.build_dir / "baseline-docs" / tree.moniker
        write_tree(tree, docs)
        out = project.build_dir / "baseline-site" / tree.moniker
        took, warnings = mkdocs_build(str(project.mkdocs_yml), str(docs), str(out), tree.nav,
                                      tree.extra, version_url(url, tree.moniker))
        assert not warnings, warnings[:3]
        seconds[tree.moniker] = took
    return seconds


def artefacts(version: Path) -> dict[str, int]:
    """Bytes of what readers may download from one version."""
    sizes: dict[str, int] = {}
    for name in ("decision-tree.html", "decision-tree.data.js", "lookup.json",
                 "assets/lookup/lookup-index.js", "search/search_index.json"):
        path = version / name
        sizes[name] = path.stat().st_size if path.is_file() else 0
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


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The site over HTTP on 127.0.0.1 (a free port), for as long as the block runs."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def first_search_result(page: Any, url: str, query: str) -> None:
    """Open a page, type into the site's search box, wait for the first result. Written
    against the search box's input and result list, whichever search the site uses."""
    page.goto(url)
    box = page.locator("input[type=search], .md-search__input").first
    box.click()
    box.type(query)
    page.locator(".md-search-result__item, .kb-search__item, .pagefind-ui__result").first \
        .wait_for(timeout=60_000)


def first_lookup_result(page: Any, url: str, query: str) -> None:
    page.goto(url)
    page.locator("#kb-lookup-input").fill(query)
    page.locator("#kb-lookup-submit").click()
    page.locator("#kb-lookup-results li").first.wait_for(timeout=60_000)


def first_question(page: Any, url: str, _query: str) -> None:
    page.goto(url)
    page.locator("#kb-tree[data-ready] .kb-answer").first.wait_for(timeout=60_000)


def browser_figures(site: Path, moniker: str, query: str, code: str) -> dict[str, Any]:
    """For each reader's first result: milliseconds from the start (navigation, typing,
    everything) and bytes downloaded, on a fresh page with an empty cache."""
    from playwright.sync_api import sync_playwright

    measures: dict[str, tuple[Callable[[Any, str, str], None], str, str]] = {
        "search": (first_search_result, f"{moniker}/", code),
        "lookup": (first_lookup_result, f"{moniker}/lookup/", query),
        "troubleshooter": (first_question, f"{moniker}/decision-tree.html", ""),
    }
    out: dict[str, Any] = {}
    with serving(site) as base, sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for name, (action, path, text) in measures.items():
                context = browser.new_context()
                page = context.new_page()
                received = [0]

                def count(response: Any, into: list[int] = received) -> None:
                    with contextlib.suppress(Exception):
                        into[0] += len(response.body())

                page.on("response", count)
                start = time.perf_counter()
                try:
                    action(page, base + path, text)
                    took = (time.perf_counter() - start) * 1000
                    out[name] = {"ms": round(took), "bytes": received[0]}
                except Exception as err:  # a reader's path that does not work: say so
                    out[name] = {"error": str(err).splitlines()[0]}
                context.close()
        finally:
            browser.close()
    return out


def one_page(entries: int, search: bool, tmp: Path) -> float:
    """Seconds for the engine to build one version whose one topic has `entries` errors."""
    repo = synthetic_repo(tmp / f"one-{entries}-{search}", entries, per_topic=entries)
    if not search:
        yml = repo / "mkdocs.yml"
        yml.write_text(re.sub(r"plugins:\n  - search:\n(    .*\n|      .*\n)*", "plugins: []\n",
                              yml.read_text()))
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
    return time.perf_counter() - start


def edit_one_entry(repo: Path) -> Path:
    entry = sorted((repo / "catalogue").glob("topic-000/e000x001.yml"))[0]
    entry.write_text(entry.read_text().replace("Save and retry the operation.",
                                               "Save, then retry the operation."))
    return entry


def main(argv: list[str]) -> int:
    cpus = os.cpu_count() or 1
    results: dict[str, Any] = {"cpus": cpus, "entries": ENTRIES}
    with tempfile.TemporaryDirectory(prefix="kb-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        repo = synthetic_repo(tmp / "repo", ENTRIES)
        project = Project(repo)
        print(f"scale: {ENTRIES} entries, 8 versions, {cpus} cores", flush=True)
        full = quiet_build(project, force=True)
        results["full_s"] = full.total_seconds
        results["generator_s"] = full.render_seconds
        print(f"full build {full.total_seconds:.1f} s", flush=True)
        same = quiet_build(project)
        results["unchanged_s"] = same.total_seconds
        print(f"nothing changed {same.total_seconds:.2f} s", flush=True)
        edit_one_entry(repo)
        edited = quiet_build(project)
        results["edit_s"] = edited.total_seconds
        results["edit_pages_rendered"] = edited.rendered_pages
        results["edit_versions_built"] = len(edited.built)
        print(f"one-entry edit {edited.total_seconds:.1f} s ({edited.rendered_pages} pages "
              f"rendered in {len(edited.built)} versions)", flush=True)
        results["peak_mb"] = peak_mb()
        base = baseline(project)
        results["baseline_s"] = sum(base.values())
        results["baseline_per_version_s"] = base
        print(f"baseline (plain mkdocs, one version after another) "
              f"{results['baseline_s']:.1f} s", flush=True)
        site = repo / "site"
        results["artefacts"] = {
            m: artefacts(site / m) for m in ("azure-devops", "tfs-2013")}
        message = re.search(r'messages:\n  - "([^"]*)"',
                            (repo / "catalogue" / "topic-000" / "e000x002.yml").read_text())
        assert message is not None
        results["browser"] = browser_figures(
            site, "azure-devops", "##[error]" + message.group(1).replace("{name}", "web-1"),
            "ERR000002")
        results["one_page"] = {}
        for search in (False, True):
            for entries in ONE_PAGE:
                if search and entries > 2000:
                    continue  # Material's search plugin is quadratic (see the note)
                took = one_page(entries, search, tmp)
                results["one_page"][f"{entries}{' +search' if search else ''}"] = took
                print(f"one page of {entries} errors{' with search' if search else ''}: "
                      f"{took:.1f} s ({took / entries * 1000:.1f} s per 1,000)", flush=True)
    report(results)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


def report(r: dict[str, Any]) -> None:
    full, base = r["full_s"], r["baseline_s"]
    rows = [
        ("full build", f"{full:.1f} s", f"{full / base:.2f}x baseline", "<= 0.4x, < 90 s",
         full / base <= 0.4 and full < 90),
        ("one-entry edit", f"{r['edit_s']:.1f} s", f"{r['edit_s'] / full:.3f}x full", "< 5 s",
         r["edit_s"] < 5),
        ("nothing changed", f"{r['unchanged_s']:.2f} s", f"{r['unchanged_s'] / full:.4f}x full",
         "< 2 s", r["unchanged_s"] < 2),
        ("baseline: plain mkdocs per version", f"{base:.1f} s", "1.00x", "", True),
        ("generator overhead", f"{r['generator_s']:.1f} s",
         f"{r['generator_s'] / full:.1%} of full", "< 10%", r["generator_s"] / full < 0.10),
        ("peak memory (one process)", f"{r['peak_mb']:.0f} MB", "", "< 2 GB",
         r["peak_mb"] < 2048),
    ]
    for name, figure in r["browser"].items():
        if "error" in figure:
            rows.append((f"first {name} result", "failed", figure["error"][:60], "< 300 ms",
                         False))
            continue
        rows.append((f"first {name} result", f"{figure['ms']} ms",
                     f"{figure['bytes'] / 1024:.0f} KB downloaded", "< 300 ms, < 1 MB",
                     figure["ms"] < 300 and figure["bytes"] < 1024 * 1024))
    sizes = r["artefacts"]["azure-devops"]
    rows.append(("whole-version single file", f"{sizes['decision-tree.html'] / 1024:.0f} KB",
                 "", "< 3 MB", sizes["decision-tree.html"] < 3 * 1024 * 1024))
    largest = sizes["decision-tree-<topic>.html (largest)"]
    rows.append(("per-topic single file (largest)", f"{largest / 1024:.0f} KB", "",
                 "< 150 KB", largest < 150 * 1024))
    print(f"\n{'measure':<36} {'figure':>12}  {'ratio':<26} {'goal':<18} met")
    for name, figure, ratio, goal, met in rows:
        print(f"{name:<36} {figure:>12}  {ratio:<26} {goal:<18} {'yes' if met else 'NO'}")
    print("\nbytes per version (azure-devops | tfs-2013):")
    for name in sizes:
        print(f"  {name:<40} {sizes[name]:>12,} | {r['artefacts']['tfs-2013'][name]:>12,}")
    print("\none page (engine build of one version, its one topic holding N errors):")
    for name, took in r["one_page"].items():
        entries = int(name.split()[0])
        print(f"  {name:<16} {took:7.1f} s   {took / entries * 1000:6.2f} s per 1,000 errors")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
