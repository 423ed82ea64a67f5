"""What builds keep between runs (validated topics, topic pages, the troubleshooter's
pieces, the engine's pages, folders of earlier builds): an edit in whatever each of them
depends on gives the site a clean build gives, byte for byte, with and without a MkDocs
plugin that sees every page; and what is kept is never trusted blindly."""

from __future__ import annotations

import gc
import gzip
import io
import os
import pickle
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pagefind.service import get_executable

from generator.catalogue.validate import load_catalogue
from generator.core.cache import Slots
from generator.core.diagnostics import Diagnostics
from generator.core.project import Project
from generator.features.registry import FEATURES
from generator.features.tree.export import deflate_chunk, gzip_chunks
from generator.site.build import BuildReport, build_site
from generator.site.checks import load_checked
from generator.site.engines.mkdocs import TEMPLATE_CACHE, forget, kept_templates
from tests.conftest import FIXTURES
from tests.helpers_cli import fixture_repo
from tests.test_build_blocks import differences

pytestmark = pytest.mark.e2e

BLOCKS = FIXTURES / "catalogues" / "blocks"


def build(repo: Path, force: bool = False, jobs: int | None = None) -> BuildReport:
    return build_site(Project(repo), FEATURES, force=force, out=io.StringIO(), jobs=jobs)


def clean_copy(repo: Path, target: Path) -> Path:
    """The repository's sources alone (no build/, no site/), built from scratch."""
    shutil.copytree(repo, target, ignore=shutil.ignore_patterns("build", "site", "site.*"))
    build(target, force=True)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


# What the project's theme (overrides/main.html) gives Pagefind to read: each page's article.
PAGEFIND_BODY = """{% extends "base.html" %}
{% block container %}
  {{ super() | replace('<article class="md-content__inner md-typeset">',
                       '<article class="md-content__inner md-typeset" data-pagefind-body>') }}
{% endblock %}
"""


def repository(tmp_path: Path, plugins: bool) -> Path:
    """The blocks fixture with an entry that includes a file, pages Pagefind reads, and
    Material's search plugin (it sees every page) or no plugin at all."""
    repo = fixture_repo(tmp_path, BLOCKS)
    (repo / "overrides").mkdir()
    (repo / "overrides" / "main.html").write_text(PAGEFIND_BODY, encoding="utf-8")
    edit(repo / "mkdocs.yml", "  name: material\n", "  name: material\n  custom_dir: overrides\n")
    includes = repo / "catalogue" / "_includes"
    includes.mkdir()
    (includes / "tip.md").write_text("Keep **10%** of the disk free.\n", encoding="utf-8")
    edit(repo / "catalogue" / "demo" / "disk-full.yml", "causes:",
         'summary: |\n  [!INCLUDE [tip](../_includes/tip.md)]\ncauses:')
    if not plugins:
        edit(repo / "mkdocs.yml", "plugins:\n  - search\n", "plugins: []\n")
    return repo


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("a step of an entry", lambda r: edit(
        r / "catalogue" / "more" / "quota.yml", "Open **Quotas**.", "Open **Quota settings**.")),
    ("a file an entry includes", lambda r: edit(
        r / "catalogue" / "_includes" / "tip.md", "10%", "15%")),
    ("an entry's title", lambda r: edit(
        r / "catalogue" / "demo" / "slow-disk.yml", "title: The disk is slow",
        "title: The disk is too slow")),
    ("a topic's title (the navigation)", lambda r: edit(
        r / "catalogue" / "more" / "_topic.yml", "title: More errors", "title: Other errors")),
    ("a version's title", lambda r: edit(
        r / "catalogue" / "products.yml", "title: Demo 2", "title: Demo Two")),
    ("the site settings", lambda r: edit(
        r / "mkdocs.yml", "site_name: Demo knowledge base", "site_name: Demo KB")),
    ("an entry removed", lambda r: (r / "catalogue" / "demo" / "slow-network.yml").unlink()),
    ("a topic removed", lambda r: (
        edit(r / "catalogue" / "demo" / "slow-disk.yml", "[other topic](more.md#quota)",
             "other topic"),
        shutil.rmtree(r / "catalogue" / "more"))),
    ("a question of the troubleshooter (on no page Pagefind reads)", lambda r: edit(
        r / "catalogue" / "demo" / "disk-full.yml", "more than 1 GB?", "more than 2 GB?")),
]


