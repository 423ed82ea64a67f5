"""Shared fixtures: repository paths, the golden-file flag, the shipped site and the snapshot."""

from __future__ import annotations

import fcntl
import functools
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.site.engines.mkdocs import TEMPLATE_CACHE
from tests import kbfork

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Fact sources kept beside the repository; tests that read them skip when absent.
SHARED = Path(os.environ.get("KB_SHARED") or ROOT.parent / "shared").resolve()


def pytest_configure(config: pytest.Config) -> None:
    """The suite runs one worker per core (./dev test): a build or check a test runs stays
    in its worker's process (or its `kb` command's), instead of forking workers of its own,
    which on these small sites costs more CPU than it saves, with every core busy already.
    Tests of the parallel code ask for processes themselves (jobs=2, -j 2); KB_JOBS=2
    ./dev test runs every build of the suite in two processes. Set here, in pytest's runs
    only: the benchmarks import helpers from this module and build as users do.

    The theme's compiled templates are kept in one folder for the whole run
    (KB_TEMPLATE_CACHE; the workers inherit it), not in each test repository's build/: a
    test's first build compiles none of the installed theme's templates another test
    compiled. test_build_cache.py tests the folder a repository keeps of its own."""
    os.environ.setdefault("KB_JOBS", "1")
    if TEMPLATE_CACHE not in os.environ:
        folder = tempfile.mkdtemp(prefix="kb-test-templates-")
        _MADE.append(folder)
        os.environ[TEMPLATE_CACHE] = folder


_MADE: list[str] = []  # folders this process made for the run, removed at its end


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _MADE:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite expected golden files from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def no_blocks_in_memory() -> None:
    """Each test starts with a process that holds no converted block (nor theme
    environment) in memory: what a test counts of a build's conversions does not depend on
    which tests ran before it in the same worker (builds in one process share them)."""
    from generator.site.engines.mkdocs import forget

    forget()


# ---------------------------------------------------------------------------
# Parallel workers (pytest-xdist; ./dev test runs `-n auto --dist loadgroup`). Tests go to
# whichever worker is free, one at a time, except the modules below, whose tests all go
# to one worker: their module-scoped fixtures build sites (made once per worker that runs
# them), or a test reads what an earlier test of the module left.
# ---------------------------------------------------------------------------

