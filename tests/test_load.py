"""Load: YAML positions (1-based in diagnostics), scalar styles, duplicate keys."""

from __future__ import annotations

from pathlib import Path

from generator.catalogue.fields import item_loc, key_loc, node_loc, value_loc
from generator.catalogue.load import BlockText, LocList, LocMap, QuotedText, read_yaml
from generator.core.diagnostics import Diagnostics
from tests.helpers_cli import fixture_repo, kb


def test_positions_and_scalar_types(tmp_path: Path) -> None:
    path = tmp_path / "e.yml"
    path.write_text(
        'id: e\ncount: 3\nflag: true\nnothing: null\nquoted: "x"\nblock: |\n  text\n'
        "items:\n  - one\n  - two: 2\n"
    )
    doc = read_yaml(path, "e.yml", Diagnostics())
    assert doc is not None and isinstance(doc.node, LocMap)
    node = doc.node
    assert node["count"] == 3 and node["flag"] is True and node["nothing"] is None
    assert isinstance(node["quoted"], QuotedText) and isinstance(node["block"], BlockText)
    assert str(node_loc("e.yml", node)) == "e.yml:1:1"
    assert str(key_loc("e.yml", node, "count")) == "e.yml:2:1"
    assert str(value_loc("e.yml", node, "count")) == "e.yml:2:8"
    items = node["items"]
    assert isinstance(items, LocList)
    assert str(item_loc("e.yml", items, 1)) == "e.yml:10:5"
    assert doc.lines[6] == "  text"


def test_duplicate_keys_and_empty_files_are_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "d.yml").write_text("id: a\nid: b\n")
    (tmp_path / "empty.yml").write_text("# nothing\n")
    (tmp_path / "bin.yml").write_bytes(b"id: \xff\n")
    found = Diagnostics()
    for name in ("d.yml", "empty.yml", "bin.yml"):
        assert read_yaml(tmp_path / name, name, found) is None
    assert [d.format() for d in found.sorted()] == [
        "bin.yml:1:5: error: file is not UTF-8 text: byte 0xFF (invalid start byte); "
        "save the file as UTF-8",
        "d.yml:2:1: error: YAML: duplicate key 'id'; keep one of the two values",
        "empty.yml:1:1: error: file is empty; write the fields of the file",
    ]


def test_entry_files_where_no_entry_is_read_are_reported(tmp_path: Path) -> None:
    """An entry in a folder inside a topic's, or directly in catalogue/, is no entry; an
    upper-case .YML is no entry file; two names that differ only in case cannot both be
    checked out on Windows or macOS. Other YAML files (a pipeline sample beside media) are
    left alone."""
    repo = fixture_repo(tmp_path)
    demo = repo / "catalogue" / "demo"
    entry = (demo / "disk-full.yml").read_text()
    (demo / "drafts").mkdir()
    (demo / "drafts" / "disk-full2.yml").write_text(entry.replace("id: disk-full", "id: x2"))
    (repo / "catalogue" / "loose.yml").write_text(entry.replace("id: disk-full", "id: x3"))
    (demo / "x4.YML").write_text(entry.replace("id: disk-full", "id: x4"))
    (demo / "Disk-Full.yml").write_text(entry.replace("id: disk-full", "id: Disk-Full"))
    (demo / "media").mkdir()
    (demo / "media" / "azure-pipelines.yml").write_text("steps:\n  - script: echo hi\n")
    run = kb("check", cwd=repo)
    assert run.code == 1
    assert run.stderr.splitlines() == [
        "catalogue/demo/disk-full.yml: error: file name differs from Disk-Full.yml only in "
        "case: the two cannot both exist on Windows or macOS; rename one of them (entry ids "
        "differ in more than case)",
        "catalogue/demo/drafts/disk-full2.yml: warning: this file reads like an entry but is "
        "not read: entries are the .yml files directly in a topic's folder; move it to "
        "catalogue/demo/disk-full2.yml",
        "catalogue/demo/x4.YML: error: entry files end in .yml, found .YML; rename it to "
        "x4.yml",
        "catalogue/loose.yml: warning: this file reads like an entry but is not read: entries "
        "are the .yml files directly in a topic's folder; move it to "
        "catalogue/<topic>/loose.yml",
        "kb check: 2 errors, 2 warnings"]
