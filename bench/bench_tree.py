"""Decision tree in the browser: the one-file troubleshooter of a synthetic tree of about
1,000 nodes, opened from file:// in headless chromium (Debian's, through Playwright).

Reported: from opening the file to the first question being interactive (the page's
`kb-tree-ready` mark, relative to the start of navigation: the question and its answers
are in the page with their handlers), the first paint, and per answer the time from the
click to the next question laid out (the click's handler, the DOM, the URL fragment and a
forced layout). Goals: first question under 100 ms, each answer under 16 ms. For scale,
the same measures of an empty page (one heading and an inline script) are printed too:
what the browser takes before any page script runs, on this machine, at this load.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from synthetic import repo_frame

from generator.catalogue.resolve import resolve
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project, site_settings
from generator.features.registry import FEATURES
from generator.features.tree.derive import derive
from generator.features.tree.export import SINGLE_FILE, contribute
from generator.site.checks import load_checked

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
MONIKER = "azure-devops"
LOADS = 15
ANSWERS = 300


def synthetic_repo(target: Path, entries: int, topics: int = 4, seed: int = 11) -> Path:
    """Entries with 2 to 5 causes each; every fifth one has an authored question first."""
    rng = random.Random(seed)
    repo_frame(target)
    for t in range(topics):
        folder = target / "catalogue" / f"area-{t}"
        folder.mkdir()
        nodes = []
        for e in range(t, entries, topics):
            ident = f"e{e:04d}"
            causes = []
            for c in range(2 + e % 4):
                causes.append(f"""  - id: {ident}c{c}
    title: Cause {c} of error {e}
    check: Is **setting {c}** of service {e} turned off?
    fixes:
      - title: Turn setting {c} on
        steps:
          - Open **Settings** > **Service {e}**.
          - Select **Setting {c}** and turn it on.
          - text: Select **Save**, then wait {rng.randrange(2, 20)} minutes.
            applies_to: ">= azure-devops-2019"
          - Try the operation again.
""")
            (folder / f"{ident}.yml").write_text(f"""id: {ident}
title: Error {e} while saving the connection
messages:
  - "ERR{e:04d}: The operation on resource {{name}} failed with code {rng.randrange(1000)}"
  - "Request {e} was rejected"
codes: [ERR{e:04d}]
causes:
{"".join(causes)}""")
            if e % 5 == 0:
                nodes.append(f"""    - id: {ident}
      question: Does the message of error {e} name a resource?
      answers:
        - label: "Yes"
          cause: {ident}c0
        - label: "No"
          goto: {ident}-more
        - label: I'm not sure
          id: not-sure
          goto: {ident}-more
    - id: {ident}-more
      question: Was the resource of error {e} renamed?
      answers:
        - label: "Yes"
          cause: {ident}c1
        - label: "No"
          not_covered: true
