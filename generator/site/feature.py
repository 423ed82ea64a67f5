"""Feature: the one interface through which a feature plugs into the site and the checks.

Input: the features the caller hands over (the site layer never names one); output: the
files and navigation they add to each version, the site-wide files they add after every
version is built, and the problems their checks find.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue.model import Catalogue, Topic
from ..core.diagnostics import Diagnostics
from ..core.project import Project
from ..core.versions import Products


@dataclass
class Contribution:
    """What one feature adds to one version: files in the docs tree and nav entries."""

    files: dict[str, bytes] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)

    def merge(self, other: Contribution) -> None:
        self.files.update(other.files)
        self.nav.extend(other.nav)


@dataclass(frozen=True)
class Rendered:
    """Every version's docs tree as the build renders it: moniker -> path -> bytes."""

    trees: dict[str, dict[str, bytes]]


# (project, catalogue, view of the version, moniker, mkdocs settings) -> Contribution
Contributor = Callable[[Project, Catalogue, Catalogue, str, dict[str, Any]], Contribution]
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
    finish_version: VersionFinisher | None = None
    finish: Finisher | None = None
    check_topic: TopicCheck | None = None
    check_catalogue: CatalogueCheck | None = None
    check_project: ProjectCheck | None = None
    check_rendered: RenderedCheck | None = None


def contribute(features: Sequence[Feature], project: Project, catalogue: Catalogue,
               view: Catalogue, moniker: str, settings: dict[str, Any]) -> Contribution:
    """What every feature adds to one version, in the features' order."""
    total = Contribution()
    for feature in features:
        if feature.contribute is not None:
            total.merge(feature.contribute(project, catalogue, view, moniker, settings))
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
