"""Engines: MkDocs + Material against Zensical, all figures in one run (`./dev bench engines`).

For the shipped knowledge base and for a synthetic one of 1,000 errors (bench_build's), each
engine builds every version with the real `kb build` (`build_site`), three times:

- cold: nothing in build/;
- engine cache: kb's reuse of whole versions removed, the engine's own cache kept (MkDocs:
  the converted blocks; Zensical: its `.cache/` per version), i.e. the engine run twice;
- one-entry edit: one catalogue entry changed, everything in build/ kept.

Reported in seconds and as ratios Zensical / MkDocs (below 1: Zensical is faster), for the
whole `kb build` and for the engine's runs alone (the sum of the versions' build times; the
generator's own work, the same for both, is left out). Then, in
Chromium (Debian's, through Playwright) over a local server, the time from opening a page to
the first search result for an error code, on each engine's build of the 1,000 errors (the
search box each build has: Material's, Zensical's, or the project's own).

`KB_BENCH_ENTRIES` changes the synthetic size, `KB_BENCH_REPEAT` repeats the cold and
engine-cache builds and keeps the fastest (default 1; the edit is measured once).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_build import synthetic_repo
from bench_scale import CHROMIUM, edit_one_entry, serving

from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.site.build import build_site

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ENGINES = ("mkdocs", "zensical")
ENTRIES = int(os.environ.get("KB_BENCH_ENTRIES", "1000"))
REPEAT = max(1, int(os.environ.get("KB_BENCH_REPEAT", "1")))
REPO_PARTS = ("mkdocs.yml", "catalogue", "content", "overrides")


def quiet_build(project: Project, **kwargs: Any) -> Any:
    """`kb build` in this process, its progress sent nowhere."""
    with open(os.devnull, "w") as out:
        return build_site(project, FEATURES, out=out, **kwargs)


def shipped_repo(target: Path) -> Path:
    """The shipped knowledge base's sources copied to `target`."""
    target.mkdir(parents=True)
    for part in REPO_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy(source, target / part)
    return target


