"""Shared fixtures: repository paths, the golden-file flag, the shipped site and the snapshot."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Fact sources kept beside the repository; tests that read them skip when absent.
SHARED = Path(os.environ.get("KB_SHARED") or ROOT.parent / "shared").resolve()


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


# ---------------------------------------------------------------------------
# The shipped knowledge base, built once per test session, served on 127.0.0.1,
# and a real browser (Debian's chromium driven by Playwright).
# ---------------------------------------------------------------------------


REPO_PARTS = ("mkdocs.yml", "catalogue", "content", "overrides")
# The shipped knowledge base frozen (see its README.md): tests that pin exact output use it.
SNAPSHOT = FIXTURES / "catalogues" / "snapshot"
CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
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
    args = ["--engine", engine] if engine else []
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build", *args], cwd=repo, capture_output=True,
        text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return repo / "site"


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base built from scratch with the real `kb build`; tests on it
    assert only what holds for any valid catalogue."""
    return build_repo(copy_repo(tmp_path_factory.mktemp("shipped") / "repo"))


# What a team sets in mkdocs.yml for its own knowledge base (the shipped file sets neither):
# the snapshot has them, so that tests pin the feedback links and addresses they give.
CONFIGURED = ("\nsite_url: https://kb.example.org/\n"
              "repo_url: https://github.com/example/kb\n")


@pytest.fixture(scope="session")
def snapshot_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding the SNAPSHOT with the project's configuration and theme, and a
    site and repository address set; tests that pin exact output run kb there (and must
    not change it)."""
    repo = copy_repo(tmp_path_factory.mktemp("snapshot") / "repo", SNAPSHOT)
    with (repo / "mkdocs.yml").open("a", encoding="utf-8") as settings:
        settings.write(CONFIGURED)
    return repo


@pytest.fixture(scope="session")
def snapshot_site(snapshot_repo: Path) -> Path:
    """The SNAPSHOT built with the real `kb build`, for exact output."""
    return build_repo(snapshot_repo)


# The site engines (`kb build --engine`); MkDocs + Material for MkDocs is the default.
ENGINES = ("mkdocs", "zensical")


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
    repo = copy_repo(tmp_path_factory.mktemp("snapshot-zensical") / "repo", SNAPSHOT)
    with (repo / "mkdocs.yml").open("a", encoding="utf-8") as settings:
        settings.write(CONFIGURED)
    return build_repo(repo, "zensical")


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


def serve_with(handler: Any) -> Iterator[str]:
    """Serve requests with `handler` on 127.0.0.1 (a free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
    """Debian's chromium, launched by Playwright from its path (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./dev test, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
