"""Hostile input: the work `kb lookup` and `kb check` do on input built to be expensive.

`kb lookup` (the real command, on the shipped catalogue's default version) reads each
input on standard input: 100 MB of log, 100 MB of random bytes, 1 MB of invalid UTF-8,
1 MB of one-character lines, and lines built to make pattern matching backtrack (a
message whose words repeat, `a.` repeated before a URL, `error:` repeated). Reported per
input: wall time, peak memory (RSS), both as measured and as a ratio to a one-line
lookup measured in the same run; and the time the JavaScript matcher (the "paste your
error" page's, in node) takes on the same text; and, in Chromium, the "paste your error" page
given each input of up to 10 MB as a paste: the longest task on its main thread (Long Tasks
API: any task over 50 ms) from the paste to the answer, and how long the answer took. `kb
check` reads catalogue files built as
YAML bombs (nested aliases, 30,000 `[`, 1,000-deep nesting, a 4,000-digit number); each is
refused with a located error, and the time is reported.

    ./dev bench hostile            (or: .venv/bin/python bench/run.py hostile)
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ASSET = ROOT / "generator" / "features" / "assets" / "lookup" / "lookup.js"
MB = 1 << 20


def inputs(folder: Path) -> dict[str, Path]:
    """The hostile lookup inputs, written once into `folder`."""
    rng = random.Random(15)
    made: dict[str, bytes] = {}
    line = b"2025-03-12T09:41:07.2231846Z Copying file Foo to /home/vsts/work/1/a/Foo\n"
    made["log-100MB"] = line * (100 * MB // len(line)) + (
        b"##[error]AADSTS7000215: Invalid client secret provided.\n")
    made["binary-100MB"] = rng.randbytes(100 * MB)
    made["invalid-utf8-1MB"] = (b"\xff\xfe\xc3(\xe2\x82" * 20 + b"\n") * (MB // 121)
    made["x-lines-1MB"] = b"x\n" * (MB // 2)
    made["escape-lines-1MB"] = b"\x1b[0m\n" * (MB // 5)
    made["repeated-message-1MB"] = b"directory " + (
        b"AADSTS50034: The user account x does not exist in the " * (MB // 56))
    made["scheme-dots-1MB"] = b"a." * (MB // 2) + b" x://y"
    made["prefixes-1MB"] = b"error:" * (MB // 6)
    paths = {}
    for name, data in made.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    return paths


TIME = "/usr/bin/time"  # GNU time: a child forked from this (large) process would report
# this process's memory as its own peak, so the command runs under time(1), a small one


def run_measured(command: list[str], stdin: Path | None, cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (bytes; 0 without GNU time) and exit status of one command."""
    handle, name = tempfile.mkstemp(prefix="kb-time-")
    os.close(handle)
    report = Path(name)
    measured = [TIME, "-f", "%M", "-o", str(report), *command] if os.path.exists(TIME) \
        else command
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    with (stdin.open("rb") if stdin else open(os.devnull, "rb")) as source:
        proc = subprocess.run(measured, cwd=cwd, stdin=source, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env, timeout=600)
    seconds = time.perf_counter() - started
    peak = 0
    if report.exists():
        text = report.read_text().split()
        peak = int(text[-1]) * 1024 if text and text[-1].isdigit() else 0
        report.unlink()
    return seconds, peak, proc.returncode


JS = r"""
const KBLookup = require(process.argv[2]);
const fs = require("fs");
const index = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const text = fs.readFileSync(process.argv[4]).toString("utf8");
const matcher = new KBLookup.Matcher(index);
const started = performance.now();
const found = matcher.lookup(text, null);
process.stdout.write(JSON.stringify({ms: performance.now() - started,
  results: found.results.length, lines: found.lines}));
"""


def lookup_index(folder: Path) -> Path:
    from generator.catalogue.resolve import resolve
    from generator.core.diagnostics import Diagnostics
    from generator.core.project import Project
    from generator.features.lookup.index import build_index
    from generator.features.registry import FEATURES
    from generator.site.checks import load_checked

    catalogue = load_checked(Project(ROOT), Diagnostics(), FEATURES, markdown=False)
    assert catalogue is not None, "the shipped catalogue has errors"
    moniker = catalogue.products.default
    path = folder / "index.json"
    path.write_text(json.dumps(build_index(catalogue, resolve(catalogue, moniker), moniker,
                                           "")))
    return path


def javascript(index: Path, path: Path, folder: Path) -> dict[str, Any] | None:
    node = shutil.which("node")
    if node is None:
        return None
    from generator.commands.lookup import decode_tail, read_tail

    with path.open("rb") as handle:
        text, _dropped = decode_tail(*read_tail(handle))
    tail = folder / f"{path.name}.tail"
    tail.write_text(text, encoding="utf-8", errors="surrogatepass")
    script = folder / "time.js"
    script.write_text(JS)
    proc = subprocess.run([node, str(script), str(ASSET), str(index), str(tail)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-300:]}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


# In the page: each input pasted (a paste event, as a reader's), then "Find the fix".
PAGE_PROBE = """(text) => new Promise((resolve) => {
  window.__kbLong = [];
  const box = document.getElementById('kb-lookup-input');
  const status = document.getElementById('kb-lookup-status');
  box.value = '';
  box.focus();
  const started = performance.now();
  const data = new DataTransfer();
  data.setData('text/plain', text);
  const event = new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                            cancelable: true});
  if (box.dispatchEvent(event)) box.value = text;  // not taken over: the box holds it all
  document.getElementById('kb-lookup-submit').click();
  (function wait() {
    const said = status.textContent;
    if (said && !said.startsWith('Looking')) {
      const answered = performance.now() - started;
      setTimeout(() => resolve({answer_ms: Math.round(answered), status: said.slice(0, 80),
                                long_tasks: window.__kbLong.slice()}), 1500);
    } else {
      setTimeout(wait, 20);
    }
  })();
})"""
LONG_TASKS = """window.__kbLong = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__kbLong.push(Math.round(e.duration));
}).observe({ type: "longtask" });"""
PAGE_LIMIT = 10 * MB  # a paste of more is not what a reader does


