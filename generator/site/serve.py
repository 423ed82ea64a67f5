"""Preview (`kb serve`): one version built into build/serve/, served with live reload.

Input: a Project, a version (moniker or alias) and a port; output: an HTTP server on
127.0.0.1 that rebuilds when catalogue/, content/, overrides/ or mkdocs.yml change,
reloads open pages, and keeps serving the last good build while the sources are broken,
with the problems shown over every page until they are fixed.

An edit costs what changed, not a whole build: converted Markdown blocks come from the
cache `kb build` shares (build/cache/blocks/), pages whose content did not change are
copied from the previous preview (kept in build/serve/ from one `kb serve` to the next),
and what features add after the engine (the search index) is done after the pages
reload, carried over from the previous build until then.
"""

from __future__ import annotations

import contextlib
import fcntl
import html
import json
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any, TextIO

from ..catalogue.model import Catalogue
from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
from ..core.files import link_or_copy
from ..core.project import Project, site_settings
from ..core.versions import moniker_hint
from .build import redirect_page, write_tree
from .checks import load_checked
from .engines import DEFAULT, ENGINES, Request, choose
from .feature import Feature, finish_version
from .trees import render_trees

HOST = "127.0.0.1"
MANIFEST = "manifest.json"  # the engine's manifest of the served build, for the next one
ADDED = "added.json"  # the files features added after the engine, carried to the next


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink()}


def overlay(problems: Sequence[str]) -> bytes:
    """What every served page shows while the sources are broken: the problems, over the
    last good build (no script: the page's own reload clears it once the build is fixed)."""
    text = html.escape("\n".join(problems) or "See the terminal running kb serve.")
    return (
        '<div class="kb-serve-error" role="alert" style="position:fixed;inset:auto 0 0 0;'
        "z-index:1000;max-height:50vh;overflow:auto;margin:0;padding:1em 1.5em;"
        "background:#3b0d0c;color:#fff;font:14px/1.5 ui-monospace,monospace;"
        'border-top:4px solid #ff5252"><strong>kb serve: the build failed</strong> '
        "(this page is the last good build; fix the problems and save)"
        f'<pre style="white-space:pre-wrap;margin:.5em 0 0;color:#fff">{text}</pre></div>'
    ).encode()


