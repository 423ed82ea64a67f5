"""Extensions: extra files and pages that features add to each version's tree.

Input: the catalogue, a version's view and the site settings; output: files (path ->
bytes) and navigation entries merged into the version before MkDocs runs, and
site-wide files added after every version is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Catalogue
from .project import Project


@dataclass
class Contribution:
    """What one feature adds to one version: files in the docs tree and nav entries."""

    files: dict[str, bytes] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)

    def merge(self, other: Contribution) -> None:
        self.files.update(other.files)
        self.nav.extend(other.nav)


# (project, catalogue, view of the version, moniker, mkdocs settings) -> Contribution
Contributor = Callable[[Project, Catalogue, Catalogue, str, dict[str, Any]], Contribution]
# (project, catalogue, staging site folder) -> None; writes site-wide files
Finisher = Callable[[Project, Catalogue, Path], None]


def _contributors() -> list[Contributor]:
    """The features that add pages, in navigation order."""
    from .lookup.site import contribute as lookup_page  # imports this module: import late
    from .tree.export import contribute as decision_tree  # the same

    return [lookup_page, decision_tree]


def _finishers() -> list[Finisher]:
    return []


def contribute(project: Project, catalogue: Catalogue, view: Catalogue, moniker: str,
               settings: dict[str, Any]) -> Contribution:
    total = Contribution()
    for contributor in _contributors():
        total.merge(contributor(project, catalogue, view, moniker, settings))
    return total


def finish_site(project: Project, catalogue: Catalogue, staging: Path) -> None:
    for finisher in _finishers():
        finisher(project, catalogue, staging)
