"""Build: render every version, run one engine build per version, publish `site/`.

Input: a Project; output: `site/<moniker>/` for every moniker, `site/versions.json`
(mike's format), `site/index.html` and alias redirects. Versions build in parallel
processes; each distinct block of Markdown is converted once and kept under `build/`, a
version whose tree is unchanged (and built by the same generator) is reused whole and a
changed one renders only its changed pages again; `site/` is replaced only when all
succeeded. With nothing changed since the last build, nothing is done. One version can be
built alone (`--only`, a *part*) and parts built apart assembled into `site/`
(`assemble_parts`), as the single build makes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..catalogue.model import Catalogue
from ..core.cache import code_digest, file_digest, package_stamps
from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
from ..core.files import link_or_copy
from ..core.parallel import process_pool, workers
from ..core.project import Project, UnsafePath, inside, site_settings
from ..core.versions import Products, moniker_hint
from .checks import load_built, load_checked
from .csp import apply_policy
from .engines import DEFAULT, ENGINES, Request, Result, choose, load
from .feature import Feature, finish_site, finish_version
from .publish import check_folders, publish, publish_folder, publishing
from .trees import VersionTree, render_trees

CACHE_FORMAT = "4"  # 3: pages carry a Content-Security-Policy; 4: and a manifest each
PART_FILE = "kb-part.json"


@dataclass
class BuildReport:
    """What a build did, for the CLI and benchmarks."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    render_seconds: float = 0.0
    total_seconds: float = 0.0
    unchanged: bool = False  # nothing changed since the last build: nothing was done
    converted: int = 0  # blocks of Markdown converted (the others came from the cache)
    reused_blocks: int = 0
    rendered_pages: int = 0
    reused_pages: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # seconds of each stage
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds (workers included)

    def lap(self, stage: str, since: float) -> float:
        """Note the seconds of `stage` (since `since`); returns now."""
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - since
        spent = cpu_seconds()
        self.cpu[stage] = self.cpu.get(stage, 0.0) + spent - self._cpu
        self._cpu = spent
        return now

    _cpu: float = field(default_factory=lambda: cpu_seconds(), repr=False)


def cpu_seconds() -> float:
    """CPU seconds of this process and of the workers it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def version_url(site_url: str, moniker: str) -> str:
    base = site_url.rstrip("/") + "/" if site_url else ""
    return f"{base}{moniker}/" if base else ""


def tree_digests(tree: VersionTree) -> dict[str, str]:
    """Each file of a version's tree by its digest (sha256)."""
    if tree.digests.keys() == tree.files.keys():
        return tree.digests
    return {name: hashlib.sha256(data).hexdigest() for name, data in tree.files.items()}


def tree_key(project: Project, tree: VersionTree, site_url: str,
             digests: dict[str, str] | None = None, engine: str = DEFAULT) -> str:
    """A digest of everything a version's build by `engine` depends on."""
    digest = hashlib.sha256()
    # The generator's code (the engines' modules, the steps after the engine's: the policy
    # every page carries, the search index and its scripts) and the packages it renders with
    # (`code_digest`), and the other programs a version's build runs.
    parts = [CACHE_FORMAT, engine, site_url, json.dumps(tree.nav, sort_keys=True),
             json.dumps(tree.extra, sort_keys=True, default=str), code_digest(),
             *package_stamps(("zensical", "pagefind"))]
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(project.mkdocs_yml.read_bytes())
    if project.overrides.is_dir():
        for override in sorted(project.overrides.rglob("*")):
            if override.is_file():
                digest.update(project.rel(override).encode() + b"\0" + override.read_bytes())
    for name, known in (digests or tree_digests(tree)).items():
        digest.update(name.encode() + b"\0" + known.encode())
    return digest.hexdigest()


def versions_dir(build_root: Path, engine: str) -> Path:
    """Where the versions built by `engine` are kept for reuse (one folder per engine, so
    that builds with either engine reuse their own)."""
    return build_root / ("versions" if engine == DEFAULT else f"versions-{engine}")


def write_tree(tree: VersionTree, docs_dir: Path) -> None:
    """Write a version's Markdown tree into a fresh folder.

    Every path stays inside the folder (DiagnosticError for one that would not) and no
    file is written through a symbolic link: the folder is made anew, files are created
    exclusively.
    """
    if docs_dir.is_symlink():
        docs_dir.unlink()
    elif docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    targets = _targets(tree, docs_dir)
    for path, data in tree.files.items():
        targets[path].parent.mkdir(parents=True, exist_ok=True)
        _create(targets[path], data)