ONE_WORKER = frozenset({
    "tests/fuzz/test_fuzz_lookup.py",  # the JavaScript property checks the Python one's inputs
    "tests/test_check_links.py",
    "tests/test_engines.py",
    "tests/test_lookup_pieces.py",
    "tests/test_markdown_fidelity.py",
    "tests/test_payloads_browser.py",
    "tests/test_publish.py",
    "tests/test_templates.py",
})


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unused without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadgroup`: each test is its own unit of work, but the tests of an
    ONE_WORKER module form one. (pytest-xdist's own `xdist_group` marks rename node ids,
    which pytest 9 no longer lets a plugin do, so the groups are named here.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Grouped(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER else nodeid

    return Grouped(config, log)


# ---------------------------------------------------------------------------
# The shipped knowledge base, built once per test session, served on 127.0.0.1,
# and a real browser (Debian's Chromium, its headless shell, driven by Playwright).
# ---------------------------------------------------------------------------


REPO_PARTS = ("mkdocs.yml", "catalogue", "content", "overrides")
# The shipped knowledge base frozen (see its README.md): tests that pin exact output use it.
SNAPSHOT = FIXTURES / "catalogues" / "snapshot"
# Debian's Chromium as its headless shell (package chromium-headless-shell): the same
# engine as the desktop browser at a third of the CPU per page, which is what lets the
# browser tests run beside the others. KB_CHROMIUM=/usr/bin/chromium runs them in the
# desktop browser instead.
CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def copy_repo(target: Path, content: Path = ROOT) -> Path:
    """The repository's sources (not its build output) copied to `target`; `content`:
    where catalogue/ and content/ come from (the repository, or the SNAPSHOT)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in REPO_PARTS:
        src = (content if part in ("catalogue", "content") else ROOT) / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        else:
            shutil.copy(src, target / part)
    return target


def build_repo(repo: Path, engine: str | None = None) -> Path:
    """`kb build` in `repo` (tests/kbfork.py); the site it wrote."""
    args = ["--engine", engine] if engine else []
    code, _, stderr = kbfork.run(["build", *args], repo, {**os.environ, "PYTHONPATH": str(ROOT)},
                                 None, 600)
    assert code == 0, stderr
    return repo / "site"


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder of this test run that every parallel worker (pytest-xdist) sees alike."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return base / name


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str,
              make: Callable[[Path], object]) -> Path:
    """The folder `name`, filled by `make(folder)` once per test run, however many parallel
    workers ask for it: the first one makes it while the others wait. A folder `make`
    failed to finish is made again from nothing by the next one to ask."""
    folder = shared_folder(tmp_path_factory, name)
    folder.parent.mkdir(parents=True, exist_ok=True)
    done = folder.with_name(name + ".done")
    with open(folder.with_name(name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                if folder.exists():
                    shutil.rmtree(folder)
                folder.mkdir()
                make(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base built from scratch with the real `kb build` (once for
    all workers; tests must not change it); tests on it assert only what holds for any
    valid catalogue."""
    folder = made_once(tmp_path_factory, "shipped",
                       lambda folder: build_repo(copy_repo(folder / "repo")))
    return folder / "repo" / "site"


# What a team sets in mkdocs.yml for its own knowledge base (the shipped file sets neither):
# the snapshot has them, so that tests pin the feedback links and addresses they give.
CONFIGURED = ("\nsite_url: https://kb.example.org/\n"
              "repo_url: https://github.com/example/kb\n")


def configured_snapshot(target: Path) -> Path:
    """A repository at `target` holding the SNAPSHOT with the project's configuration and
    theme, and a site and repository address set."""
    repo = copy_repo(target, SNAPSHOT)
    with (repo / "mkdocs.yml").open("a", encoding="utf-8") as settings:
        settings.write(CONFIGURED)
    return repo


@pytest.fixture(scope="session")
def snapshot_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`configured_snapshot`: tests that pin exact output run kb there (and must not
    change it)."""
    return configured_snapshot(tmp_path_factory.mktemp("snapshot") / "repo")


@pytest.fixture(scope="session")
def snapshot_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`configured_snapshot` built with the real `kb build` (once for all workers), for
    exact output; its parent is the repository it was built in."""
    folder = made_once(tmp_path_factory, "snapshot-mkdocs",
                       lambda folder: build_repo(configured_snapshot(folder / "repo")))
    return folder / "repo" / "site"


# The site engines (`kb build --engine`); MkDocs + Material for MkDocs is the default.
ENGINES = ("mkdocs", "zensical")
# Tests of what the project's own scripts do with their data (the troubleshooter's
# answers and history, the lookup's matching, what readers type), where the engine's page
# around the script plays no part, run on the default engine's build alone. What differs
# between the engines' builds (their pages' layout, scripts and policy, the version
# selector, the search index made from their pages) and a walk through each feature are
# tested on each engine's build.
default_engine_only = pytest.mark.parametrize("engine", ENGINES[:1], indirect=True)


# What Zensical 0.0.73's theme script throws on a #fragment it cannot decode, or cannot quote
# in its `[id="…"]` selector: the page works, the theme only stops following that fragment.
# Material's script does not throw there (README, "Build engines").
ZENSICAL_FRAGMENT_ERRORS = re.compile(
    r"Failed to execute 'querySelector' on 'Document': '\[id=\".*\"\]' is not a valid "
    r"selector\.|URI malformed", re.DOTALL)


def page_errors(engine: str, errors: list[str]) -> list[str]:
    """The errors a page logged, less those its engine's theme is known to log."""
    return [e for e in errors
            if not (engine == "zensical" and ZENSICAL_FRAGMENT_ERRORS.fullmatch(e))]


@pytest.fixture(scope="session")
def snapshot_site_zensical(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SNAPSHOT built with Zensical (`kb build --engine zensical`), in a repository of
    its own, configured like `snapshot_repo`: compared with the MkDocs build, and driven in
    chromium like it."""
    folder = made_once(tmp_path_factory, "snapshot-zensical",
                       lambda folder: build_repo(configured_snapshot(folder / "repo"),
                                                 "zensical"))
    return folder / "repo" / "site"


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each site engine in turn: tests taking it run once per engine."""
    return str(request.param)


@pytest.fixture(scope="session")
def engine_site(engine: str, request: pytest.FixtureRequest) -> Path:
    """The SNAPSHOT built by `engine` (the builds are shared with the other tests)."""
    name = "snapshot_site" if engine == "mkdocs" else f"snapshot_site_{engine}"
    site: Path = request.getfixturevalue(name)
    return site


@pytest.fixture(scope="session")
def engine_url(engine_site: Path) -> Iterator[str]:
    """`engine_site` served on 127.0.0.1."""
    yield from serve(engine_site)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    yield from serve_with(functools.partial(_QuietHandler, directory=str(directory)))


class _Server(ThreadingHTTPServer):
    # A browser opens several connections at once, and a busy machine accepts them late:
    # past the listen queue (5 by default), a connection waits for the client's retries
    # (1 s, then 3 s, 7 s, ...), long enough to time a test out.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves a page drops the requests still open: not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve_with(handler: Any) -> Iterator[str]:
    """Serve requests with `handler` on 127.0.0.1 (a free port); yields the base URL."""
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(shipped_site: Path) -> Iterator[str]:
    yield from serve(shipped_site)


@pytest.fixture(scope="session")
def snapshot_url(snapshot_site: Path) -> Iterator[str]:
    yield from serve(snapshot_site)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched by Playwright from its path (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./dev test, which installs it from Debian's "
                    "packages (chromium-headless-shell)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
