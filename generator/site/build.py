"""Build: render every version, run one MkDocs build per version, publish `site/`.

Input: a Project; output: `site/<moniker>/` for every moniker, `site/versions.json`
(mike's format), `site/index.html` and alias redirects. Versions build in parallel
processes and are reused when unchanged; `site/` is replaced only when all succeeded.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..catalogue.model import Catalogue
from ..core.diagnostics import DiagnosticError, Diagnostics, Loc
from ..core.project import Project, site_settings
from .checks import load_checked
from .engines.mkdocs import mkdocs_build
from .feature import Feature, finish_site, finish_version
from .trees import VersionTree, render_trees

CACHE_FORMAT = "1"


@dataclass
class BuildReport:
    """What a build did, for the CLI and benchmarks."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    render_seconds: float = 0.0
    total_seconds: float = 0.0


def version_url(site_url: str, moniker: str) -> str:
    base = site_url.rstrip("/") + "/" if site_url else ""
    return f"{base}{moniker}/" if base else ""


def tree_key(project: Project, tree: VersionTree, site_url: str) -> str:
    """A digest of everything a version's MkDocs build depends on."""
    from importlib.metadata import version as dist_version

    digest = hashlib.sha256()
    parts = [CACHE_FORMAT, site_url, json.dumps(tree.nav, sort_keys=True),
             json.dumps(tree.extra, sort_keys=True, default=str)]
    for dist in ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown"):
        try:
            parts.append(f"{dist}={dist_version(dist)}")
        except Exception:
            parts.append(dist)
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(project.mkdocs_yml.read_bytes())
    if project.overrides.is_dir():
        for override in sorted(project.overrides.rglob("*")):
            if override.is_file():
                digest.update(project.rel(override).encode() + b"\0" + override.read_bytes())
    for name, data in tree.files.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def write_tree(tree: VersionTree, docs_dir: Path) -> None:
    """Write a version's Markdown tree into a fresh folder."""
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    for path, data in tree.files.items():
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


BuildArgs = tuple[str, str, str, list[Any], dict[str, Any], str]


def _build_one(args: BuildArgs) -> tuple[float, list[str]]:
    return mkdocs_build(*args)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


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


def versions_json(catalogue: Catalogue) -> str:
    """versions.json in mike's format (newest first), read by Material's version selector."""
    products = catalogue.products
    items = [
        {"version": m.name, "title": m.title, "aliases": products.aliases_of(m.name)}
        for m in reversed(products.monikers)
    ]
    return json.dumps(items, indent=2) + "\n"


def assemble(staging: Path, cache: Path, catalogue: Catalogue,
             default_urls: list[str]) -> None:
    """Copy the built versions into `staging` and add the site-wide files."""
    products = catalogue.products
    for moniker in products.names:
        shutil.copytree(cache / moniker, staging / moniker, copy_function=_link_or_copy)
    (staging / "versions.json").write_text(versions_json(catalogue), encoding="utf-8")
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


