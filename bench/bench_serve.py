"""The edit loop of `kb serve`: how long until a start serves, and until an edit to one
entry shows in the served page, on the shipped catalogue and a synthetic one of 1,000
entries.

Each case runs the real `kb serve` in a copy of the repository (a fresh port each start)
and measures, in one run: a cold start (no build/ folder: nothing to reuse), a start that
reuses the blocks `kb build` converted (build/cache/blocks only), an edit to one entry's
title (saved → the served page holds the new text, polled over HTTP every 20 ms), and a
start after a previous `kb serve` (build/serve/ kept). Ratios are to the cold start.

    ./dev bench serve
"""

from __future__ import annotations

import html
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench_build import synthetic_repo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PARTS = ("mkdocs.yml", "catalogue", "content", "overrides")


def shipped_copy(target: Path) -> Path:
    target.mkdir(parents=True)
    for part in PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, target / part)
    for redirects in ROOT.glob(".openpublishing.redirection*.json"):
        shutil.copy(redirects, target / redirects.name)
    return target


class Serve:
    """A running `kb serve` in `repo`; `started` is the seconds until it said 'serving'."""

    def __init__(self, repo: Path):
        began = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", "0"], cwd=repo,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        stream = self.proc.stderr
        assert stream is not None
        threading.Thread(target=lambda: [self.lines.put(line) for line in stream],
                         daemon=True).start()
        line = self.wait_for("kb serve: serving ")
        self.started = time.perf_counter() - began
        self.url = line.split()[3]

    def wait_for(self, prefix: str, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1).rstrip("\n")
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError("kb serve stopped") from None
                continue
            if line.startswith(prefix):
                return line
        raise RuntimeError(f"kb serve did not print {prefix!r} in time")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    except urllib.error.URLError:
        return ""


TITLE = re.compile(r"^title: ([^\"'{>|\s][^\n]*)$", re.M)  # a plain one-line title


def an_entry(repo: Path, url: str) -> tuple[Path, str]:
    """An entry with a plain one-line title that the served version shows, and its page."""
    for topic in sorted((repo / "catalogue").iterdir()):
        meta = topic / "_topic.yml"
        if not meta.is_file():
            continue
        topic_id = re.search(r"^id:\s*(\S+)", meta.read_text(encoding="utf-8"), re.M)
        page = f"{topic_id.group(1) if topic_id else topic.name}/"
        served = fetch(url + page)
        for entry in sorted(topic.glob("*.yml")):
            title = TITLE.search(entry.read_text(encoding="utf-8"))
            if not entry.name.startswith("_") and title and \
                    html.escape(title.group(1).strip(), quote=False) in served:
                return entry, page
    raise RuntimeError("no entry with a plain title in the served version")


def case(name: str, repo: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"case": name}
    print(f"{name}: cold start", flush=True)
    server = Serve(repo)
    result["cold_start_s"] = server.started
    entry, page = an_entry(repo, server.url)
    for n in (1, 2):
        text = entry.read_text(encoding="utf-8")
        marker = f"Zqx{n}edit"
        found = TITLE.search(text)
        assert found is not None
        entry.write_text(text[:found.end()] + f" {marker}" + text[found.end():],
                         encoding="utf-8")
        saved = time.perf_counter()
        while marker not in fetch(server.url + page):
            if time.perf_counter() - saved > 300:
                raise RuntimeError(f"the edit to {entry} never showed in {page}")
            time.sleep(0.02)
        result[f"edit_{n}_s"] = time.perf_counter() - saved
        built = server.wait_for("kb serve: built ")
        result[f"edit_{n}_build"] = built.removeprefix("kb serve: ")
    server.stop()
    print(f"{name}: start after a previous kb serve", flush=True)
    server = Serve(repo)
    result["warm_start_s"] = server.started
    server.stop()
    print(f"{name}: start with the blocks of kb build only", flush=True)
    shutil.rmtree(repo / "build" / "serve")
    server = Serve(repo)
    result["blocks_start_s"] = server.started
    server.stop()
    cold = result["cold_start_s"]
    for key in ("edit_1_s", "edit_2_s", "warm_start_s", "blocks_start_s"):
        result[key.removesuffix("_s") + "_ratio"] = result[key] / cold
    return result


def main(argv: list[str]) -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-serve-") as work:
        results.append(case("shipped", shipped_copy(Path(work) / "shipped")))
        results.append(case("synthetic 1,000 entries",
                            synthetic_repo(Path(work) / "synthetic", 1000)))
    load = os.getloadavg()[0]
    for r in results:
        print(f"{r['case']}: cold start {r['cold_start_s']:.2f} s; edit shown after "
              f"{r['edit_1_s']:.2f} s and {r['edit_2_s']:.2f} s "
              f"({r['edit_1_ratio']:.2f}x and {r['edit_2_ratio']:.2f}x the cold start); "
              f"start after kb serve {r['warm_start_s']:.2f} s ({r['warm_start_ratio']:.2f}x), "
              f"with kb build's blocks {r['blocks_start_s']:.2f} s "
              f"({r['blocks_start_ratio']:.2f}x); rebuild said: {r['edit_2_build']}")
    print(f"load average {load:.1f} on {os.cpu_count()} cores")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "serve.json").write_text(json.dumps({"results": results, "load": load}, indent=2)
                                    + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
