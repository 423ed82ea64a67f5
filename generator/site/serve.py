"""Preview (`kb serve`): one version built into a private folder, served with live reload.

Input: a Project, a version (moniker or alias) and a port; output: an HTTP server on
127.0.0.1 that rebuilds when catalogue/, content/, overrides/ or mkdocs.yml change,
reloads open pages, and keeps serving the last good build while the sources are broken.
"""

from __future__ import annotations

import html
import json
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TextIO

from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
from ..core.project import Project, site_settings
from .build import redirect_page, write_tree
from .checks import load_checked
from .engines import ENGINES, choose
from .feature import Feature, finish_version
from .trees import render_trees

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Preview:
    """The served folder and how to rebuild it: `<root>/<moniker>/`, versions.json, index."""

    project: Project
    features: Sequence[Feature]
    version: str
    port: int
    root: Path
    out: TextIO = field(default=sys.stderr)
    moniker: str = ""
    good: bool = False  # a build succeeded at least once
    engine: str | None = None  # the engine asked for on the command line

    def url(self) -> str:
        return f"http://{HOST}:{self.port}/{self.moniker or self.version}/"

    def say(self, text: str) -> None:
        print(f"kb serve: {text}", file=self.out, flush=True)

    def report(self, problems: list[str]) -> None:
        for line in problems:
            print(line, file=self.out, flush=True)

    def build(self) -> bool:
        """Rebuild the version; on bad input print why and keep the last good build."""
        started = time.perf_counter()
        try:
            self._build()
        except DiagnosticError as err:
            self.report([d.format() for d in err.diagnostics])
            self._failed()
            return False
        except Exception as err:  # a preview server reports and goes on serving
            self.say(f"error: {err.__class__.__name__}: {err}")
            self._failed()
            return False
        self.good = True
        self.say(f"built {self.moniker} in {time.perf_counter() - started:.1f} s")
        return True

    def rebuild(self) -> None:
        """The server's builder: it must not raise, or the server would stop serving."""
        self.build()

    def _failed(self) -> None:
        if self.good:
            self.say("the build failed; still serving the last good build")
            return
        self.say("the build failed; fix the problems above and save, the preview follows")
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>Build failed</title></head><body><h1>The build failed</h1>"
                f"<p>{html.escape('See the terminal running kb serve for the problems.')}"
                "</p></body></html>\n")
        (self.root / "index.html").write_text(page, encoding="utf-8")

    def _build(self) -> None:
        project = self.project
        engine = choose(site_settings(project), project.mkdocs_yml,
                        project.rel(project.mkdocs_yml), self.engine)
        diagnostics = Diagnostics()
        catalogue = load_checked(project, diagnostics, self.features, markdown=False, jobs=1)
        if catalogue is None:
            raise DiagnosticError(diagnostics.sorted())
        moniker = catalogue.products.resolve_alias(self.version)
        if moniker is None:
            problem = Diagnostics()
            problem.error(Loc(project.rel(project.products_yml)), "kb serve",
                          f"unknown version '{self.version}'",
                          "choose one of: " + ", ".join(catalogue.products.names))
            raise DiagnosticError(problem.items)
        self.moniker = moniker
        self.report([d.format() for d in diagnostics.sorted()])  # warnings
        trees, problems = render_trees(project, catalogue, self.features, [moniker], jobs=1)
        self.report([d.format() for d in problems.sorted()])
        if problems.has_errors():
            raise DiagnosticError([])
        tree = trees[0]
        work = self.root.parent
        docs, staging = work / "docs", work / "next"
        write_tree(tree, docs)
        if staging.exists():
            shutil.rmtree(staging)
        _seconds, warnings = engine.plain_build(str(project.mkdocs_yml), str(docs),
                                                str(staging), tree.nav, tree.extra, self.url())
        if not staging.is_dir():  # the engine stopped: what it said is the error
            self.report([f"build/docs/{moniker}: error: {ENGINES[engine.NAME]}: {w}"
                         for w in warnings])
            raise DiagnosticError([])
        self.report([f"build/docs/{moniker}: warning: {ENGINES[engine.NAME]}: {w}"
                     for w in warnings])
        # What features add to a built version (the search index) comes with each rebuild.
        finish_version(self.features, project, catalogue, moniker, staging)
        target = self.root / moniker
        old = work / "old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        title = catalogue.products[moniker].title
        versions = [{"version": moniker, "title": title, "aliases": []}]
        (self.root / "versions.json").write_text(json.dumps(versions, indent=2) + "\n",
                                                 encoding="utf-8")
        (self.root / "index.html").write_text(redirect_page(f"{moniker}/", title),
                                              encoding="utf-8")


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(project: Project, features: Sequence[Feature], version: str, port: int = 8000,
          out: TextIO = sys.stderr, engine: str | None = None) -> int:
    """Build with `features`, serve and rebuild on change until interrupted; the exit status."""
    from mkdocs.livereload import LiveReloadServer

    work = Path(tempfile.mkdtemp(prefix="kb-serve-"))
    root = work / "site"
    root.mkdir()
    preview = Preview(project, features, version, port or free_port(), root, out,
                      engine=engine)
    server = None
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        preview.say(f"building {version} into {work}")
        preview.build()
        server = LiveReloadServer(builder=preview.rebuild, host=HOST, port=preview.port,
                                  root=str(root), mount_path="/")
        for path in (project.catalogue, project.content, project.overrides,
                     project.mkdocs_yml):
            if path.exists():
                server.watch(str(path))
        try:
            server.server_bind()
            server.server_activate()
        except OSError as err:
            preview.say(f"error: cannot listen on {HOST}:{preview.port}: {err.strerror}; "
                        "pass another --port")
            return 1
        # Watch and listen before saying so, so that a change made right after the
        # message is seen; then run the server's own loop (its bind step is done).
        server.observer.start()
        time.sleep(1)  # the polling observer takes its first snapshot
        preview.say(f"serving {preview.url()} (watching catalogue/, content/, overrides/, "
                    "mkdocs.yml; Ctrl+C to stop)")
        server.serve_thread.start()
        server._build_loop()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        preview.say("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def default_version(project: Project) -> str:
    """The default moniker of products.yml, or 'latest' when it cannot be read."""
    from ..catalogue.validate import project_products

    products = project_products(project)
    return products.default if products is not None else "latest"

