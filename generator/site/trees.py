"""Trees: every version's Markdown tree, rendered from the model with what features add.

Input: a valid Catalogue, the features and the site settings of mkdocs.yml; output: one
VersionTree per version (page path -> bytes, navigation, extra settings for the theme)
and the Markdown problems found. Pure apart from reading includes and content/ files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..catalogue.model import Catalogue
from ..catalogue.resolve import resolve
from ..core.diagnostics import Diagnostic, DiagnosticError, Diagnostics, Loc
from ..core.parallel import fork_map
from ..core.project import (
    Limits,
    Project,
    UnsafePath,
    inside,
    project_limits,
    site_settings,
)
from ..markdown import docfx
from .feature import Feature, contribute
from .render import RenderContext, Shared, render_version


@dataclass(frozen=True)
class VersionTree:
    """The Markdown tree of one version, ready for MkDocs."""

    moniker: str
    title: str
    files: dict[str, bytes]
    nav: list[Any]
    extra: dict[str, Any]
    # Topic pages: the lengths of the blocks the engine may convert one by one.
    pieces: dict[str, tuple[int, ...]] = field(default_factory=dict)


def static_content(project: Project) -> dict[str, bytes]:
    """Files of content/ that MkDocs copies as they are (images and other assets).

    A symbolic link is followed only to a regular file inside the repository; one that
    leads out of it (or to a device, FIFO or socket), and a file over the size limit, are
    errors (DiagnosticError with every such file), never published.
    """
    files: dict[str, bytes] = {}
    if not project.content.is_dir():
        return files
    problems = Diagnostics()
    limit = project_limits(project).asset_bytes
    for path in sorted(project.content.rglob("*")):
        rel = path.relative_to(project.content)
        if path.suffix == ".md" or (path.is_dir() and not path.is_symlink()) \
                or path.name == "toc.yml":  # the navigation's source, not a page asset
            continue
        where = Loc(project.rel(path))
        try:
            project.check_readable(path, folder=path.is_dir())
            if path.is_dir():
                continue  # a linked folder inside the repository: not walked, as before
            size = path.stat().st_size
            if size > limit:
                problems.error(where, "", f"file is {size:,} bytes, more than the limit of "
                               f"{limit:,}", f"raise {Limits.setting('asset_bytes')}")
                continue
            files[inside(rel.as_posix())] = path.read_bytes()
        except UnsafePath as err:
            problems.error(where, "", err.message, err.suggestion)
        except OSError as err:
            problems.error(where, "", f"cannot read file: {err.strerror}")
    if problems:
        raise DiagnosticError(problems.sorted())
    return files


@dataclass
class _RenderState:
    """What every version's rendering reads; one per build, shared by forked workers."""

    project: Project
    catalogue: Catalogue
    settings: dict[str, Any]
    statics: dict[str, bytes]
    context: docfx.Context
    shared: Shared
    features: Sequence[Feature]


def _render_one(state: _RenderState, moniker: str) -> tuple[VersionTree, list[Diagnostic]]:
    """Resolve and render one version, with what features contribute to it."""
    diagnostics = Diagnostics()
    view = resolve(state.catalogue, moniker)
    version = render_version(view, RenderContext(moniker, state.context, diagnostics,
                                                 state.shared))
    contribution = contribute(state.features, state.project, state.catalogue, view, moniker,
                              state.settings)
    files = {path: text.encode("utf-8") for path, text in version.pages.items()}
    files.update(state.statics)
    files.update(contribution.files)
    tree = VersionTree(moniker, state.catalogue.products[moniker].title,
                       dict(sorted(files.items())), [*version.nav, *contribution.nav], {},
                       dict(version.pieces))
    return tree, diagnostics.items


def render_trees(project: Project, catalogue: Catalogue, features: Sequence[Feature],
                 monikers: list[str] | None = None,
                 jobs: int | None = None) -> tuple[list[VersionTree], Diagnostics]:
    """Resolve and render each version with what `features` add to it, in parallel (pure
    apart from reading includes)."""
    settings = site_settings(project)
    products = catalogue.products
    state = _RenderState(
        project, catalogue, settings, static_content(project),
        docfx.Context.for_project(project, products),
        Shared.for_catalogue(catalogue), features,
    )
    diagnostics = Diagnostics()
    trees = []
    for tree, found in fork_map(_render_one, monikers or list(products.names), state, jobs):
        diagnostics.extend(found)
        trees.append(tree)
    default = products.default
    default_tree = next((t for t in trees if t.moniker == default), None)
    default_pages = _page_urls(default_tree.files if default_tree else {})
    extra_base = dict(settings.get("extra") or {})
    for tree in trees:
        extra = dict(extra_base)
        version = dict(extra.get("version") or {})
        version.setdefault("provider", "mike")
        version.setdefault("default", [default, *products.aliases_of(default)])
        extra["version"] = version
        extra["kb_build"] = {
            "moniker": tree.moniker,
            "title": tree.title,
            "is_default": tree.moniker == default,
            "default": default,
            "default_title": products[default].title,
            "default_pages": default_pages,
        }
        tree.extra.update(extra)
    return trees, diagnostics


def _page_urls(files: dict[str, bytes]) -> list[str]:
    """Directory URLs of a version's Markdown pages, as MkDocs will publish them, sorted."""
    urls = []
    for path in files:
        if not path.endswith(".md"):
            continue
        stem = path.removesuffix(".md")
        if stem == "index" or stem.endswith("/index"):
            urls.append(stem.removesuffix("index"))
        else:
            urls.append(stem + "/")
    return sorted(urls)
