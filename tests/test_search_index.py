"""The Pagefind index of a built version: made by Pagefind's own program (or, for a version
without pages, its Python API), then checked file by file, and made again when a file was
left empty or cut short."""

from __future__ import annotations

import gzip
import json
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
    emptied, as a program that stops before its last write lands would leave it. It runs as
    a program or as the Python API's service, which the API stops with SIGTERM (the
    wrapper passes the signal on)."""
    real = get_executable()
    assert real is not None
    script = tmp_path / "pagefind-losing"
    count = tmp_path / "runs"
    # The program runs in the background (so the signal reaches the trap) on the wrapper's
    # standard input (the service's requests); nothing may be printed (its answers).
    script.write_text(f"""#!/bin/sh
exec 3<&0
"{real}" "$@" <&3 3<&- &
child=$!
trap 'kill $child 2>/dev/null' TERM
wait $child
status=$?
wait $child 2>/dev/null
runs=$(($(cat "{count}" 2>/dev/null || echo 0) + 1))
echo $runs > "{count}"
if [ "$runs" -le {losses} ]; then : > "{output}/pagefind-entry.json"; fi
exit $status
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


def test_the_empty_index_of_a_version_without_pages_does_not_wait_on_the_service(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A version with no page to index gets its index from Pagefind's Python API, whose
    service is stopped as soon as it answers: the files come in its answer and are written
    by the build, so a service that loses what it writes itself loses nothing."""
    built = tmp_path / "v1"
    built.mkdir()
    (built / "index.html").write_text("<!doctype html><title>Home</title><p>No body.</p>",
                                      encoding="utf-8")
    program = losing_program(tmp_path, built / "pagefind", losses=1)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(program))
    _index(built)
    assert runs(tmp_path) == 1
    assert incomplete(built / "pagefind") == []
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_bytes())
    assert entry["languages"] == {}
    assert (built / "pagefind" / "pagefind.js").stat().st_size > 0


def test_an_index_that_stays_incomplete_fails_with_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = built_version(tmp_path / "v1")
    program = losing_program(tmp_path, built / "pagefind", losses=ATTEMPTS)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(program))
    with pytest.raises(RuntimeError, match=f"incomplete index of v1 {ATTEMPTS} times: "
                                           "pagefind-entry.json"):
        _index(built)
    assert runs(tmp_path) == ATTEMPTS