def edit_shipped_entry(repo: Path) -> Path:
    """One entry of the shipped catalogue changed: a word added to its title."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    for entry in sorted((repo / "catalogue").glob("*/*.yml")):
        if entry.name.startswith("_"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("title"), str):
            data["title"] = data["title"] + " (edited)"
            with entry.open("w", encoding="utf-8") as handle:
                yaml.dump(data, handle)
            return entry
    raise SystemExit("no entry with a title to edit")


def timed(build: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    report = build()
    return time.perf_counter() - start, report


def three_builds(repo: Path, engine: str, edit: Callable[[Path], Path]) -> dict[str, Any]:
    """Cold, engine cache only, and after a one-entry edit: seconds and what was reused."""
    project = Project(repo)
    figures: dict[str, Any] = {}

    def run(name: str, prepare: Callable[[], None], repeat: int = REPEAT) -> None:
        best: tuple[float, Any] | None = None
        for _ in range(repeat):
            prepare()
            took = timed(lambda: quiet_build(project, engine=engine))
            best = took if best is None or took[0] < best[0] else best
        assert best is not None
        seconds, report = best
        figures[name] = {"s": round(seconds, 2), "built": len(report.built),
                         # the engine's share: its runs, one per version (in parallel)
                         "engine s": round(sum(report.seconds.values()), 2),
                         "pages rendered": report.rendered_pages,
                         "pages reused": report.reused_pages}

    def cold() -> None:
        shutil.rmtree(repo / "build", ignore_errors=True)
        shutil.rmtree(repo / "site", ignore_errors=True)

    def engine_cache_only() -> None:
        for item in (repo / "build").iterdir():
            if item.name.startswith(("versions", "last-build")):
                shutil.rmtree(item) if item.is_dir() else item.unlink()

    run("cold", cold)
    run("engine cache", engine_cache_only)
    run("one-entry edit", lambda: edit(repo) and None, repeat=1)
    return figures


def first_search_result(page: Any, url: str, query: str) -> None:
    """Open the page, type into its search box, wait for the first result: the project's own
    box where the site has it, else Material's or Zensical's."""
    page.goto(url)
    own = page.locator(".kb-search__input")
    material = page.locator(".md-search__input")
    page.wait_for_load_state("domcontentloaded")
    if own.count():
        own.first.click()
        own.first.type(query)
    elif material.count():
        material.first.click()
        material.first.type(query)
    else:  # Zensical: a button opens its dialog (in a shadow root, which locators pierce)
        page.locator(".md-search__button").first.click()
        box = page.locator("dialog input[role=combobox]").first
        box.wait_for()
        box.type(query)
    page.locator(".kb-search__panel a, .md-search-result__item, "
                 "[role=listbox] a[role=option]").first.wait_for(timeout=60_000)


def search_figures(sites: dict[str, Path], moniker: str, code: str) -> dict[str, Any]:
    """Milliseconds to the first search result on each engine's build (fresh page, empty
    cache; the best of three)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for engine, site in sites.items():
                with serving(site) as base:
                    best = None
                    for _ in range(3):
                        context = browser.new_context()
                        page = context.new_page()
                        start = time.perf_counter()
                        try:
                            first_search_result(page, f"{base}{moniker}/", code)
                            took = (time.perf_counter() - start) * 1000
                            best = took if best is None else min(best, took)
                        except Exception as err:  # a search that does not work: say so
                            out[engine] = {"error": str(err).splitlines()[0]}
                        context.close()
                    if best is not None:
                        out[engine] = {"ms": round(best)}
        finally:
            browser.close()
    return out


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def main(argv: list[str]) -> int:
    results: dict[str, Any] = {"entries": ENTRIES, "repeat": REPEAT, "cores": os.cpu_count(),
                               "load": round(os.getloadavg()[0], 1)}
    with tempfile.TemporaryDirectory(prefix="kb-bench-engines-") as tmp:
        cases: dict[str, tuple[Callable[[Path], Path], Callable[[Path], Path]]] = {
            "shipped": (shipped_repo, edit_shipped_entry),
            f"{ENTRIES} entries": (lambda target: synthetic_repo(target, ENTRIES),
                                   edit_one_entry),
        }
        sites: dict[str, Path] = {}
        for case, (make, edit) in cases.items():
            results[case] = {}
            for engine in ENGINES:
                print(f"{case}: {engine} ...", file=sys.stderr, flush=True)
                repo = make(Path(tmp) / case.replace(" ", "-") / engine)
                results[case][engine] = three_builds(repo, engine, edit)
                if case != "shipped":
                    sites[engine] = repo / "site"
        results["first search result"] = search_figures(sites, "azure-devops", "ERR000001")
    report(results)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "engines.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def report(r: dict[str, Any]) -> None:
    print(f"2 engines, {r['cores']} cores, best of {r['repeat']}, load average "
          f"{r['load']} at the start (seconds; ratio = Zensical / MkDocs)")
    for case in ("shipped", f"{r['entries']} entries"):
        print(f"  {case}:")
        for measure in ("cold", "engine cache", "one-entry edit"):
            m = r[case]["mkdocs"][measure]
            z = r[case]["zensical"][measure]
            print(f"    {measure:15} MkDocs {m['s']:6.2f}  Zensical {z['s']:6.2f}  "
                  f"ratio {ratio(z['s'], m['s'])};  engine runs alone: MkDocs "
                  f"{m['engine s']:6.2f}  Zensical {z['engine s']:6.2f}  ratio "
                  f"{ratio(z['engine s'], m['engine s'])}  (pages rendered/reused: MkDocs "
                  f"{m['pages rendered']}/{m['pages reused']}, Zensical "
                  f"{z['pages rendered']}/{z['pages reused']})")
    search = r["first search result"]
    parts = [f"{e} {v['ms']} ms" if "ms" in v else f"{e} failed: {v['error']}"
             for e, v in search.items()]
    times = {e: search.get(e, {}).get("ms") for e in ENGINES}
    print(f"  first search result ({r['entries']} entries): " + ", ".join(parts) +
          f"; ratio {ratio(times['zensical'], times['mkdocs'])}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
