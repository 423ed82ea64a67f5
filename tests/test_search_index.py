"""The Pagefind index of a built version: made by Pagefind's own program (or, for a version
without pages, its Python API), then checked file by file, and made again when a file was
left empty or cut short."""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from pagefind.service import get_executable

from generator.core.files import text_of
from generator.features.search import site
from generator.features.search.site import (
    ATTEMPTS,
    PAGEFIND_CONFIG,
    PAGEFIND_EXCERPT,
    PAGEFIND_SCRIPTS,
    WEIGHTS,
    _index,
    excerpt_function,
    incomplete,
)
from generator.features.search.site import read_page as real_read_page
from tests.conftest import ROOT

# What the search box loads of an index (through pagefind.js): its scripts, the WebAssembly
# of the pages' language and the entry file.
GENERATED_BY_PAGEFIND_FOR_THE_BOX = {"pagefind.js", "pagefind-worker.js", "wasm.en.pagefind",
                                     "pagefind-entry.json"}
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


def test_a_version_named_by_a_relative_path_gets_its_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index goes into the version's folder when the folder is named relative to the
    working folder (a project opened as `Project(Path("."))`), not into the folder where
    Pagefind's program runs."""
    built_version(tmp_path / "v1")
    monkeypatch.chdir(tmp_path)
    _index(Path("v1"))
    assert incomplete(tmp_path / "v1" / "pagefind") == []


def test_an_entry_file_left_empty_is_made_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    built = built_version(tmp_path / "v1")
    program = losing_program(tmp_path, built / "pagefind", losses=1)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(program))
    _index(built)
    assert runs(tmp_path) == 2
    assert incomplete(built / "pagefind") == []


@pytest.mark.parametrize("pages", [True, False])
def test_an_index_holds_what_the_search_box_loads_and_not_pagefinds_interfaces(
        tmp_path: Path, pages: bool) -> None:
    """Pagefind writes its ready-made interfaces and its highlighter into every index; the
    search box loads only pagefind.js (which starts its worker and WebAssembly), so they
    are left out, from the index of a version with pages and from the empty one."""
    if pages:
        built = built_version(tmp_path / "v1")
    else:
        built = tmp_path / "v1"
        built.mkdir()
    ours = GENERATED_BY_PAGEFIND_FOR_THE_BOX if pages else {"pagefind.js",
                                                          "pagefind-worker.js"}
    _index(built)
    names = {p.name for p in (built / "pagefind").iterdir() if p.is_file()}
    assert ours <= names
    assert not any(n.startswith(("pagefind-ui", "pagefind-component-ui",
                                 "pagefind-modular-ui", "pagefind-highlight")) for n in names)
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


def test_versions_without_pages_share_one_empty_index_and_a_bad_one_is_asked_for_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The empty index is the same for every version without a page to index: the service
    is asked once per process. What was kept is not trusted blindly: when it makes an
    incomplete index, the service is asked again."""
    program = losing_program(tmp_path, tmp_path / "nowhere", losses=0)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(program))
    folders = []
    for name in ("v1", "v2", "v3"):
        built = tmp_path / name
        built.mkdir()
        (built / "index.html").write_text("<!doctype html><title>Home</title><p>No body.</p>",
                                          encoding="utf-8")
        folders.append(built)
    _index(folders[0])
    _index(folders[1])
    assert runs(tmp_path) == 1

    def files(built: Path) -> dict[str, bytes]:
        return {p.relative_to(built).as_posix(): p.read_bytes()
                for p in (built / "pagefind").rglob("*") if p.is_file()}

    assert files(folders[1]) == files(folders[0]) != {}
    for (_stamp, made_by), kept in site._EMPTY.items():  # damaged as a cut write leaves it
        if made_by == os.fspath(program):
            kept[:] = [(rel, b"" if rel == "pagefind-entry.json" else content)
                       for rel, content in kept]
    _index(folders[2])
    assert runs(tmp_path) == 2
    assert incomplete(folders[2] / "pagefind") == []
    assert files(folders[2]) == files(folders[0])


def test_an_index_that_stays_incomplete_fails_with_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = built_version(tmp_path / "v1")
    program = losing_program(tmp_path, built / "pagefind", losses=ATTEMPTS)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(program))
    with pytest.raises(RuntimeError, match=f"incomplete index of v1 {ATTEMPTS} times: "
                                           "pagefind-entry.json"):
        _index(built)
    assert runs(tmp_path) == ATTEMPTS


def whole_pages_index(built: Path, output: Path) -> None:
    """Pagefind's program over the version's whole pages (message boxes weighted), its
    scripts as the build leaves them: the reference that the index of the parts Pagefind
    reads must equal."""
    from selectolax.lexbor import LexborHTMLParser

    pages = output.parent / "whole-pages"
    for path in sorted(built.rglob("*.html")):
        rel = path.relative_to(built).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel.startswith(("assets/", "pagefind/")) or "data-pagefind-body" not in text:
            continue
        tree = LexborHTMLParser(text)
        for selector, weight in WEIGHTS.items():
            for node in tree.css(selector):
                node.attrs["data-pagefind-weight"] = weight
        (pages / rel).parent.mkdir(parents=True, exist_ok=True)
        (pages / rel).write_text(tree.html or text, encoding="utf-8")
    settings = {**PAGEFIND_CONFIG, "site": str(pages), "output_path": str(output)}
    (output.parent / "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
    program = get_executable()
    assert program is not None
    subprocess.run([str(program), "--silent"], cwd=output.parent, check=True, timeout=600)
    site.as_served(output)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_index_of_the_same_pages_is_taken_from_the_last_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A version whose pages read the same as at its last build gets the index made then,
    byte for byte, without running Pagefind; a changed page, or a kept index not marked
    whole (a build stopped while keeping it), makes it again; one index is kept."""
    built = built_version(tmp_path / "v1")
    kept = tmp_path / "kept"
    # The real program, its runs counted (it loses nothing: losses=0).
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(
        losing_program(tmp_path, built / "pagefind", losses=0)))
    site._index(built, None, kept)
    first = files_of(built / "pagefind")
    assert runs(tmp_path) == 1 and incomplete(built / "pagefind") == []
    shutil.rmtree(built / "pagefind")
    site._index(built, None, kept)
    assert runs(tmp_path) == 1 and files_of(built / "pagefind") == first
    page = built / "disk" / "index.html"
    page.write_text(page.read_text().replace("The disk is full.", "The disk is empty."))
    site._index(built, None, kept)
    assert runs(tmp_path) == 2
    changed = files_of(built / "pagefind")
    assert changed != first
    fresh = shutil.copytree(built, tmp_path / "fresh", ignore=shutil.ignore_patterns("pagefind"))
    _index(fresh)  # made anew, nothing kept: one more run
    assert files_of(fresh / "pagefind") == changed and runs(tmp_path) == 3
    assert len(list(kept.iterdir())) == 1
    marker = next(kept.iterdir()) / site.KEPT_WHOLE
    marker.unlink()
    site._index(built, None, kept)
    assert runs(tmp_path) == 4 and files_of(built / "pagefind") == changed
    assert marker.is_file()