def _targets(tree: VersionTree, docs_dir: Path) -> dict[str, Path]:
    """Where each file of the tree goes in `docs_dir`; DiagnosticError for a path that would
    lead out of it."""
    targets = {}
    for path in tree.files:
        try:
            targets[path] = docs_dir / inside(path)
        except UnsafePath as err:
            problem = Diagnostics()
            problem.error(Loc(f"build/docs/{tree.moniker}"), f"version '{tree.moniker}'",
                          err.message, err.suggestion)
            raise DiagnosticError(problem.items) from err
    return targets


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def _create(target: Path, data: bytes) -> None:
    """A new file (never one written through a symbolic link, never an existing one)."""
    with os.fdopen(os.open(target, _CREATE, 0o644), "wb") as handle:
        handle.write(data)


def _holds_links(folder: Path) -> bool:
    """Whether a symbolic link is anywhere under `folder` (links are not followed)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_symlink():
                return True
            if entry.is_dir(follow_symlinks=False) and _holds_links(Path(entry.path)):
                return True
    return False


def sync_tree(tree: VersionTree, docs_dir: Path, digests: dict[str, str],
              fresh: bool = False) -> frozenset[str] | None:
    """Make `docs_dir` hold exactly the version's tree (`digests`: its files' digests),
    writing only the files that differ from what is there; returns the paths written
    (None: the folder was new, or made anew with `fresh`). What the folder holds is noted
    beside it after each sync (and only then), so unchanged files are not even read.

    As with `write_tree`, every path stays inside the folder and nothing is written through
    a symbolic link: a folder holding one (the generator makes none) is made anew."""
    targets = _targets(tree, docs_dir)
    state = docs_dir.with_name(f"{docs_dir.name}.digests.json")
    try:
        known = {} if state.is_symlink() else json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    state.unlink(missing_ok=True)
    if fresh or docs_dir.is_symlink() or not docs_dir.is_dir() or _holds_links(docs_dir):
        write_tree(tree, docs_dir)
        _create(state, json.dumps(digests).encode("utf-8"))
        return None
    written = set()
    for path, data in tree.files.items():
        target = targets[path]
        try:
            same = target.stat().st_size == len(data) and (
                known.get(path) == digests[path] if path in known
                else target.read_bytes() == data)
        except OSError:
            same = False
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            _create(target, data)
            written.add(path)
    for folder, _dirs, names in os.walk(docs_dir, topdown=False):
        base = Path(folder)
        for name in names:
            if (base / name).relative_to(docs_dir).as_posix() not in tree.files:
                (base / name).unlink()
        if base != docs_dir and not os.listdir(base):
            base.rmdir()
    _create(state, json.dumps(digests).encode("utf-8"))
    return frozenset(written)


def mirror(source: Path, target: Path) -> None:
    """Make `target` hold exactly the files of `source`, as hard links (copies where the
    file system has none), touching only what differs; folders left empty are removed."""
    wanted: set[str] = set()
    for folder, _dirs, names in os.walk(source):
        rel = os.path.relpath(folder, source)
        out = target if rel == "." else target / rel
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            src, dst = os.path.join(folder, name), os.path.join(out, name)
            wanted.add(dst)
            try:
                if os.path.samefile(src, dst):
                    continue
            except OSError:
                pass
            with contextlib.suppress(FileNotFoundError):
                os.unlink(dst)
            link_or_copy(src, dst)
    for folder, _dirs, names in os.walk(target, topdown=False):
        for name in names:
            if os.path.join(folder, name) not in wanted:
                os.unlink(os.path.join(folder, name))
        if folder != str(target) and not os.listdir(folder):
            os.rmdir(folder)


def redirect_page(target: str, title: str) -> str:
    """A page that sends the reader to `target` (relative), keeping the #fragment.

    The fragment of the old URL, when it has one, replaces the target's own.
    """
    quoted = html.escape(target, quote=True)
    script_target = json.dumps(target)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={quoted}\">\n"
        f"<link rel=\"canonical\" href=\"{quoted}\">\n"
        f"<script>var t = {script_target}; "
        "location.replace(location.hash ? t.split(\"#\")[0] + location.hash : t)</script>\n"
        "</head>\n<body>\n"
        f"<p>Redirecting to <a href=\"{quoted}\">{html.escape(title)}</a>.</p>\n"
        "</body>\n</html>\n"
    )


def versions_json(catalogue: Catalogue | Products) -> str:
    """versions.json in mike's format (newest first), read by Material's version selector.

    Material inserts each title as HTML, so titles (plain text) are escaped here.
    """
    products = catalogue.products if isinstance(catalogue, Catalogue) else catalogue
    items = [
        {"version": m.name, "title": html.escape(m.title),
         "aliases": products.aliases_of(m.name)}
        for m in reversed(products.monikers)
    ]
    return json.dumps(items, indent=2) + "\n"


def assemble(staging: Path, folders: dict[str, Path], products: Products,
             default_urls: list[str]) -> None:
    """Copy the built versions (moniker -> built folder) into `staging` and add the
    site-wide files: versions.json, the root redirect and the aliases' redirects."""
    for moniker in products.names:
        mirror(folders[moniker], staging / moniker)
    (staging / "versions.json").write_text(versions_json(products), encoding="utf-8")
    default = products.default
    (staging / "index.html").write_text(
        redirect_page(f"{default}/", products[default].title), encoding="utf-8"
    )
    # Aliases such as latest/ keep working for every page of the version they name.
    for alias, target in products.aliases:
        for url in default_urls if target == default else [""]:
            depth = url.count("/")
            rel = "../" * (depth + 1) + f"{target}/{url}"
            page = staging / alias / url / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(redirect_page(rel, products[target].title), encoding="utf-8")