""")
        tree = "tree:\n  nodes:\n" + "".join(nodes) if nodes else ""
        (folder / "_topic.yml").write_text(
            f"id: area-{t}\ntitle: Errors of area {t}\nintro: Errors of area {t}.\n{tree}")
    return target


def single_file(entries: int, folder: Path) -> tuple[Path, int]:
    project = Project(synthetic_repo(folder / "repo", entries))
    diagnostics = Diagnostics()
    catalogue = load_checked(project, diagnostics, FEATURES, markdown=False, jobs=1)
    assert catalogue is not None, [d.format() for d in diagnostics.sorted()][:5]
    nodes = len(derive(catalogue, MONIKER).nodes)
    files = contribute(project, catalogue, resolve(catalogue, MONIKER), MONIKER,
                       site_settings(project)).files
    path = folder / SINGLE_FILE
    path.write_bytes(files[SINGLE_FILE])
    return path, nodes


WALK = """([count, seed]) => {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const answers = [];
  const backs = [];
  while (answers.length < count) {
    const buttons = document.querySelectorAll('.kb-panel .kb-answer');
    const restart = document.querySelector('[data-action=restart]');
    if (!buttons.length || next() < 0.08) {
      if (restart) restart.click();
      continue;
    }
    const target = buttons[Math.floor(next() * buttons.length)];
    const start = performance.now();
    target.click();
    void document.body.offsetHeight;  // the layout of the next question
    answers.push(performance.now() - start);
    const back = document.querySelector('[data-action=back]');
    if (back && next() < 0.1) {
      const t = performance.now();
      back.click();
      void document.body.offsetHeight;
      backs.push(performance.now() - t);
    }
  }
  return {answers, backs};
}"""

EMPTY = ("<!DOCTYPE html><html lang=en><meta charset=utf-8><title>empty</title>"
         "<h1 data-ready>Empty</h1><script>performance.mark('kb-tree-ready')</script></html>")

# The first paint with the question on it (the question is drawn before any paint).
PAINTED = """() => new Promise(done => {
  const paint = () => performance.getEntriesByName('first-contentful-paint')[0];
  const wait = () => paint() ? done(paint().startTime) : requestAnimationFrame(wait);
  wait();
})"""

FILTER = """(texts) => {
  const input = document.getElementById('kb-filter');
  return texts.map(text => {
    const start = performance.now();
    input.value = text;
    input.dispatchEvent(new Event('input'));
    void document.body.offsetHeight;
    return performance.now() - start;
  });
}"""


def measure(path: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    url = path.as_uri()
    with sync_playwright() as playwright:
        # Chromium throttles more than a few hundred history entries per 10 seconds; the
        # walk below answers far faster than a person does, so the throttle is off.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-ipc-flooding-protection"])
        try:
            context = browser.new_context()
            ready, painted, empty_ready, empty_painted = [], [], [], []
            empty = path.with_name("empty.html")
            empty.write_text(EMPTY)
            for _ in range(LOADS):
                for target, marks, paints in ((url, ready, painted),
                                              (empty.as_uri(), empty_ready, empty_painted)):
                    page = context.new_page()
                    page.goto(target)
                    page.locator("[data-ready]").wait_for()
                    marks.append(page.evaluate(
                        "performance.getEntriesByName('kb-tree-ready')[0].startTime"))
                    paints.append(page.evaluate(PAINTED))
                    page.close()
            page = context.new_page()
            page.goto(url)
            page.locator("#kb-tree[data-ready]").wait_for()
            filtering = page.evaluate(FILTER, ["e", "er", "err", "err0", "err01", "err012",
                                               "rejected", "request 7", ""])
            walked = page.evaluate(WALK, [ANSWERS, 7])
        finally:
            browser.close()
    return {"ready_ms": ready, "painted_ms": painted, "answer_ms": walked["answers"],
            "back_ms": walked["backs"], "filter_ms": filtering,
            "empty_ready_ms": empty_ready, "empty_painted_ms": empty_painted}


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 2),
            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
            "max": round(ordered[-1], 2), "n": len(ordered)}


def main(argv: list[str]) -> int:
    entries = int(argv[0]) if argv else 130
    with tempfile.TemporaryDirectory(prefix="kb-bench-tree-") as tmp:
        path, nodes = single_file(entries, Path(tmp))
        size = path.stat().st_size
        raw = measure(path)
    rows = {name: summary(values) for name, values in raw.items()}
    warm = summary(raw["ready_ms"][1:])
    load = os.getloadavg()[0]
    print(f"synthetic tree: {entries} errors, {nodes} nodes; one file of {size / 1024:.0f} KB; "
          f"headless chromium from file://; {os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"{'':32} {'median':>8} {'p95':>8} {'max':>8} {'n':>5}")
    labels = {"ready_ms": "first question interactive, ms",
              "painted_ms": "first question painted, ms", "answer_ms": "answer, ms",
              "back_ms": "back, ms", "filter_ms": "filter keystroke, ms",
              "empty_ready_ms": "empty page: script runs, ms",
              "empty_painted_ms": "empty page: painted, ms"}
    for name, label in labels.items():
        row = rows[name]
        print(f"{label:32} {row['median']:>8.2f} {row['p95']:>8.2f} {row['max']:>8.2f} "
              f"{row['n']:>5}")
    print(f"(first load {raw['ready_ms'][0]:.1f} ms; later loads median {warm['median']:.1f} ms)")
    ready_ok = rows["ready_ms"]["median"] < 100
    answer_ok = rows["answer_ms"]["p95"] < 16
    print(f"goal first question < 100 ms: {'met' if ready_ok else 'NOT met'} (median load); "
          f"goal answer < 16 ms: {'met' if answer_ok else 'NOT met'} (95% of answers)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tree.json").write_text(json.dumps(
        {"entries": entries, "nodes": nodes, "file_bytes": size, "load_average": round(load, 2),
         **rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
