"""Project: where a knowledge base's files are.

Input: a folder inside a repository; output: the paths every stage reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diagnostics import DiagnosticError, Diagnostics, Loc

TOPIC_FILE = "_topic.yml"
PRODUCTS_FILE = "products.yml"


class ProjectError(Exception):
    """The folder is not a knowledge base repository."""


@dataclass(frozen=True)
class Project:
    """The repository layout: mkdocs.yml, catalogue/, content/, overrides/, site/."""

    root: Path

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def catalogue(self) -> Path:
        return self.root / "catalogue"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def overrides(self) -> Path:
        return self.root / "overrides"

    @property
    def products_yml(self) -> Path:
        return self.catalogue / PRODUCTS_FILE

    @property
    def schema_dir(self) -> Path:
        return self.catalogue / "_schema"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def content_roots(self) -> tuple[Path, ...]:
        """Folders that DocFX includes may read from."""
        return (self.content.resolve(), self.catalogue.resolve())

    def rel(self, path: Path) -> str:
        """A repository-relative POSIX path, as diagnostics print it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The repository containing `start` (default: the current folder)."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "mkdocs.yml").is_file() and (folder / "catalogue").is_dir():
                return cls(folder)
        raise ProjectError(
            f"no knowledge base found in {here} or its parents "
            "(expected mkdocs.yml beside a catalogue/ folder); "
            "run kb inside the repository or pass --root"
        )


def site_settings(project: Project) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it (plugins' tags allowed), for the keys we derive."""
    from mkdocs.utils.yaml import yaml_load

    with project.mkdocs_yml.open(encoding="utf-8") as handle:
        data = yaml_load(handle) or {}
    if not isinstance(data, dict):
        problem = Diagnostics()
        problem.error(Loc(project.rel(project.mkdocs_yml), 1, 1), "mkdocs.yml",
                      f"expected a mapping of settings, found {type(data).__name__}")
        raise DiagnosticError(problem.items)
    return data