# ---------------------------------------------------------------------------
# What a build reads: nothing changed, nothing to do
# ---------------------------------------------------------------------------


def inputs_digest(project: Project, features: Sequence[Feature] = (),
                  engine: str = "mkdocs") -> str:
    """A digest of everything a build reads: mkdocs.yml and the files it names, the
    catalogue, content/ and overrides/, the generator's own files, the features, the engine
    and the versions of the packages that render."""
    from ..markdown.xref import configured_maps

    digest = hashlib.sha256(CACHE_FORMAT.encode() + b"\0" + engine.encode())
    for feature in features:
        parts = [feature.name] + [
            f"{key}={getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)}"
            for key, value in sorted(vars(feature).items()) if key != "name"]
        digest.update("\0".join(parts).encode() + b"\0")
    generator_dir = Path(__file__).resolve().parent.parent
    roots = [project.catalogue, project.content, project.overrides, generator_dir]
    files = [project.mkdocs_yml]
    try:
        files += [project.root / m for m in configured_maps(site_settings(project))]
    except DiagnosticError:
        pass
    for root in roots:
        if root.is_dir():
            files += sorted(f for f in root.rglob("*")
                            if (f.is_file() or f.is_symlink()) and "__pycache__" not in f.parts)
    for path in files:
        if path.is_relative_to(generator_dir):
            name = path.relative_to(generator_dir.parent).as_posix()
        elif path.is_relative_to(project.root):
            name = path.relative_to(project.root).as_posix()
        else:
            name = project.rel(path)
        if path.is_symlink():
            # A link is not followed (it may lead out of the repository: loading refuses
            # it); what it names is the input.
            try:
                found = "link:" + hashlib.sha256(os.readlink(path).encode()).hexdigest()
            except OSError:
                found = "-"
        else:
            # Read once per run: loading the catalogue asks for the same files' digests.
            found = file_digest(path)
        digest.update(name.encode() + b"\0" + found.encode())
    for stamp in package_stamps(("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown",
                                 "pygments", "jinja2", "ruamel.yaml", "markdown-it-py",
                                 "zensical")):
        digest.update(stamp.encode())
    return digest.hexdigest()


def _site_stamp(site: Path) -> str:
    """What tells the site we published from one changed since (its versions.json)."""
    try:
        info = (site / "versions.json").stat()
    except OSError:
        return ""
    return f"{site.resolve()}:{info.st_ino}:{info.st_mtime_ns}:{info.st_size}"


# ---------------------------------------------------------------------------
# The versions' builds
# ---------------------------------------------------------------------------


