"""Front matter as DocFX reads it: a repeated key keeps its last value, with a warning."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.catalogue.validate import load_catalogue
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.markdown.docfx import read_front_matter, split_front_matter
from tests.conftest import FIXTURES, ROOT


def test_a_repeated_key_keeps_its_first_place_and_its_last_value() -> None:
    # DocFX's YAML readers set the key again (`obj[key] = value`) and warn
    # ("yaml-duplicate-key: Key 'ms.topic' is already defined, remove the duplicate key").
    text = "---\ntitle: T\nms.topic: a\nnested: {x: 1, x: 2}\nms.topic: b\n---\n# T\n"
    found = read_front_matter(text)
    assert found.data == {"title": "T", "ms.topic": "b", "nested": {"x": 2}}
    assert list(found.data) == ["title", "ms.topic", "nested"]
    assert found.repeated == ((4, 16, "x"), (5, 1, "ms.topic"))
    assert (found.body, found.removed) == ("# T\n", 6)
    assert split_front_matter(text) == (found.data, found.body, found.removed)


def test_a_page_with_a_repeated_key_builds_and_is_warned_about_at_the_key(
        tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    (repo / "catalogue").mkdir(parents=True)
    shutil.copy(FIXTURES / "docfx_fidelity" / "products.yml", repo / "catalogue" / "products.yml")
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    (repo / "content").mkdir()
    (repo / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    (repo / "content" / "page.md").write_text(
        "---\ntitle: First\nms.topic: a\ntitle: Second\n---\n# Page\n", encoding="utf-8")
    diagnostics = Diagnostics()
    catalogue = load_catalogue(Project(repo), diagnostics, markdown=False, jobs=1)
    assert catalogue is not None
    assert [p.title for p in catalogue.pages if p.path == "page.md"] == ["Second"]
    assert [d.format() for d in diagnostics.items] == [
        "content/page.md:4:1: warning: front matter: key 'title' is already defined; its last "
        "value is used; remove the duplicate key"]


def test_malformed_front_matter_is_an_error_at_its_line(tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    (repo / "catalogue").mkdir(parents=True)
    shutil.copy(FIXTURES / "docfx_fidelity" / "products.yml", repo / "catalogue" / "products.yml")
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    (repo / "content").mkdir()
    (repo / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    (repo / "content" / "page.md").write_text("---\ntitle: T\ntags: [x\n---\n# Page\n",
                                              encoding="utf-8")
    diagnostics = Diagnostics()
    load_catalogue(Project(repo), diagnostics, markdown=False, jobs=1)
    assert [d.format().split(": invalid YAML")[0] for d in diagnostics.items] == [
        "content/page.md:3:1: error: front matter"]


def test_a_lone_equals_sign_is_text_as_in_yaml_1_2() -> None:
    # YAML 1.1's "value" type (`=`) has no constructor in ruamel.yaml's safe loader.
    found = read_front_matter("---\ntitle: =\nms.topic: [=, a]\n---\n# T\n")
    assert found.data == {"title": "=", "ms.topic": ["=", "a"]}