def publish(staging: Path, site: Path) -> None:
    """Replace `site` by `staging`: the old site stays until the new one is complete."""
    old = site.with_name(f"{site.name}.old-{os.getpid()}")
    if site.exists():
        site.rename(old)
    staging.rename(site)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def build_site(
    project: Project,
    features: Sequence[Feature],
    *,
    jobs: int | None = None,
    force: bool = False,
    out: TextIO = sys.stderr,
    site_dir: Path | None = None,
) -> BuildReport:
    """Validate, render and build every version with `features`, then publish `site/` in
    one step."""
    report = BuildReport()
    started = time.perf_counter()
    diagnostics = Diagnostics()
    # Markdown is checked while each version renders, not once more beforehand.
    catalogue = load_checked(project, diagnostics, features, markdown=False, jobs=jobs)
    if catalogue is None:
        raise DiagnosticError(diagnostics.sorted())
    trees, render_problems = render_trees(project, catalogue, features, jobs=jobs)
    if render_problems.has_errors():
        raise DiagnosticError(render_problems.sorted())
    report.render_seconds = time.perf_counter() - started
    settings = site_settings(project)
    site_url = str(settings.get("site_url") or "")
    site = site_dir or project.site
    build_root = project.build_dir
    cache = build_root / "versions"
    cache.mkdir(parents=True, exist_ok=True)
    todo = []
    total = len(trees)
    print(f"kb: building {total} versions", file=out, flush=True)
    for index, tree in enumerate(trees, 1):
        key = tree_key(project, tree, site_url)
        key_file = cache / f"{tree.moniker}.key"
        if not force and key_file.is_file() and key_file.read_text() == key \
                and (cache / tree.moniker).is_dir():
            report.reused.append(tree.moniker)
            print(f"[{index}/{total}] {tree.moniker}: unchanged, reused", file=out, flush=True)
            continue
        todo.append((index, tree, key))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    failures = Diagnostics()
    results: dict[str, tuple[float, list[str]]] = {}

    def job(tree: VersionTree) -> BuildArgs:
        docs = build_root / "docs" / tree.moniker
        write_tree(tree, docs)
        tmp_site = cache / f"{tree.moniker}.tmp"
        if tmp_site.exists():
            shutil.rmtree(tmp_site)
        return (str(project.mkdocs_yml), str(docs), str(tmp_site), tree.nav, tree.extra,
                version_url(site_url, tree.moniker))

    if workers == 1 or len(todo) == 1:
        for index, tree, _key in todo:
            results[tree.moniker] = _finish(index, total, tree, _build_one(job(tree)), out)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            # Largest versions first, so that no long build starts last and runs alone.
            by_size = sorted(todo, key=lambda t: -sum(len(d) for d in t[1].files.values()))
            submitted = {tree.moniker: pool.submit(_build_one, job(tree))
                         for _, tree, _ in by_size}
            for index, tree, _ in todo:  # progress in version order
                future = submitted[tree.moniker]
                try:
                    results[tree.moniker] = _finish(index, total, tree, future.result(), out)
                except Exception as err:
                    failures.error(Loc("mkdocs.yml"), f"version '{tree.moniker}'",
                                   f"MkDocs build failed: {err}")
    for _index, tree, key in todo:
        if tree.moniker not in results:
            continue
        seconds, warnings = results[tree.moniker]
        report.seconds[tree.moniker] = seconds
        for message in warnings:
            failures.error(Loc(f"build/docs/{tree.moniker}"), f"version '{tree.moniker}'",
                           f"MkDocs: {message}")
        if warnings:
            continue
        built = cache / f"{tree.moniker}.tmp"
        finish_version(features, project, catalogue, tree.moniker, built)
        final = cache / tree.moniker
        if final.exists():
            shutil.rmtree(final)
        built.rename(final)
        (cache / f"{tree.moniker}.key").write_text(key)
        report.built.append(tree.moniker)
    if failures:
        raise DiagnosticError(failures.sorted())
    staging = site.with_name(f"{site.name}.tmp-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        default_tree = next(t for t in trees if t.moniker == catalogue.products.default)
        assemble(staging, cache, catalogue, list(default_tree.extra["kb_build"]["default_pages"]))
        finish_site(features, project, catalogue, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, site)
    report.total_seconds = time.perf_counter() - started
    print(f"kb: site written to {project.rel(site)}/ "
          f"({len(report.built)} built, {len(report.reused)} reused, "
          f"{report.total_seconds:.1f} s)", file=out, flush=True)
    return report


def _finish(index: int, total: int, tree: VersionTree, result: tuple[float, list[str]],
            out: TextIO) -> tuple[float, list[str]]:
    seconds, warnings = result
    state = "built" if not warnings else f"{len(warnings)} warning(s)"
    print(f"[{index}/{total}] {tree.moniker}: {state} in {seconds:.1f} s", file=out, flush=True)
    return result