def _request(project: Project, tree: VersionTree, site_url: str, build_root: Path,
             previous: bool, digests: dict[str, str], engine: str = DEFAULT) -> Request:
    cache = versions_dir(build_root, engine)
    manifest: dict[str, Any] = {}
    manifest_file = cache / f"{tree.moniker}.manifest.json"
    if previous and manifest_file.is_file() and (cache / tree.moniker).is_dir():
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except ValueError:
            manifest = {}
    return Request(
        str(project.mkdocs_yml), str(build_root / "docs" / tree.moniker),
        str(cache / f"{tree.moniker}.tmp"), tree.nav, tree.extra,
        version_url(site_url, tree.moniker), dict(tree.pieces),
        str(build_root / "cache" / "blocks"),
        str(cache / tree.moniker) if manifest else "", manifest,
        work_dir=str(build_root / "engines" / engine / tree.moniker), digests=digests)


def _build_one(engine: str, request: Request) -> Result:
    return load(engine).build_version(request)


def _build_versions(engine: str, requests: list[Request], jobs: int | None, out: TextIO,
                    index_of: dict[str, int], total: int,
                    sizes: dict[str, int]) -> tuple[dict[str, Result], Diagnostics]:
    """Every requested version built by the engine, in parallel; results by moniker."""
    results: dict[str, Result] = {}
    failures = Diagnostics()
    monikers = [Path(r.docs_dir).name for r in requests]
    count = workers(jobs, len(requests))
    if count == 1:
        for moniker, request in zip(monikers, requests, strict=True):
            results[moniker] = _finish(index_of[moniker], total, moniker,
                                       _build_one(engine, request), out)
        return results, failures
    with process_pool(count) as pool:
        # Largest versions first, so that no long build starts last and runs alone.
        order = sorted(zip(monikers, requests, strict=True), key=lambda p: -sizes[p[0]])
        submitted = {moniker: pool.submit(_build_one, engine, request)
                     for moniker, request in order}
        for moniker in monikers:  # progress in version order
            try:
                results[moniker] = _finish(index_of[moniker], total, moniker,
                                           submitted[moniker].result(), out)
            except Exception as err:
                failures.error(Loc("mkdocs.yml"), f"version '{moniker}'",
                               f"{ENGINES[engine]} build failed: {err}")
    return results, failures


