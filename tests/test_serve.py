"""`kb serve`: one version on 127.0.0.1, rebuilt on change, last good build kept on errors."""

from __future__ import annotations

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

import pytest

from tests.conftest import ROOT
from tests.helpers_cli import fixture_repo

pytestmark = pytest.mark.e2e


class Server:
    """A running `kb serve`: its process and the lines it printed so far."""

    def __init__(self, proc: subprocess.Popen[str]):
        self.proc = proc
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


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Path, str]]:
    repo = fixture_repo(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0", "--version", "demo-2"],
        cwd=repo, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=env)
    server = Server(proc)
    try:
        line = server.wait_for(lambda text: text.startswith("kb serve: serving "))
        url = line.split()[3]
        yield server, repo, url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


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
    entry = repo / "catalogue" / "demo" / "disk-full.yml"
    entry.write_text(entry.read_text().replace("The disk is full", "The volume is full"))
    poll(url + "demo/", lambda text: "The volume is full" in text)
    assert not (repo / "site").exists() and not (repo / "build").exists()


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
    entry.write_text(good.replace("The disk is full", "The disk is quite full"))
    poll(url + "demo/", lambda text: "The disk is quite full" in text)


def test_stops_cleanly_and_removes_its_folder(served: tuple[Server, Path, str]) -> None:
    server, _repo, _url = served
    work = Path(server.lines[0].split(" into ")[1])
    assert work.is_dir()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=30) == 0
    server.wait_for(lambda text: text == "kb serve: stopped")
    assert not work.exists()