def lookup_page(paths: dict[str, Path]) -> dict[str, Any]:
    """The lookup page of the shipped site's default version, given each input as a paste."""
    from playwright.sync_api import sync_playwright

    from generator.catalogue.validate import project_products
    from generator.core.project import Project
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve

    products = project_products(Project(ROOT))
    assert products is not None, "catalogue/products.yml has errors"
    site = ROOT / "site"
    if not (site / "versions.json").is_file():
        return {"error": "build the site first (./dev site)"}
    out: dict[str, Any] = {}
    for url in serve(site):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # As shipped (the matching in a worker), and with workers taken away, where the
            # page matches on its main thread: the same pastes, in the same run.
            for mode, script in (("worker", ""), ("no worker", "window.Worker = undefined;")):
                context = browser.new_context()
                context.add_init_script(LONG_TASKS + script)
                page = context.new_page()
                page.goto(f"{url}{products.default}/lookup/")
                page.wait_for_selector("html[data-kb-lookup='ready']", state="attached")
                for name, path in paths.items():
                    data = path.read_bytes()
                    if name.startswith("log-"):
                        data = data[-PAGE_LIMIT:]
                    elif len(data) > PAGE_LIMIT:
                        continue
                    text = data.decode("utf-8", "replace")
                    page.evaluate("t => { window.__kbText = t; }", text)
                    page.wait_for_timeout(300)
                    found = page.evaluate(f"() => ({PAGE_PROBE})(window.__kbText)")
                    longest = max(found["long_tasks"], default=0)
                    out.setdefault(mode, {})[name] = {
                        **found, "pasted_mb": round(len(data) / MB, 1),
                        "longest_task_ms": longest}
                    print(f"  lookup page ({mode}) {name} ({len(data) / MB:.1f} MB pasted): "
                          f"answer in {found['answer_ms']} ms, longest main-thread task "
                          f"{longest} ms ({len(found['long_tasks'])} over 50 ms)")
                context.close()
            browser.close()
        break
    return out


BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(9)))
YAML_CASES = {
    "alias-bomb-9-levels": BOMB,
    "self-alias": "id: e\ntitle: &a [*a]\n",
    "nesting-1000": "id: e\ntitle: " + "[" * 1000 + "]" * 1000 + "\n",
    "brackets-30000": "[" * 30000,
    "hex-4000-digits": "id: e\ntitle: 0x" + "f" * 4000 + "\n",
}


def yaml_bombs(folder: Path) -> dict[str, Any]:
    repo = folder / "repo"
    shutil.copytree(ROOT / "tests" / "fixtures" / "catalogues" / "minimal", repo)
    out = {}
    for name, text in YAML_CASES.items():
        entry = repo / "catalogue" / "demo" / "hostile.yml"
        entry.write_text(text)
        seconds, rss, code = run_measured([sys.executable, "-m", "generator", "check"], None,
                                          repo)
        proc = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=repo,
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        first = next((line for line in proc.stderr.splitlines() if "hostile.yml" in line), "")
        out[name] = {"seconds": round(seconds, 2), "peak_mb": round(rss / MB, 1),
                     "exit": code, "diagnostic": first}
        print(f"  kb check {name}: {seconds:.2f} s, {rss / MB:.0f} MB, exit {code}: {first}")
    return out


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    kb = [sys.executable, "-m", "generator", "lookup", "-"]
    report: dict[str, Any] = {"command": "./dev bench hostile", "lookup": {}, "check": {}}
    with tempfile.TemporaryDirectory(prefix="kb-hostile-") as scratch:
        folder = Path(scratch)
        one = folder / "one-line"
        one.write_text("AADSTS7000215: Invalid client secret provided.\n")
        base_s, base_rss, _ = run_measured(kb, one, ROOT)
        print(f"  baseline (one line): {base_s:.2f} s, {base_rss / MB:.0f} MB")
        report["baseline"] = {"seconds": round(base_s, 2), "peak_mb": round(base_rss / MB, 1)}
        index = lookup_index(folder)
        paths = inputs(folder)
        for name, path in paths.items():
            seconds, rss, code = run_measured(kb, path, ROOT)
            js = javascript(index, path, folder)
            report["lookup"][name] = {
                "seconds": round(seconds, 2), "peak_mb": round(rss / MB, 1), "exit": code,
                "time_ratio": round(seconds / base_s, 2),
                "memory_ratio": round(rss / base_rss, 2), "javascript": js}
            js_text = f"{js['ms']:.0f} ms" if js and "ms" in js else str(js)
            print(f"  kb lookup {name}: {seconds:.2f} s ({seconds / base_s:.1f}x baseline), "
                  f"{rss / MB:.0f} MB ({rss / base_rss:.1f}x), exit {code}; "
                  f"JavaScript matcher {js_text}")
        report["page"] = lookup_page(paths)
        report["check"] = yaml_bombs(folder)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["children_cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 1)
    (OUT / "hostile.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"  written to {(OUT / 'hostile.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