@pytest.mark.parametrize("plugins", [False, True], ids=["no plugin", "search plugin"])
def test_every_edit_builds_what_a_clean_build_does(tmp_path: Path, plugins: bool) -> None:
    repo = repository(tmp_path, plugins)
    # With the plugin, the edits are built by two processes (the clean builds by one).
    jobs = 2 if plugins else None
    first = build(repo, jobs=jobs)
    assert first.built and first.rendered_pages
    for number, (what, change) in enumerate(EDITS):
        change(repo)
        report = build(repo, jobs=jobs)
        assert report.built, what
        clean = clean_copy(repo, tmp_path / f"clean-{number}")
        assert differences(repo / "site", clean / "site") == [], what
        if not plugins and what == "a step of an entry":
            # One page of each version rendered again, the others taken as they were.
            assert report.rendered_pages == len(report.built), report
            assert report.reused_pages > 0


def test_an_edit_on_no_page_pagefind_reads_keeps_the_search_indexes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editing a question of the troubleshooter builds every version again (its tree
    changed) but runs Pagefind in none: each index is taken from the last build, and the
    site is a clean build's. Editing a step runs it again in every version."""
    repo = repository(tmp_path, plugins=False)
    build(repo)
    assert "data-pagefind-body" in (repo / "site" / "demo-3" / "more" / "index.html").read_text()
    ran: list[str] = []  # the runs of Pagefind's program
    real_run, program = subprocess.run, str(get_executable())

    def counted(args: Any, *rest: Any, **options: Any) -> Any:
        if str(args[0]) == program:
            ran.append(str(options.get("cwd")))
        return real_run(args, *rest, **options)

    monkeypatch.setattr(subprocess, "run", counted)
    edit(repo / "catalogue" / "demo" / "disk-full.yml", "more than 1 GB?", "more than 2 GB?")
    report = build(repo)
    assert report.built and ran == []
    assert differences(repo / "site", clean_copy(repo, tmp_path / "clean-1") / "site") == []
    ran.clear()
    EDITS[0][1](repo)
    report = build(repo)
    assert len(ran) == len(report.built) > 0


def compiled_templates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles in this process from now on, in order."""
    import jinja2

    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def counted(self: Any, source: Any, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name or "")
        return compile_template(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return compiled


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's templates, compiled in one build, are not compiled in the next (those of
    Material's search plugin included); a damaged one is compiled again; either way the
    site is a clean build's."""
    monkeypatch.delenv(TEMPLATE_CACHE, raising=False)  # the repository's own folder
    repo = repository(tmp_path, plugins=True)
    compiled = compiled_templates(monkeypatch)

    def build_after(number: int) -> list[str]:
        compiled.clear()
        EDITS[number][1](repo)
        build_site(Project(repo), FEATURES, out=io.StringIO(), jobs=1)  # in this process
        made = list(compiled)
        clean = clean_copy(repo, tmp_path / f"clean-{number}")
        assert differences(repo / "site", clean / "site") == []
        return made

    assert "partials/language.html" in build_after(0)
    kept = sorted((repo / "build" / "cache" / "templates").iterdir())
    assert kept
    assert build_after(2) == []
    for path in kept:  # each cut short after Jinja's header
        path.write_bytes(path.read_bytes()[:60])
    assert "partials/language.html" in build_after(4)


def test_repositories_share_the_folder_kb_template_cache_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With KB_TEMPLATE_CACHE set, a repository's first build compiles none of the installed
    theme's templates another repository's build compiled there, only its own (its
    overrides/main.html, a file of its own), keeps no templates in its build/, and builds
    the site a clean build gives."""
    shared = tmp_path / "shared"
    monkeypatch.setenv(TEMPLATE_CACHE, str(shared))
    build(repository(tmp_path / "one", plugins=True), jobs=1)
    assert any(shared.iterdir())
    forget()  # nothing of the first build's templates in this process's memory
    compiled = compiled_templates(monkeypatch)
    second = repository(tmp_path / "two", plugins=True)
    build(second, jobs=1)
    assert set(compiled) == {"main.html"}
    assert not (second / "build" / "cache" / "templates").exists()
    monkeypatch.delenv(TEMPLATE_CACHE)  # the clean build compiles its own
    clean = clean_copy(second, tmp_path / "clean")
    assert differences(second / "site", clean / "site") == []


def test_kept_templates_are_known_by_the_settings_that_compiled_them(tmp_path: Path) -> None:
    """Environments set otherwise (whitespace, syntax, escaping) keep their compiled
    templates in one folder, and each renders a template as an environment without any kept
    code does, from the folder too: none takes another's code."""
    import jinja2

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(
        "<p>\n  {% if shown %}\n  {{ text }}\n  {% endif %}\n</p>\n<%= text %>\n",
        encoding="utf-8")
    settings: list[dict[str, Any]] = [
        {}, {"trim_blocks": True, "lstrip_blocks": True}, {"autoescape": True},
        {"variable_start_string": "<%=", "variable_end_string": "%>"}]
    (tmp_path / "kept").mkdir()
    cache = kept_templates(tmp_path / "kept")
    for _ in range(2):  # compiled, then taken from the folder
        for options in settings:
            loader = jinja2.FileSystemLoader(str(templates))
            kept = jinja2.Environment(loader=loader, bytecode_cache=cache, **options)
            alone = jinja2.Environment(loader=loader, **options)
            values = {"shown": True, "text": "<b>"}
            assert kept.get_template("page.html").render(values) == \
                alone.get_template("page.html").render(values), options
    assert len(list((tmp_path / "kept").iterdir())) == len(settings)


