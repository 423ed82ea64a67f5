"""`kb serve`: one version on 127.0.0.1, rebuilt on change, last good build kept on errors."""

from __future__ import annotations

import contextlib
import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.helpers_cli import fixture_repo

pytestmark = pytest.mark.e2e


class Server:
    """A running `kb serve`: its process and the lines it printed so far."""

    def __init__(self, proc: subprocess.Popen[str]):
        self.proc = proc
        self.url = ""
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert proc.stderr is not None
        stream = proc.stderr
        threading.Thread(target=lambda: [self._queue.put(line) for line in stream],
                         daemon=True).start()

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"not printed in time; so far: {self.lines}"
            try:
                line = self._queue.get(timeout=left).rstrip("\n")
            except queue.Empty:
                continue
            self.lines.append(line)
            if predicate(line):
                return line


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def poll(url: str, predicate: Callable[[str], bool], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        try:
            page = fetch(url)
        except urllib.error.URLError:
            page = ""
        if predicate(page):
            return page
        time.sleep(0.3)
    raise AssertionError(f"{url} did not change in time")


@contextlib.contextmanager
def start(repo: Path, tmp_path: Path) -> Iterator[Server]:
    """`kb serve --version demo-2` in `repo`, until the block ends; `.url` once serving."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0", "--version", "demo-2"],
        cwd=repo, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=env)
    server = Server(proc)
    try:
        line = server.wait_for(lambda text: text.startswith("kb serve: serving "))
        server.url = line.split()[3]
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Path, str]]:
    repo = fixture_repo(tmp_path)
    with start(repo, tmp_path) as server:
        yield server, repo, server.url


def test_serves_one_version_and_rebuilds_on_change(served: tuple[Server, Path, str],
                                                   tmp_path: Path) -> None:
    server, repo, url = served
    assert url.startswith("http://127.0.0.1:") and url.endswith("/demo-2/")
    assert server.lines[:2] == [
        f"kb serve: building demo-2 into {server.lines[0].split(' into ')[1]}",
        server.lines[1],
    ]
    assert server.lines[1].startswith("kb serve: built demo-2 in ")
    page = fetch(url + "demo/")
    assert "The disk is full" in page
    assert "demo clean" in page  # the step for >= demo-2
    assert "livereload" in page  # the page reloads itself after a rebuild
    root = url.removesuffix("demo-2/")
    assert "demo-2/" in fetch(root)  # the root sends readers to the version
    # The search index follows the pages (made after they are served).
    server.wait_for(lambda text: text.startswith("kb serve: finished demo-2 (search index)"))
    entry_file = url + "pagefind/pagefind-entry.json"
    first_index = fetch(entry_file)
    assert '"languages"' in first_index
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("The disk is full", "The volume is full"))
    poll(url + "demo/", lambda text: "The volume is full" in text)
    # Only the edited page is rendered again; the others are copied from the served build.
    rebuilt = server.wait_for(lambda text: text.startswith("kb serve: built demo-2 in "))
    assert rebuilt.endswith(" unchanged)") and "(1 page rendered, " in rebuilt, rebuilt
    assert '"languages"' in fetch(entry_file)  # the last index, until the new one is made
    server.wait_for(lambda text: text.startswith("kb serve: finished demo-2 (search index)"))
    assert '"languages"' in fetch(entry_file)
    # The preview works in build/serve/ (and shares the converted blocks of kb build).
    assert not (repo / "site").exists()
    assert sorted(p.name for p in (repo / "build").iterdir()) == ["cache", "serve"]


def test_lines_printed_from_two_threads_stay_whole(tmp_path: Path) -> None:
    """A feature finishing in the background (the search index) prints while a build
    reports its problems: each line comes out whole, never cut by the other's."""
    from generator.core.project import Project
    from generator.site.serve import Preview

    class Slow:
        """A terminal slow enough that two writers would take turns inside a line."""

        def __init__(self) -> None:
            self.text = ""

        def write(self, text: str) -> int:
            time.sleep(0.0005)
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

    out = Slow()
    preview = Preview(Project(tmp_path), (), "demo-2", 1, tmp_path, out)
    said = [f"finished demo-2 (search index) in 0.{n} s" for n in range(40)]
    problems = [f"catalogue/demo/e{n}.yml:2:1: error: YAML: duplicate key 'id'" for n in range(40)]
    threads = [threading.Thread(target=lambda: [preview.say(text) for text in said]),
               threading.Thread(target=lambda: [preview.report([p]) for p in problems])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(out.text.splitlines()) == sorted([f"kb serve: {t}" for t in said] + problems)


def test_a_build_not_finished_when_the_preview_stops_writes_nothing(tmp_path: Path) -> None:
    """The search index of a build is made in the background: once the preview stops (its
    folder, a temporary one when another preview has the kept one, is then removed), a
    build that has not started finishing writes nothing, so no folder comes back."""
    from generator.core.project import Project
    from generator.site.serve import Preview

    work = tmp_path / "work"
    page = work / "site" / "demo-2" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h1>Demo</h1>")
    out = io.StringIO()
    preview = Preview(Project(tmp_path), (), "demo-2", 1, work, out)
    preview.stopped = True
    preview._finish(None, "demo-2", set(), preview.generation)  # type: ignore[arg-type]
    assert sorted(p.relative_to(work).as_posix() for p in work.rglob("*")) == [
        "site", "site/demo-2", "site/demo-2/index.html"]
    assert out.getvalue() == ""


def test_bad_input_keeps_the_last_good_build(served: tuple[Server, Path, str]) -> None:
    server, repo, url = served
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    good = entry.read_text()
    entry.write_text(good.replace("id: disk-full", "id: disk-full\nid: again"))
    line = server.wait_for(lambda text: text.startswith("catalogue/"))
    assert line == ("catalogue/demo/disk-full.yml:2:1: error: YAML: duplicate key 'id'; "
                    "keep one of the two values")
    server.wait_for(lambda text: text == (
        "kb serve: the build failed; still serving the last good build"))
    assert "The disk is full" in fetch(url + "demo/")
    # Every page shows the problem over the last good build, until it is fixed.
    page = poll(url + "demo/", lambda text: "kb-serve-error" in text)
    assert "The disk is full" in page
    assert "disk-full.yml:2:1: error: YAML: duplicate key &#x27;id&#x27;" in page
    entry.write_text(good.replace("The disk is full", "The disk is quite full"))
    page = poll(url + "demo/", lambda text: "The disk is quite full" in text)
    assert "kb-serve-error" not in page


def test_stops_cleanly_and_the_next_start_reuses_its_folder(
        served: tuple[Server, Path, str], tmp_path: Path) -> None:
    server, repo, _url = served
    work = repo / server.lines[0].split(" into ")[1]
    assert work == repo / "build" / "serve" / "demo-2" and work.is_dir()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=30) == 0
    server.wait_for(lambda text: text == "kb serve: stopped")
    assert (work / "site" / "demo-2" / "demo" / "index.html").is_file()
    with start(repo, tmp_path) as again:
        built = next(line for line in again.lines if line.startswith("kb serve: built"))
        assert "(0 pages rendered, " in built, built


def test_a_second_preview_of_the_same_version_works_in_a_folder_of_its_own(
        served: tuple[Server, Path, str], tmp_path: Path) -> None:
    _server, repo, url = served
    with start(repo, tmp_path) as other:
        work = Path(other.lines[0].split(" into ")[1])
        assert work.is_absolute() and not work.is_relative_to(repo)
        assert "The disk is full" in fetch(other.url + "demo/")
    assert not work.exists()
    assert "The disk is full" in fetch(url + "demo/")  # the first one is still serving


@pytest.mark.browser
def test_the_open_page_shows_the_problem_and_clears_it_when_fixed(
        served: tuple[Server, Path, str], browser: Any) -> None:
    """In Chromium: the page reloads by itself after a failed build and shows the problem
    over the last good build; after the fix it reloads again without it."""
    _server, repo, url = served
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + "demo/")
        assert "The disk is full" in page.inner_text("article")
        assert page.locator(".kb-serve-error").count() == 0
        entry = repo / "catalogue" / "demo" / "disk-full.yml"
        good = entry.read_text()
        entry.write_text(good.replace("id: disk-full", "id: disk-full\nid: again"))
        box = page.locator(".kb-serve-error")
        box.wait_for(timeout=60_000)
        assert "duplicate key 'id'" in box.inner_text()
        assert "The disk is full" in page.inner_text("article")  # the last good build
        entry.write_text(good.replace("The disk is full", "The disk is now fine"))
        page.wait_for_function("() => document.querySelector('.kb-serve-error') === null "
                               "&& document.body.innerText.includes('The disk is now fine')",
                               timeout=60_000)
    finally:
        context.close()
