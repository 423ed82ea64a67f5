"""Checks: the catalogue loaded and validated together with the checks of the features.

Input: a Project and the features to check with; output: the Catalogue (None on errors)
and every problem in Diagnostics. With `published`, what needs each version's rendered
pages (links into pages, the anchors lock) is checked too, on trees rendered here.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path

from ..catalogue.model import Catalogue
from ..catalogue.validate import load_catalogue
from ..core.diagnostics import DiagnosticError, Diagnostics
from ..core.project import Project
from .feature import Feature, Rendered
from .trees import render_trees


def load_checked(project: Project, diagnostics: Diagnostics, features: Sequence[Feature], *,
                 markdown: bool = True, published: bool | None = None,
                 jobs: int | None = None, cache: Path | None = None) -> Catalogue | None:
    """load + validate + the features' checks; None when any of them found an error.

    `markdown=False` leaves the DocFX Markdown to the renderer, as `kb build` does;
    `published` (by default: as `markdown`) adds the checks on rendered pages; `cache`
    keeps validated topics between runs (see `catalogue.validate.load_catalogue`).
    """
    catalogue = load_catalogue(
        project, diagnostics, markdown=markdown, jobs=jobs, cache=cache,
        topic_checks=[f.check_topic for f in features if f.check_topic is not None],
        catalogue_checks=[f.check_catalogue for f in features if f.check_catalogue is not None],
    )
    if catalogue is not None:
        for feature in features:
            if feature.check_project is not None:
                feature.check_project(project, catalogue, diagnostics)
        if diagnostics.has_errors():
            return None
    rendered_checks = [f.check_rendered for f in features if f.check_rendered is not None]
    if catalogue is None or not (markdown if published is None else published) \
            or not rendered_checks:
        return catalogue

    # The catalogue lives on while every version is rendered: the garbage collector need not
    # walk it again, here or in the processes forked to render (as kb build does).
    gc.freeze()
    try:  # topics unchanged since the last build or check are taken as they were rendered
        trees, _ = render_trees(project, catalogue, features, jobs=jobs,
                                cache=project.build_dir / "cache" / "pages")
    except DiagnosticError as err:  # Markdown problems are reported by the Markdown check
        diagnostics.extend(err.diagnostics)
        return None
    rendered = Rendered({tree.moniker: tree.files for tree in trees})
    for check in rendered_checks:
        check(project, catalogue, rendered, diagnostics)
    return None if diagnostics.has_errors() else catalogue


def load_built(project: Project, features: Sequence[Feature],
               jobs: int | None = None) -> Catalogue:
    """The catalogue as kb build reads it (kb triage and kb anchors too): the DocFX
    Markdown left to rendering, which reports it; topic folders unchanged since the last
    of these runs taken as validated then, from build/cache/topics/ (they check alike);
    DiagnosticError on any error. The catalogue lives as long as the command: it is frozen
    for the garbage collector, which need not walk it again (nor in the workers forked
    from here, which share its memory)."""
    diagnostics = Diagnostics()
    catalogue = load_checked(project, diagnostics, features, markdown=False, jobs=jobs,
                             cache=project.build_dir / "cache" / "topics")
    if catalogue is None:
        raise DiagnosticError(diagnostics.sorted())
    gc.freeze()
    return catalogue
