"""Feature: the one interface through which a feature plugs into the site and the checks.

Input: the features the caller hands over (the site layer never names one); output: the
files and navigation they add to each version, the site-wide files they add after every
version is built, and the problems their checks find.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..catalogue.model import Catalogue, Topic
from ..core.cache import Slots
from ..core.diagnostics import Diagnostics
from ..core.project import Project
from ..core.versions import Products


@dataclass
class Contribution:
    """What one feature adds to one version: files in the docs tree, nav entries, and
    values every page of the version can read (the theme's templates find them in
    `config.extra.kb_build`, beside the version's own)."""

    files: dict[str, bytes] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    page_values: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Contribution) -> None:
        self.files.update(other.files)
        self.nav.extend(other.nav)
        self.page_values.update(other.page_values)


@dataclass(frozen=True)
class Rendered:
    """Every version's docs tree as the build renders it: moniker -> path -> bytes."""

    trees: dict[str, dict[str, bytes]]


# (project, catalogue, view of the version, moniker, mkdocs settings) -> Contribution
Contributor = Callable[[Project, Catalogue, Catalogue, str, dict[str, Any]], Contribution]
# The same, for a feature that keeps work between builds: its slots (see `core.cache`),
# one folder per feature under build/cache/, or None when the caller keeps nothing.
KeptContributor = Callable[[Project, Catalogue, Catalogue, str, dict[str, Any], Slots | None],
                           Contribution]
# A contribution made of one piece per topic, which the build keeps between builds and
# makes again only for a topic whose sources changed: (project, catalogue, the topic as
# written, the topic in the version or None when it has none, moniker, mkdocs settings)
# -> a piece (plain data or the generator's dataclasses). A piece must depend on nothing
# but these: the topic, the products and the settings.
TopicContributor = Callable[[Project, Catalogue, Topic, Topic | None, str, dict[str, Any]],
                            Any]
# (project, catalogue, view of the version, moniker, mkdocs settings, the pieces in the
# catalogue's topic order) -> Contribution
Assembler = Callable[[Project, Catalogue, Catalogue, str, dict[str, Any], list[Any]],
                     Contribution]
# (project, catalogue, moniker, the version's built folder) -> None; runs after the engine
# built the version and before the build is kept for reuse (e.g. a search index)
VersionFinisher = Callable[[Project, Catalogue, str, Path], None]
# (project, catalogue, staging site folder) -> None; writes site-wide files
Finisher = Callable[[Project, Catalogue, Path], None]
# Checks: one topic (run beside schema validation), the whole catalogue, and what
# rendering produced (only `kb check` and the commands that promise its verdict).
TopicCheck = Callable[[Topic, Products, Diagnostics], None]
CatalogueCheck = Callable[[Catalogue, Diagnostics], None]
# (project, catalogue, diagnostics): a check that reads the feature's own project files
ProjectCheck = Callable[[Project, Catalogue, Diagnostics], None]
RenderedCheck = Callable[[Project, Catalogue, Rendered, Diagnostics], None]


@dataclass(frozen=True)
class Feature:
    """What one feature contributes; every part is optional."""

    name: str
    contribute: Contributor | None = None
    contribute_kept: KeptContributor | None = None
    contribute_topic: TopicContributor | None = None  # with `assemble`
    assemble: Assembler | None = None
    finish_version: VersionFinisher | None = None
    finish: Finisher | None = None
    check_topic: TopicCheck | None = None
    check_catalogue: CatalogueCheck | None = None
    check_project: ProjectCheck | None = None
    check_rendered: RenderedCheck | None = None


def piece_kind(feature: Feature) -> str:
    """The name under which a feature's per-topic pieces are kept."""
    return f"feature:{feature.name}"


class Pieces(Protocol):
    """Where per-topic pieces are kept between builds (see `site.trees.TopicCache`)."""

    def get(self, kind: str, topic: Topic, moniker: str, extra: str) -> Any | None: ...

    def put(self, kind: str, topic: Topic, moniker: str, extra: str, value: Any) -> None: ...

    def kept(self, kind: str) -> Slots | None: ...


def contribute(features: Sequence[Feature], project: Project, catalogue: Catalogue,
               view: Catalogue, moniker: str, settings: dict[str, Any],
               pieces: Pieces | None = None) -> Contribution:
    """What every feature adds to one version, in the features' order; per-topic pieces
    from `pieces` where it has them, and the slots it keeps for a feature's own work."""
    total = Contribution()
    for feature in features:
        if feature.contribute is not None:
            total.merge(feature.contribute(project, catalogue, view, moniker, settings))
        if feature.contribute_kept is not None:
            kept = pieces.kept(piece_kind(feature)) if pieces is not None else None
            total.merge(feature.contribute_kept(project, catalogue, view, moniker, settings,
                                                kept))
        if feature.contribute_topic is not None and feature.assemble is not None:
            kind = piece_kind(feature)
            extra = json.dumps(settings, sort_keys=True, default=str)
            made = []
            for topic in catalogue.topics:
                piece = pieces.get(kind, topic, moniker, extra) if pieces else None
                if piece is None:
                    piece = feature.contribute_topic(project, catalogue, topic,
                                                     view.topic(topic.id), moniker, settings)
                    if pieces is not None:
                        pieces.put(kind, topic, moniker, extra, piece)
                made.append(piece)
            total.merge(feature.assemble(project, catalogue, view, moniker, settings, made))
    return total


def finish_version(features: Sequence[Feature], project: Project, catalogue: Catalogue,
                   moniker: str, built: Path) -> None:
    """Let every feature work on one version's freshly built folder."""
    for feature in features:
        if feature.finish_version is not None:
            feature.finish_version(project, catalogue, moniker, built)


def finish_site(features: Sequence[Feature], project: Project, catalogue: Catalogue,
                staging: Path) -> None:
    """Let every feature add its site-wide files to the staged site."""
    for feature in features:
        if feature.finish is not None:
            feature.finish(project, catalogue, staging)