def test_an_index_that_cannot_be_kept_is_still_made(tmp_path: Path) -> None:
    """Keeping the index is a help, not a step of the build: where it cannot be kept (here
    a file stands where its folder goes), the version still gets its index, whole."""
    built = built_version(tmp_path / "v1")
    kept = tmp_path / "kept"
    kept.write_text("not a folder", encoding="utf-8")
    site._index(built, None, kept)
    assert incomplete(built / "pagefind") == [] and kept.read_text() == "not a folder"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_part_pagefind_reads_gives_the_index_of_the_whole_pages(
        snapshot_site: Path, tmp_path: Path) -> None:
    """Pagefind is given each page's `data-pagefind-body` alone: the index is the same,
    byte for byte, as from the whole pages Material wrote."""
    built = tmp_path / "version"
    shutil.copytree(snapshot_site / "azure-devops", built, symlinks=True)
    shutil.rmtree(built / "pagefind")
    _index(built)
    (tmp_path / "whole").mkdir()
    whole_pages_index(built, tmp_path / "whole" / "pagefind")
    assert files_of(built / "pagefind") == files_of(tmp_path / "whole" / "pagefind")
    assert any(name.startswith("fragment/") for name in files_of(built / "pagefind"))


def test_pages_are_read_once_and_only_changed_ones_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = built_version(tmp_path / "v1")
    cache = tmp_path / "cache"
    read: list[str] = []

    def reading(html: str) -> tuple[str | None, str | None]:
        read.append(html)
        return real_read_page(html)

    decoded: list[bytes] = []

    def decoding(data: bytes, errors: str = "strict") -> str:
        decoded.append(data)
        return text_of(data, errors)

    monkeypatch.setattr(site, "read_page", reading)
    monkeypatch.setattr(site, "text_of", decoding)
    first = site._read(built, cache)
    assert len(read) == 3 and len(decoded) == 3
    assert sorted(first[0]) == ["disk/", "proxy/", "token/"]
    assert first[0]["token/"] == "Token" and "<main data-pagefind-body=\"\"><h1>Token</h1>" in \
        first[1]["token/index.html"]
    read.clear()
    decoded.clear()
    # Known by their bytes: not even decoded.
    assert site._read(built, cache) == first and read == [] and decoded == []
    page = built / "disk" / "index.html"
    page.write_text(page.read_text().replace("The disk is full.", "The disk is empty."))
    shutil.rmtree(built / "proxy")
    token_slot = [p for p in cache.iterdir() if b"AADSTS7000215" in p.read_bytes()]
    assert len(token_slot) == 1
    token_slot[0].write_bytes(b"damaged")
    titles, indexed = site._read(built, cache)
    assert sorted(titles) == ["disk/", "token/"]
    assert "The disk is empty." in indexed["disk/index.html"]
    assert titles == {"disk/": "Disk", "token/": "Token"}
    # The changed page and the damaged slot's page were read again, nothing else; the
    # removed page's slot is gone.
    assert sorted("empty" if "The disk is empty." in html else
                  "token" if "AADSTS7000215" in html else html for html in read) == \
        ["empty", "token"]
    assert len(list(cache.iterdir())) == 2