@dataclass
class Preview:
    """The served folder and how to rebuild it: `<root>/<moniker>/`, versions.json, index."""

    project: Project
    features: Sequence[Feature]
    version: str
    port: int
    work: Path  # docs/, site/ (the served root), the manifest of the served build
    out: TextIO = field(default=sys.stderr)
    moniker: str = ""
    good: bool = False  # a build succeeded at least once
    problems: list[str] = field(default_factory=list)  # shown over pages while not []
    # `swapping` guards the served folder while a build replaces it or a feature's output
    # is put in; `finishing` lets one feature run at a time; `generation` counts the builds.
    swapping: threading.Lock = field(default_factory=threading.Lock)
    finishing: threading.Lock = field(default_factory=threading.Lock)
    # A feature finishing in the background prints as a build reports: one line at a time.
    printing: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0
    background: bool = True  # features finish a build after its pages reload
    stopped: bool = False  # the preview is stopping: a build not finished yet stays so
    pages: str = ""  # what the last build rendered and copied
    engine: str | None = None  # the engine asked for on the command line

    @property
    def root(self) -> Path:
        return self.work / "site"

    def url(self) -> str:
        return f"http://{HOST}:{self.port}/{self.moniker or self.version}/"

    def say(self, text: str) -> None:
        self.report([f"kb serve: {text}"])

    def report(self, lines: list[str]) -> None:
        """Print whole lines, each in one write: never cut by another thread's."""
        with self.printing:
            for line in lines:
                self.out.write(line + "\n")
            self.out.flush()

    def build(self) -> bool:
        """Rebuild the version; on bad input print why and keep the last good build."""
        started = time.perf_counter()
        try:
            self._build()
        except DiagnosticError as err:
            lines = [d.format() for d in err.diagnostics]
            self.report(lines)
            self._failed(lines or self.problems)
            return False
        except Exception as err:  # a preview server reports and goes on serving
            line = f"error: {err.__class__.__name__}: {err}"
            self.say(line)
            self._failed([line])
            return False
        self.good = True
        self.problems = []
        self.say(f"built {self.moniker} in {time.perf_counter() - started:.1f} s ({self.pages})")
        return True

    def rebuild(self) -> None:
        """The server's builder: it must not raise, or the server would stop serving."""
        self.build()

    def _failed(self, problems: list[str]) -> None:
        self.problems = problems or ["the build failed"]
        if self.good:
            self.say("the build failed; still serving the last good build")
            return
        self.say("the build failed; fix the problems above and save, the preview follows")
        page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>Build failed</title></head><body><h1>The build failed</h1>"
                f"<p>{html.escape('See the terminal running kb serve for the problems.')}"
                "</p></body></html>\n")
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "index.html").write_text(page, encoding="utf-8")

    def _build(self) -> None:
        project = self.project
        engine = choose(site_settings(project), project.mkdocs_yml,
                        project.rel(project.mkdocs_yml), self.engine)
        diagnostics = Diagnostics()
        # Validated topics and rendered topic pages are kept by their sources, in the caches
        # kb build keeps too: a rebuild redoes only the topics an edit touched.
        caches = project.build_dir / "cache"
        catalogue = load_checked(project, diagnostics, self.features, markdown=False, jobs=1,
                                 cache=caches / "topics")
        if catalogue is None:
            raise DiagnosticError(diagnostics.sorted())
        moniker = catalogue.products.resolve_alias(self.version)
        if moniker is None:
            problem = Diagnostics()
            problem.error(Loc(project.rel(project.products_yml)), "kb serve",
                          f"unknown version '{self.version}'",
                          moniker_hint(self.version, catalogue.products.names))
            raise DiagnosticError(problem.items)
        self.moniker = moniker
        self.report([d.format() for d in diagnostics.sorted()])  # warnings
        trees, problems = render_trees(project, catalogue, self.features, [moniker], jobs=1,
                                       cache=caches / "pages")
        if problems.has_errors():
            raise DiagnosticError(problems.sorted())  # with its warnings, as they came
        self.report([d.format() for d in problems.sorted()])
        tree = trees[0]
        docs, staging, target = self.work / "docs", self.work / "next", self.root / moniker
        write_tree(tree, docs)
        if staging.exists():
            shutil.rmtree(staging)
        previous = self._previous(target, engine.NAME)
        result = engine.build_version(Request(
            str(project.mkdocs_yml), str(docs), str(staging), tree.nav, tree.extra,
            # No site address: pages do not depend on the port, so the next start reuses them.
            "", dict(tree.pieces), str(project.build_dir / "cache" / "blocks"),
            str(target) if previous else "", previous))
        name = ENGINES[engine.NAME]
        if not staging.is_dir():  # the engine stopped: what it said is the error
            self.report([f"build/docs/{moniker}: error: {name}: {w}" for w in result.warnings])
            raise DiagnosticError([])
        self.report([f"build/docs/{moniker}: warning: {name}: {w}" for w in result.warnings])
        self.pages = (f"{result.rendered} page{'s' if result.rendered != 1 else ''} rendered, "
                      f"{result.reused_pages} unchanged")
        engine_files = _files(staging)
        with self.swapping:  # features finish on a copy: a rebuild never waits for them
            self.generation += 1
            generation = self.generation
            self._carry_over(target, staging, engine_files)
            old = self.work / "old"
            if old.exists():
                shutil.rmtree(old)
            if target.exists():
                target.rename(old)
            target.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
            (self.work / MANIFEST).write_text(
                json.dumps({"engine": engine.NAME, "manifest": result.manifest}),
                encoding="utf-8")
        title = catalogue.products[moniker].title
        versions = [{"version": moniker, "title": title, "aliases": []}]
        (self.root / "versions.json").write_text(json.dumps(versions, indent=2) + "\n",
                                                 encoding="utf-8")
        (self.root / "index.html").write_text(redirect_page(f"{moniker}/", title),
                                              encoding="utf-8")
        if self.background:
            threading.Thread(target=self._finish,
                             args=(catalogue, moniker, engine_files, generation),
                             daemon=True).start()
        else:
            self._finish(catalogue, moniker, engine_files, generation)

    def _previous(self, target: Path, engine: str) -> dict[str, Any]:
        """The served build's manifest, when `engine` made that build and it is there to copy
        pages from."""
        try:
            kept = json.loads((self.work / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(kept, dict) or kept.get("engine") != engine or not target.is_dir():
            return {}
        manifest = kept.get("manifest")
        return manifest if isinstance(manifest, dict) else {}

    def _carry_over(self, target: Path, staging: Path, engine_files: set[str]) -> None:
        """Until features finish the new build, it keeps what they added to the last one
        (the search index): only files they added, never a page the engine no longer makes."""
        try:
            added = json.loads((self.work / ADDED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for rel in added if isinstance(added, list) else []:
            source = target / rel
            if isinstance(rel, str) and rel not in engine_files and source.is_file() \
                    and not source.is_symlink():
                link_or_copy(source, staging / rel)

    def _finish(self, catalogue: Catalogue, moniker: str, engine_files: set[str],
                generation: int) -> None:
        """What features add to a built version (the search index): made on a copy of the
        served folder, then put into it, unless a newer build has replaced it meanwhile (that
        build is finished in turn)."""
        with self.finishing:
            if self.stopped:  # its folder may be gone already: nothing is written there
                return
            target, copy = self.root / moniker, self.work / "finishing"
            shutil.rmtree(copy, ignore_errors=True)
            with self.swapping:
                if generation != self.generation:
                    return
                shutil.copytree(target, copy, copy_function=link_or_copy)
            for rel in _files(copy) - engine_files:  # features make theirs anew
                (copy / rel).unlink()
            started = time.perf_counter()
            try:
                finish_version(self.features, self.project, catalogue, moniker, copy)
                added = sorted(_files(copy) - engine_files)
                with self.swapping:
                    if generation != self.generation:
                        return
                    for rel in added:
                        (target / rel).unlink(missing_ok=True)
                        link_or_copy(copy / rel, target / rel)
                    (self.work / ADDED).write_text(json.dumps(added), encoding="utf-8")
            except Exception as err:  # the pages are served; say what is missing
                self.say(f"warning: finishing {moniker} failed: "
                         f"{err.__class__.__name__}: {err}")
                return
            finally:
                shutil.rmtree(copy, ignore_errors=True)
            if added:
                self.say(f"finished {moniker} (search index) in "
                         f"{time.perf_counter() - started:.1f} s")


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def workplace(project: Project, name: str) -> Iterator[tuple[Path, bool]]:
    """build/serve/NAME, kept from one `kb serve` to the next (what it holds is reused), or
    a temporary folder when another `kb serve` of the same version is using it; yields the
    folder and whether it is the kept one."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).lstrip(".") or "_"
    kept = project.build_dir / "serve" / safe
    kept.mkdir(parents=True, exist_ok=True)
    lock: IO[str] = (kept.parent / f"{safe}.lock").open("w")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            spare = Path(tempfile.mkdtemp(prefix="kb-serve-"))
            try:
                yield spare, False
            finally:
                shutil.rmtree(spare, ignore_errors=True)
            return
        yield kept, True
    finally:
        lock.close()


def _server_class() -> Any:
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        """MkDocs' live-reload server that also shows the build's problems on each page."""

        preview: Preview | None = None

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            page = super()._inject_js_into_html(content, epoch)  # type: ignore[no-untyped-call]
            if self.preview is None or not self.preview.problems or not self.preview.good:
                return bytes(page)
            box = overlay(self.preview.problems)
            at = page.rfind(b"<script>")
            return bytes(page[:at] + box + page[at:]) if at >= 0 else bytes(page + box)

    return PreviewServer


def serve(project: Project, features: Sequence[Feature], version: str, port: int = 8000,
          out: TextIO = sys.stderr, engine: str | None = None) -> int:
    """Build with `features`, serve and rebuild on change until interrupted; the exit status."""
    from ..catalogue.validate import project_products

    products = project_products(project)
    moniker = (products.resolve_alias(version) if products is not None else None) or version
    if engine is not None and engine != DEFAULT:
        moniker = f"{moniker}-{engine}"  # each engine's preview in a folder of its own
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with workplace(project, moniker) as (work, kept):
            preview = Preview(project, features, version, port or free_port(), work, out,
                              engine=engine)
            try:
                return _serve(preview, project, version, kept)
            finally:
                # A feature finishing a build in the background ends before the folder is
                # left (a temporary one is removed); one not started yet does not start.
                preview.stopped = True
                with preview.finishing:
                    pass
    except KeyboardInterrupt:
        print("kb serve: stopped", file=out, flush=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _serve(preview: Preview, project: Project, version: str, kept: bool) -> int:
    """Build, then serve and rebuild on change until interrupted (KeyboardInterrupt)."""
    where = project.rel(preview.work) if kept else str(preview.work)
    preview.say(f"building {version} into {where}")
    server = _server_class()(builder=preview.rebuild, host=HOST, port=preview.port,
                             root=str(preview.root), mount_path="/")
    server.preview = preview
    try:
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
        # Watch before the first build: a change made while it runs is built next.
        server.observer.start()
        preview.build()
        preview.say(f"serving {preview.url()} (watching catalogue/, content/, overrides/, "
                    "mkdocs.yml; Ctrl+C to stop)")
        server.serve_thread.start()
        server._build_loop()
        return 0
    finally:
        server.shutdown()


def default_version(project: Project) -> str:
    """The default moniker of products.yml, or 'latest' when it cannot be read."""
    from ..catalogue.validate import project_products

    products = project_products(project)
    return products.default if products is not None else "latest"