def test_an_unchanged_build_does_nothing_and_a_forced_one_starts_afresh(
        tmp_path: Path) -> None:
    """Forced, nothing is reused: neither what build/ keeps nor what this process still
    holds in memory of the earlier builds (one worker: they ran in this process)."""
    repo = repository(tmp_path, plugins=False)
    first = build(repo, jobs=1)
    again = build(repo, jobs=1)
    assert again.unchanged and not again.built
    forced = build(repo, force=True, jobs=1)
    assert forced.built and forced.reused_pages == 0
    assert forced.converted == first.converted > 0 and forced.reused_blocks == first.reused_blocks


def test_another_generator_builds_every_version_again(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A version is reused only as the same generator built it: its steps after the
    engine's (the search index and its scripts, the policy of each page) are part of it."""
    import generator.site.build as site_build

    repo = repository(tmp_path, plugins=False)
    first = build(repo, jobs=1)
    (repo / "build" / "last-build.json").unlink()  # past the check of the whole site
    same = build(repo, jobs=1)
    assert same.built == [] and same.reused == first.built
    (repo / "build" / "last-build.json").unlink()
    monkeypatch.setattr(site_build, "code_digest", lambda: "another generator")
    other = build(repo, jobs=1)
    assert other.built == first.built and other.reused == []


def test_blocks_converted_ahead_of_the_builds_are_counted_and_give_the_same_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a few blocks to convert, they are converted ahead of the versions' builds, on
    every core: the report counts them all the same, and the site is the same. (One
    worker: the versions' builds, in one process, then convert each block once too.)"""
    from generator.site.engines import mkdocs as engine

    by_builds = repository(tmp_path / "a", plugins=False)
    counted = build(by_builds, force=True, jobs=1)
    monkeypatch.setattr(engine, "FEW_BLOCKS", 0)
    ahead = repository(tmp_path / "b", plugins=False)
    assert build(ahead, force=True, jobs=1).converted == counted.converted > 0
    assert differences(ahead / "site", by_builds / "site") == []


def test_validated_topics_are_kept_with_their_problems(tmp_path: Path) -> None:
    """A topic taken from the cache reports the warnings it had; an edit is seen."""
    repo = fixture_repo(tmp_path, BLOCKS)  # its messages have no samples: warnings
    project = Project(repo)
    cache = project.build_dir / "cache" / "topics"

    def load() -> tuple[list[str], str]:
        diagnostics = Diagnostics()
        catalogue = load_checked(project, diagnostics, FEATURES, markdown=False, cache=cache)
        assert catalogue is not None, [d.format() for d in diagnostics.sorted()]
        quota = next(e for t in catalogue.topics for e in t.entries if e.id == "quota")
        return [d.format() for d in diagnostics.sorted()], quota.title

    first = load()
    assert any(": warning: " in line for line in first[0]), first
    stored = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert load() == first
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stored  # read only
    edit(repo / "catalogue" / "more" / "quota.yml", "title: The quota is reached",
         "title: The quota is full")
    assert load()[1] == "The quota is full"


def test_the_catalogue_is_loaded_without_a_garbage_collection(tmp_path: Path) -> None:
    """Loading the catalogue (validated, or taken from the cache) makes objects that live
    on: the collector waits until it is made, and is on again after."""
    repo = fixture_repo(tmp_path, BLOCKS)
    project = Project(repo)
    cache = project.build_dir / "cache" / "topics"
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    for _ in range(2):  # validated, then from the cache
        gc.collect()
        gc.callbacks.append(count)
        try:
            catalogue = load_catalogue(
                project, Diagnostics(), markdown=False, jobs=1, cache=cache,
                topic_checks=[f.check_topic for f in FEATURES if f.check_topic],
                catalogue_checks=[f.check_catalogue for f in FEATURES if f.check_catalogue])
        finally:
            gc.callbacks.remove(count)
        # None while it is made; the collector's turn comes once it is (at most one).
        assert catalogue is not None and len(collections) <= 1, collections
        assert gc.isenabled()
        collections.clear()
    assert cache.is_dir() and any(cache.iterdir())


def test_rendering_keeps_work_only_where_told(tmp_path: Path) -> None:
    """Rendered without a cache folder, nothing is written under build/; with one, the
    lookup's pieces of each version are kept beside it, and the same trees come out."""
    from generator.site.trees import render_trees

    repo = fixture_repo(tmp_path, BLOCKS)
    with (repo / "mkdocs.yml").open("a", encoding="utf-8") as settings:
        settings.write("\nextra:\n  kb:\n    lookup_pieces_above: 0\n")
    project = Project(repo)
    catalogue = load_checked(project, Diagnostics(), FEATURES, markdown=False, jobs=1)
    assert catalogue is not None
    plain, _ = render_trees(project, catalogue, FEATURES, jobs=1)
    assert all("assets/lookup/pieces/manifest.js" in tree.files for tree in plain)
    assert not project.build_dir.exists()
    cache = project.build_dir / "cache" / "pages"
    folder = project.build_dir / "cache" / "feature-lookup"
    for _ in range(2):  # the same trees whether the pieces are made or found
        kept, _ = render_trees(project, catalogue, FEATURES, jobs=1, cache=cache)
        assert [tree.files for tree in kept] == [tree.files for tree in plain]
        assert len(list(folder.iterdir())) == len(catalogue.products.names)


def test_kb_check_renders_only_the_topics_changed_since_the_last_build(tmp_path: Path) -> None:
    """`kb check` takes the topic pages the last build (or check) rendered and renders
    again only a topic that changed, for the same findings as with nothing kept."""
    repo = fixture_repo(tmp_path, BLOCKS)  # two topics, neither reads other files
    build(repo)
    pages = repo / "build" / "cache" / "pages"
    kept = {p.name: p.stat().st_mtime_ns for p in pages.iterdir()}
    assert kept

    def check() -> tuple[list[str], dict[str, int]]:
        diagnostics = Diagnostics()
        assert load_checked(Project(repo), diagnostics, FEATURES, jobs=1) is not None
        return ([d.format() for d in diagnostics.sorted()],
                {p.name: p.stat().st_mtime_ns for p in pages.iterdir()})

    found, after = check()
    assert after == kept  # nothing rendered again
    EDITS[0][1](repo)  # a step of an entry of the topic "more"
    again, after = check()
    rendered = {name for name in after if after[name] != kept.get(name)}
    assert rendered and all(name in kept for name in rendered) and len(rendered) < len(kept)
    shutil.rmtree(repo / "build")
    assert check()[0] == again == found


def test_a_planted_cache_file_runs_nothing(tmp_path: Path) -> None:
    """A result kept under build/ only makes the generator's own dataclasses: a file put
    there to run code is a miss."""
    slots = Slots(tmp_path / "slots")
    slots.put("topic", "k1", ("fine", 1))
    assert slots.get("topic", "k1") == ("fine", 1)
    assert slots.get("topic", "k2") is None
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return os.system, (f"touch {marker}",)

    (path,) = (tmp_path / "slots").iterdir()
    path.write_bytes(b"k1\n" + pickle.dumps(Payload()))
    assert slots.get("topic", "k1") is None
    assert not marker.exists()


def test_compressed_pieces_make_one_gzip_stream() -> None:
    """The second piece of the troubleshooter's data is compressed topic by topic; the
    chunks in a row are one gzip member that any reader opens."""
    parts = [b'{"a":[', "é".encode() * 5000, b",", re.sub(rb"x", b"y", b"x" * 70000), b"]}"]
    data = gzip_chunks([(part, deflate_chunk(part)) for part in parts])
    assert gzip.decompress(data) == b"".join(parts)
    assert data[:4] == b"\x1f\x8b\x08\x00"
