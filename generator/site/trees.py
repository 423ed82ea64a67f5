"""Trees: every version's Markdown tree, rendered from the model with what features add.

Input: a valid Catalogue, the features and the site settings of mkdocs.yml; output: one
VersionTree per version (page path -> bytes, navigation, extra settings for the theme)
and the Markdown problems found. Pure apart from reading includes and content/ files, and,
with a cache folder, keeping what each topic gave in each version (its page, the features'
pieces) for the next build, which renders again only topics whose sources changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue.model import Catalogue, Topic, iter_markdown
from ..catalogue.resolve import resolve
from ..core.cache import Slots, code_digest, digest, file_digest, files_digest
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
from ..markdown.xref import configured_maps
from .feature import Feature, contribute, piece_kind
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
    # Each file's digest (sha256), made where the tree is rendered.
    digests: dict[str, str] = field(default_factory=dict)


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


# DocFX constructs that read other files (includes, code snippets) or check where an image
# is: a topic that has one is rendered again in every build.
_READS_FILES = re.compile(r"\[!include|\[!code|:::\s*(?:code|image)|!\[", re.IGNORECASE)


class TopicCache:
    """What each topic gave in each version (its page, the features' pieces), kept between
    builds in slots under `folder`, under a key of its sources: the topic folder's files,
    the products, mkdocs.yml, the xref maps and the generator's code. A topic with a DocFX
    construct that reads other files is not kept."""

    def __init__(self, project: Project, catalogue: Catalogue, folder: Path | None) -> None:
        self.slots = Slots(folder) if folder is not None else None
        self.keys: dict[str, str | None] = {}
        if self.slots is None:
            return
        shared = [project.mkdocs_yml]
        try:
            shared += [project.root / name for name in configured_maps(site_settings(project))]
        except DiagnosticError:
            shared = []
        base = digest(code_digest(), repr(catalogue.products),
                      *(f"{project.rel(p)}={file_digest(p)}" for p in shared))
        for topic in catalogue.topics:
            self.keys[topic.id] = self._key(project, topic, base)

    @staticmethod
    def _key(project: Project, topic: Topic, base: str) -> str | None:
        if any(_READS_FILES.search(text.text) for text in iter_markdown(topic)):
            return None
        folder = (project.root / topic.loc.path).parent
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        return digest(base, project.rel(folder), file_digest(folder),
                      files_digest(files, folder))

    def _slot(self, kind: str, topic: Topic, moniker: str, extra: str) -> tuple[str, str] | None:
        key = self.keys.get(topic.id)
        if self.slots is None or key is None:
            return None
        return f"{kind}:{topic.id}@{moniker}", digest(key, kind, moniker, extra)

    def get(self, kind: str, topic: Topic, moniker: str, extra: str = "") -> Any | None:
        slot = self._slot(kind, topic, moniker, extra)
        return self.slots.get(*slot) if self.slots is not None and slot else None

    def put(self, kind: str, topic: Topic, moniker: str, extra: str, value: Any) -> None:
        slot = self._slot(kind, topic, moniker, extra)
        if self.slots is not None and slot:
            self.slots.put(*slot, value)

    def kept(self, kind: str) -> Slots | None:
        """The slots of `kind`'s own work (e.g. a feature's, per version), in a folder of
        their own beside the topics' (build/cache/feature-lookup/ for "feature:lookup");
        None when nothing is kept."""
        if self.slots is None:
            return None
        return Slots(self.slots.folder.parent / re.sub(r"[^a-z0-9]+", "-", kind.lower()))

    def keep_only(self, kinds: Sequence[str], monikers: Sequence[str]) -> None:
        """Remove the slots of topics and versions that are no more."""
        if self.slots is not None:
            self.slots.keep_only(f"{kind}:{topic}@{moniker}" for kind in kinds
                                 for topic in self.keys for moniker in monikers)


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
    cache: TopicCache


def _render_one(state: _RenderState, moniker: str) -> tuple[VersionTree, list[Diagnostic]]:
    """Resolve and render one version, with what features contribute to it."""
    diagnostics = Diagnostics()
    view = resolve(state.catalogue, moniker)
    version = render_version(view, RenderContext(moniker, state.context, diagnostics,
                                                 state.shared), state.cache)
    contribution = contribute(state.features, state.project, state.catalogue, view, moniker,
                              state.settings, state.cache)
    files = {path: text.encode("utf-8") for path, text in version.pages.items()}
    files.update(state.statics)
    files.update(contribution.files)
    ordered = dict(sorted(files.items()))
    tree = VersionTree(moniker, state.catalogue.products[moniker].title, ordered,
                       [*version.nav, *contribution.nav],
                       {"kb_build": dict(sorted(contribution.page_values.items()))},
                       dict(version.pieces),
                       {name: hashlib.sha256(data).hexdigest() for name, data in ordered.items()})
    return tree, diagnostics.items


def render_trees(project: Project, catalogue: Catalogue, features: Sequence[Feature],
                 monikers: list[str] | None = None, jobs: int | None = None,
                 cache: Path | None = None) -> tuple[list[VersionTree], Diagnostics]:
    """Resolve and render each version with what `features` add to it, in parallel (pure
    apart from reading includes); with `cache` (a folder under build/), topics whose
    sources are unchanged since the last build are taken from there (see `TopicCache`)."""
    settings = site_settings(project)
    products = catalogue.products
    state = _RenderState(
        project, catalogue, settings, static_content(project),
        docfx.Context.for_project(project, products),
        Shared.for_catalogue(catalogue), features, TopicCache(project, catalogue, cache),
    )
    diagnostics = Diagnostics()
    trees = []
    wanted = monikers or list(products.names)
    for tree, found in fork_map(_render_one, wanted, state, jobs):
        diagnostics.extend(found)
        trees.append(tree)
    if wanted == list(products.names):
        state.cache.keep_only(["page", *(piece_kind(f) for f in features
                                         if f.contribute_topic is not None)], wanted)
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
            **tree.extra.get("kb_build", {}),  # what the features give every page
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