def build_site(
    project: Project,
    features: Sequence[Feature],
    *,
    jobs: int | None = None,
    force: bool = False,
    out: TextIO = sys.stderr,
    site_dir: Path | None = None,
    only: str | None = None,
    engine: str | None = None,
) -> BuildReport:
    """Validate, render and build every version with `features`, then publish `site/` in
    one step. With `only`, build that version alone into `site_dir` (by default
    `build/parts/<moniker>/`) as a part for `assemble_parts`. `engine` overrides the
    engine mkdocs.yml chooses (`extra.kb.engine`; MkDocs by default)."""
    report = BuildReport()
    started = time.perf_counter()
    build_root = project.build_dir
    site = site_dir or (build_root / "parts" / only if only else project.site)
    check_folders(project, site)
    chosen = choose(site_settings(project), project.mkdocs_yml, project.rel(project.mkdocs_yml),
                    engine)
    inputs = inputs_digest(project, features, chosen.NAME)
    suffix = "" if chosen.NAME == DEFAULT else f"-{chosen.NAME}"
    state_file = build_root / (f"last-build{suffix}.json" if not only
                               else f"last-part-{only}{suffix}.json")
    lap = report.lap("inputs", started)

    def stamp_of() -> str:
        return _site_stamp(site) if not only else _part_stamp(site)

    if not force and state_file.is_file():
        try:
            last = json.loads(state_file.read_text(encoding="utf-8"))
        except ValueError:
            last = {}
        if last.get("inputs") == inputs and last.get("site") == stamp_of() \
                and last.get("stamp"):
            report.unchanged = True
            report.reused = list(last.get("versions") or [])
            report.total_seconds = time.perf_counter() - started
            print(f"kb: nothing changed since the last build; {project.rel(site)}/ is up to "
                  "date", file=out, flush=True)
            return report
    state_file.unlink(missing_ok=True)
    if force:  # nothing kept from earlier builds is used, on disk or in memory
        shutil.rmtree(build_root / "cache", ignore_errors=True)
        chosen.forget()
    catalogue = load_built(project, features, jobs)
    lap = report.lap("load", lap)
    products = catalogue.products
    if only is not None and only not in products.names:
        problem = Diagnostics()
        problem.error(Loc(project.rel(project.products_yml)), f"version '{only}'",
                      "no such version in products.yml; "
                      + moniker_hint(only, products.names))
        raise DiagnosticError(problem.items)
    monikers = None if only is None else sorted({only, products.default},
                                                 key=products.names.index)
    entries = sum(len(t.entries) for t in catalogue.topics)
    print(f"kb: catalogue read ({_counted(entries, 'entry', 'entries')} in "
          f"{_counted(len(catalogue.topics), 'topic')}); rendering "
          f"{_counted(len(monikers or products.names), 'version')}", file=out, flush=True)
    trees, render_problems = render_trees(project, catalogue, features, monikers, jobs=jobs,
                                          cache=build_root / "cache" / "pages")
    if render_problems.has_errors():
        raise DiagnosticError(render_problems.sorted())
    report.render_seconds = time.perf_counter() - started
    lap = report.lap("render", lap)
    default_tree = next(t for t in trees if t.moniker == products.default)
    default_pages = list(default_tree.extra["kb_build"]["default_pages"])
    if only is not None:
        trees = [t for t in trees if t.moniker == only]
    settings = site_settings(project)
    site_url = str(settings.get("site_url") or "")
    cache = versions_dir(build_root, chosen.NAME)
    cache.mkdir(parents=True, exist_ok=True)
    if force:
        shutil.rmtree(build_root / "cache" / "blocks", ignore_errors=True)
        shutil.rmtree(build_root / "engines" / chosen.NAME, ignore_errors=True)
    todo: list[tuple[int, VersionTree, str]] = []
    total = len(trees)
    index_of = {tree.moniker: i for i, tree in enumerate(trees, 1)}
    print(f"kb: building {_counted(total, 'version')}", file=out, flush=True)
    digests: dict[str, dict[str, str]] = {}
    for index, tree in enumerate(trees, 1):
        digests[tree.moniker] = tree_digests(tree)
        key = tree_key(project, tree, site_url, digests[tree.moniker], chosen.NAME)
        key_file = cache / f"{tree.moniker}.key"
        if not force and key_file.is_file() and key_file.read_text() == key \
                and (cache / tree.moniker).is_dir():
            report.reused.append(tree.moniker)
            print(f"[{index}/{total}] {tree.moniker}: unchanged, reused", file=out, flush=True)
            continue
        todo.append((index, tree, key))
    requests = []
    for _index, tree, _key in todo:
        request = _request(project, tree, site_url, build_root, not force,
                           digests[tree.moniker], chosen.NAME)
        work, spare = Path(request.site_dir), cache / f"{tree.moniker}.spare"
        if chosen.NAME != DEFAULT:
            # Only MkDocs' engine builds into a folder it finds full (it clears it first).
            shutil.rmtree(work, ignore_errors=True)
        elif not work.exists() and spare.is_dir():
            spare.rename(work)  # the build before last: its folders are reused
        changed = sync_tree(tree, Path(request.docs_dir), digests[tree.moniker], force)
        request = dataclasses.replace(request, changed=changed)
        requests.append(request)
    failures = Diagnostics()
    results: dict[str, Result] = {}
    lap = report.lap("write", lap)
    if requests:
        # Converted ahead of the versions' builds, which then take them from the cache.
        report.converted += chosen.prepare(requests, jobs, lambda count: print(
            f"kb: converting {count} blocks of Markdown", file=out, flush=True))
        lap = report.lap("convert", lap)
        sizes = {t.moniker: sum(len(d) for d in t.files.values()) for _, t, _ in todo}
        results, failures = _build_versions(chosen.NAME, requests, jobs, out, index_of, total,
                                            sizes)
        lap = report.lap("engine", lap)
    finished: list[tuple[VersionTree, str, Result]] = []
    for _index, tree, key in todo:
        if tree.moniker not in results:
            continue
        result = results[tree.moniker]
        report.seconds[tree.moniker] = result.seconds
        report.converted += result.converted
        report.reused_blocks += result.reused_blocks
        report.rendered_pages += result.rendered
        report.reused_pages += result.reused_pages
        for message in result.warnings:
            failures.error(Loc(f"build/docs/{tree.moniker}"), f"version '{tree.moniker}'",
                           f"{ENGINES[chosen.NAME]}: {message}")
        if not result.warnings:
            finished.append((tree, key, result))

    def finish(moniker: str) -> None:
        built = cache / f"{moniker}.tmp"
        # Every page carries its Content-Security-Policy. Pages are final before features
        # read them (a page reused from the build before reads the same as then, and is
        # not parsed again), and a page a feature writes gets its policy after (the others,
        # known final, are not parsed again).
        known = build_root / "cache" / "policy" / moniker
        apply_policy(built, known=known)
        finish_version(features, project, catalogue, moniker, built)
        apply_policy(built, known=known)

    # Versions are finished side by side: most of the work is Pagefind's program's.
    if finished and any(f.finish_version is not None for f in features):
        print(f"kb: finishing {_counted(len(finished), 'version')} (search index, each "
              "page's security policy)", file=out, flush=True)
    with ThreadPoolExecutor(max_workers=workers(jobs, len(finished))) as pool:
        list(pool.map(finish, [tree.moniker for tree, _, _ in finished]))
    for tree, key, result in finished:
        built = cache / f"{tree.moniker}.tmp"
        final, spare = cache / tree.moniker, cache / f"{tree.moniker}.spare"
        if final.exists():
            if spare.exists():
                shutil.rmtree(spare)
            final.rename(spare)  # kept to build the next one in
        built.rename(final)
        (cache / f"{tree.moniker}.manifest.json").write_text(json.dumps(result.manifest),
                                                            encoding="utf-8")
        (cache / f"{tree.moniker}.key").write_text(key)
        report.built.append(tree.moniker)
    if failures:
        raise DiagnosticError(failures.sorted())
    if only is None and report.built:
        manifests: dict[str, dict[str, Any]] = {}
        for moniker in products.names:
            try:
                manifests[moniker] = results[moniker].manifest if moniker in results else \
                    json.loads((cache / f"{moniker}.manifest.json").read_text("utf-8"))
            except (OSError, ValueError):
                manifests = {}  # a version whose manifest is lost: keep everything
                break
        if manifests:
            chosen.prune(build_root / "cache" / "blocks", list(manifests.values()))
    lap = report.lap("finish", lap)
    site.parent.mkdir(parents=True, exist_ok=True)
    if only is None:
        with publishing(site) as staging:  # one build at a time; leftovers removed
            assemble(staging, {m: cache / m for m in products.names}, products, default_pages)
            finish_site(features, project, catalogue, staging)
            apply_policy(staging, skip=products.names)  # the versions have theirs
            publish(staging, site)
    else:
        staging = site.with_name(f"{site.name}.tmp-{os.getpid()}")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        try:
            shutil.copytree(cache / only, staging / only, copy_function=link_or_copy)
            part = {"format": CACHE_FORMAT, "moniker": only, "inputs": inputs,
                    "engine": chosen.NAME,
                    "default": products.default, "default_pages": default_pages}
            (staging / PART_FILE).write_text(json.dumps(part, indent=2) + "\n",
                                             encoding="utf-8")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        publish_folder(staging, site)  # a part stays a plain folder, for upload
    state_file.write_text(json.dumps({"inputs": inputs, "site": stamp_of(), "stamp": True,
                                      "versions": [t.moniker for t in trees]}),
                          encoding="utf-8")
    report.lap("publish", lap)
    report.total_seconds = time.perf_counter() - started
    what = f"version {only}" if only else "site"
    print(f"kb: {what} written to {project.rel(site)}/ "
          f"({len(report.built)} built, {len(report.reused)} reused; "
          f"{report.converted} blocks converted, {report.reused_blocks} reused; "
          f"{report.rendered_pages} pages rendered, {report.reused_pages} reused; "
          f"{report.total_seconds:.1f} s)", file=out, flush=True)
    return report


