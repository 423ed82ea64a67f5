"""Resolve: a version's view keeps exactly what its ranges select, and shares the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.catalogue.resolve import resolve
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.site.checks import load_checked
from tests.conftest import FIXTURES


def test_view_per_version(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    repo = tmp_path / "rich"  # a copy: checking a project keeps work in its build/ folder
    shutil.copytree(FIXTURES / "catalogues" / "rich", repo)
    catalogue = load_checked(Project(repo), diagnostics, FEATURES, jobs=1)
    assert catalogue is not None
    one, three = resolve(catalogue, "demo-1"), resolve(catalogue, "demo-3")
    assert [p.path for p in one.pages] == ["index.md"]
    assert [p.path for p in three.pages] == ["faq.md", "index.md"]
    assert [e.id for e in one.topics[0].entries] == ["disk-full", "legacy", "timeout"]
    assert [e.id for e in three.topics[0].entries] == ["disk-full", "legacy"]
    disk_one = one.topics[0].entries[0]
    assert [m.text for m in disk_one.messages] == ["No space left on device"]
    assert [len(f.steps) for f in disk_one.causes[0].fixes] == [2]
    disk_three = three.topics[0].entries[0]
    assert [len(f.steps) for f in disk_three.causes[0].fixes] == [3, 1]
    # Objects that no range touches are shared, not copied, between versions.
    assert one.topics[0].entries[0].causes[1] is three.topics[0].entries[0].causes[1]
    assert [s.id for s in one.topics[0].closing_sections] == []
    assert [s.id for s in three.topics[0].closing_sections] == ["more"]
