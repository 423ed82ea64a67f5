"""mkdocs.yml as the generator reads it (`site_settings`): read once per text of the file,
and always what the file says now."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.project import Project, site_settings
from tests.helpers_cli import fixture_repo


def test_each_caller_gets_its_own_copy_and_an_edit_is_read(tmp_path: Path) -> None:
    project = Project(fixture_repo(tmp_path))
    first = site_settings(project)
    name = first["site_name"]
    first["site_name"] = "changed by a caller"
    first.setdefault("extra", {})["added"] = True
    again = site_settings(project)
    assert again["site_name"] == name
    assert "added" not in (again.get("extra") or {})
    text = project.mkdocs_yml.read_text(encoding="utf-8")
    project.mkdocs_yml.write_text(text.replace(f"site_name: {name}", "site_name: Edited"),
                                  encoding="utf-8")
    assert site_settings(project)["site_name"] == "Edited"


def test_a_value_from_the_environment_follows_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(fixture_repo(tmp_path))
    with project.mkdocs_yml.open("a", encoding="utf-8") as handle:
        handle.write("copyright: !ENV [KB_TEST_COPYRIGHT, 'nobody']\n")
    monkeypatch.setenv("KB_TEST_COPYRIGHT", "first")
    assert site_settings(project)["copyright"] == "first"
    monkeypatch.setenv("KB_TEST_COPYRIGHT", "second")
    assert site_settings(project)["copyright"] == "second"