def _counted(count: int, word: str, words: str = "") -> str:
    """`count` and `word`, or `words` (by default `word` + "s") unless there is one."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def _part_stamp(folder: Path) -> str:
    try:
        info = (folder / PART_FILE).stat()
    except OSError:
        return ""
    return f"{folder.resolve()}:{info.st_ino}:{info.st_mtime_ns}:{info.st_size}"


def _finish(index: int, total: int, moniker: str, result: Result, out: TextIO) -> Result:
    state = "built" if not result.warnings else f"{len(result.warnings)} warning(s)"
    print(f"[{index}/{total}] {moniker}: {state} in {result.seconds:.1f} s "
          f"({result.rendered} pages rendered, {result.reused_pages} reused)",
          file=out, flush=True)
    return result


# ---------------------------------------------------------------------------
# Parts built apart, assembled
# ---------------------------------------------------------------------------


def read_part(folder: Path) -> dict[str, Any]:
    """A part's description (kb-part.json), checked; DiagnosticError if it is not one."""
    problems = Diagnostics()
    where = Loc(str(folder / PART_FILE))
    try:
        part = json.loads((folder / PART_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        problems.error(where, "part", f"not a version built by `kb build --only` ({err})",
                       "pass the folders that `kb build --only VERSION` wrote")
        raise DiagnosticError(problems.items) from None
    if not isinstance(part, dict) or part.get("format") != CACHE_FORMAT \
            or not isinstance(part.get("moniker"), str) \
            or not (folder / part["moniker"]).is_dir():
        problems.error(where, "part", "expected a part written by this version of kb, with "
                       "its version's folder beside it", "build the part again")
        raise DiagnosticError(problems.items)
    return part


def assemble_parts(project: Project, features: Sequence[Feature], parts: Sequence[Path], *,
                   out: TextIO = sys.stderr, site_dir: Path | None = None) -> None:
    """Merge versions built apart (`kb build --only`) into `site/`, as `build_site` makes it:
    every version of products.yml once, all built from the same sources as this checkout."""
    from ..catalogue.validate import project_products

    site = site_dir or project.site
    problems = Diagnostics()
    products = project_products(project)
    if products is None:
        problems.error(Loc(project.rel(project.products_yml)), "products",
                       "products.yml is missing or invalid", "run kb check")
        raise DiagnosticError(problems.items)
    folders: dict[str, Path] = {}
    default_pages: list[str] | None = None
    digests: dict[str, str] = {}
    engines: dict[str, str] = {}  # engine -> the first part built with it
    for folder in parts:
        part = read_part(folder)
        moniker = part["moniker"]
        where = Loc(str(folder / PART_FILE))
        engine = str(part.get("engine") or "mkdocs")
        if engine not in digests:
            digests[engine] = inputs_digest(project, features, engine)
        inputs = digests[engine]
        engines.setdefault(engine, str(folder))
        if len(engines) > 1 and engines[engine] == str(folder):
            first, other = next(iter(engines.items()))
            problems.error(where, f"version '{moniker}'",
                           f"built with {ENGINES.get(engine, engine)}, but {other} with "
                           f"{ENGINES.get(first, first)}",
                           "build every part with the same engine (kb build --engine)")
        if moniker not in products.names:
            problems.error(where, f"version '{moniker}'", "not a version of products.yml")
        elif moniker in folders:
            problems.error(where, f"version '{moniker}'",
                           f"built twice: also in {folders[moniker]}", "pass each version once")
        elif part.get("inputs") != inputs:
            problems.error(where, f"version '{moniker}'",
                           "built from other sources than this checkout (catalogue, content, "
                           "settings or generator differ)", "build every part from one commit")
        folders[moniker] = folder / moniker
        if moniker == products.default:
            default_pages = list(part.get("default_pages") or [])
    missing = [m for m in products.names if m not in folders]
    if missing:
        problems.error(Loc(project.rel(project.products_yml)), "versions",
                       "no part for " + ", ".join(missing),
                       "build each with `kb build --only VERSION` and pass its folder")
    if problems:
        raise DiagnosticError(problems.sorted())
    catalogue: Catalogue | None = None
    if any(f.finish is not None for f in features):
        diagnostics = Diagnostics()
        catalogue = load_checked(project, diagnostics, features, markdown=False)
        if catalogue is None:
            raise DiagnosticError(diagnostics.sorted())
    check_folders(project, site)
    with publishing(site) as staging:  # one build at a time; leftovers removed
        assemble(staging, folders, products, default_pages or [])
        if catalogue is not None:
            finish_site(features, project, catalogue, staging)
        apply_policy(staging, skip=products.names)  # the versions have theirs
        publish(staging, site)
    print(f"kb: {len(folders)} versions assembled into {project.rel(site)}/", file=out,
          flush=True)