# ---------------------------------------------------------------------------
# Pagefind's excerpt function, replaced in the scripts of every index by one that reads a
# page's words once (assets/search/pagefind-excerpt.js).
# ---------------------------------------------------------------------------

SECTIONS = 120


def long_version(folder: Path) -> Path:
    """A built version with one page of SECTIONS sections, each under a heading with an id,
    all holding the same words (a query for them matches in every section)."""
    sections = "".join(f'<h2 id="e{n}">Error E{n:04d}</h2><p>The disk is full on agent {n}. '
                       f"Free some space, then run the pipeline {n} again.</p>"
                       for n in range(SECTIONS))
    page = folder / "long" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE.format(title="Long", text="").replace("<p></p>", sections),
                    encoding="utf-8")
    return folder


def fragments(index: Path) -> list[dict[str, object]]:
    """The fragments of a Pagefind index as its scripts read them."""
    out = []
    for path in sorted((index / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        out.append(json.loads(data[len(b"pagefind_dcd"):]))
    return out


def excerpt_calls(contents: list[str], seed: int) -> list[list[object]]:
    """Calls as Pagefind makes them (the page, then each section from its first word to the
    next section's), and calls at the edges: locations repeated, past the last word or
    before the first, ranges empty, reversed or outside the page."""
    draw = random.Random(seed)
    calls: list[list[object]] = []
    for at, content in enumerate(contents):
        count = len(content.split())
        for _ in range(40):
            locations = sorted(draw.sample(range(count), min(count, draw.randint(0, 12))))
            start = draw.randint(0, max(count - 1, 0))
            calls.append([at, start, 30, locations, None, None])
            low = draw.randint(0, max(count - 1, 0))
            high = draw.randint(low, count)
            inside = [n for n in locations if low <= n < high]
            calls.append([at, max(low, start), 30, inside, low, high])
        calls += [[at, 0, 30, [0, 0, 1], None, None],
                  [at, 0, 30, [count, count + 5], None, None],
                  [at, 0, 30, [-1], 0, None],
                  [at, -3, 10, [0, 2], None, None],
                  [at, count - 2, 30, [count - 1], None, count + 4],
                  [at, count - 2, 30, [count, count + 1], None, count + 4],
                  [at, 5, 30, [6], 9, 4],
                  [at, 0, 0, [0], None, None],
                  [at, 2, 30, [2.5, 3], None, None]]
    return calls


def run_excerpts(contents: list[str], calls: list[list[object]]) -> list[list[object]]:
    node = shutil.which("node")
    assert node, "node is required to compare the excerpt functions"
    request = {"functions": [PAGEFIND_EXCERPT, excerpt_function()], "contents": contents,
               "calls": calls}
    run = subprocess.run([node, str(ROOT / "tests" / "js" / "pagefind_excerpt.js")],
                         input=json.dumps(request), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    results: list[list[object]] = json.loads(run.stdout)
    return results


def test_every_index_has_the_excerpt_function_that_reads_a_page_once(tmp_path: Path) -> None:
    """Pagefind (the version the project pins) writes the function the build replaces, in
    its script and its worker's; the index keeps them otherwise as Pagefind wrote them."""
    built = long_version(tmp_path / "v")
    _index(built)
    ours = excerpt_function()
    for name in PAGEFIND_SCRIPTS:
        text = (built / "pagefind" / name).read_text(encoding="utf-8")
        assert PAGEFIND_EXCERPT not in text, name
        assert text.count(ours) == 1, name
    assert incomplete(built / "pagefind") == []


def test_the_excerpts_are_pagefinds_own_on_real_and_odd_pages(tmp_path: Path,
                                                              snapshot_site: Path) -> None:
    """Each call gives what Pagefind's own function gives: on the pages of a long version and
    of the shipped snapshot as Pagefind stored them, and on odd texts (empty, words
    separated by zero-width spaces, spaces first); a page's calls in a row and pages taking
    turns (the function keeps the last page's words)."""
    built = long_version(tmp_path / "v")
    _index(built)
    stored = fragments(built / "pagefind") + fragments(snapshot_site / "azure-devops" / "pagefind")
    # What Pagefind passes: a fragment's text with its angle brackets escaped (raw_content).
    contents = [str(f["content"]).replace("<", "&lt;").replace(">", "&gt;") for f in stored]
    contents += ["", "one", "  spaced  out\ntext\r\nhere ", "zero\u200bwidth\u200bwords",
                 "<mark>already marked</mark> words"]
    assert len(contents[0].split()) > SECTIONS * 10
    calls = excerpt_calls(contents, seed=7)
    draw = random.Random(8)
    calls += draw.sample(calls, len(calls))  # pages taking turns
    theirs, ours = run_excerpts(contents, calls)
    assert len(theirs) == len(calls)
    different = [(call, want, got) for call, want, got in zip(calls, theirs, ours, strict=True)
                 if want != got]
    assert different == []
    assert any("<mark>" in str(result) for result in theirs)
