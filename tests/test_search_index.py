"""The Pagefind index of a built version: made by Pagefind's own program, then checked file
by file, and made again when the program left a file empty or cut short."""

from __future__ import annotations

import gzip
import os
import stat
from pathlib import Path

import pytest
from pagefind.service import get_executable

from generator.features.search.site import ATTEMPTS, _index, incomplete

PAGE = ("<!doctype html><html lang=en><head><title>{title}</title></head><body>"
        "<main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>")


def built_version(folder: Path) -> Path:
    """A built version's folder with three pages to index."""
    for name, text in [("disk", "The disk is full."), ("token", "AADSTS7000215: Invalid "
                       "client secret is provided."), ("proxy", "The proxy refused it.")]:
        page = folder / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAGE.format(title=name.title(), text=text), encoding="utf-8")
    return folder


def test_a_whole_index_passes_and_each_kind_of_damage_is_named(tmp_path: Path) -> None:
    built = built_version(tmp_path / "v1")
    _index(built)
    output = built / "pagefind"
    assert incomplete(output) == []
    fragment = sorted((output / "fragment").iterdir())[0]
    whole = fragment.read_bytes()
    assert gzip.decompress(whole)
    fragment.write_bytes(whole[: len(whole) // 2])
    (output / "pagefind.js").write_bytes(b"")
    (output / "pagefind-entry.json").write_bytes(b"")
    assert incomplete(output) == [
        "pagefind-entry.json", f"fragment/{fragment.name}", "pagefind.js"]
    (output / "pagefind-entry.json").write_text('{"languages": {}}', encoding="utf-8")
    assert "pagefind-entry.json" in incomplete(output)


def losing_program(tmp_path: Path, output: Path, losses: int) -> Path:
    """Pagefind's real program, after which the entry file of its first `losses` runs is
    emptied, as a program that exits before its last write lands would leave it."""
    real = get_executable()
    assert real is not None
    script = tmp_path / "pagefind-losing"
    count = tmp_path / "runs"
    script.write_text(f"""#!/bin/sh
"{real}" "$@" || exit $?
runs=$(($(cat "{count}" 2>/dev/null || echo 0) + 1))
echo $runs > "{count}"
if [ "$runs" -le {losses} ]; then : > "{output}/pagefind-entry.json"; fi
""", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def runs(tmp_path: Path) -> int:
    return int((tmp_path / "runs").read_text())


def test_an_entry_file_left_empty_is_made_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    built = built_version(tmp_path / "v1")
    program = losing_program(tmp_path, built / "pagefind", losses=1)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(program))
    _index(built)
    assert runs(tmp_path) == 2
    assert incomplete(built / "pagefind") == []


def test_an_index_that_stays_incomplete_fails_with_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = built_version(tmp_path / "v1")
    program = losing_program(tmp_path, built / "pagefind", losses=ATTEMPTS)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(program))
    with pytest.raises(RuntimeError, match=f"incomplete index of v1 {ATTEMPTS} times: "
                                           "pagefind-entry.json"):
        _index(built)
    assert runs(tmp_path) == ATTEMPTS
