"""Load: YAML positions (1-based in diagnostics), scalar styles, duplicate keys."""

from __future__ import annotations

from pathlib import Path

from generator.catalogue.fields import item_loc, key_loc, node_loc, value_loc
from generator.catalogue.load import BlockText, LocList, LocMap, QuotedText, read_yaml
from generator.core.diagnostics import Diagnostics


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
