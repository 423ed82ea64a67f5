"""`kb import docfx DIR`: a DocFX docs folder becomes pages, navigation, media and
redirects of a knowledge base that passes `kb check`, builds, and passes `kb check-links`.

Fixture: tests/fixtures/import_docset (a docset with docfx.json, a toc that points to a
folder's toc, an include, an image, a YAML landing page, links inside and outside the
migrated pages, and a redirection file beside it). The shared corpus's Azure DevOps
docset is migrated too when it is present.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SHARED
from tests.helpers_cli import MINIMAL, kb

DOCSET = FIXTURES / "import_docset"
CORPUS = SHARED / "docfx-corpus" / "SupportArticles-docs" / "support"


def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A minimal repository and, beside it, a copy of the fixture docset."""
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    source = tmp_path / "src"
    shutil.copytree(DOCSET, source)
    return repo, source


SUMMARY = ("kb import: 4 pages, 1 include, 1 media file, 7 navigation items, 2 redirects; "
           "2 link targets outside the migrated pages; 7 things could not be mapped (listed "
           "above); 1 redirection of other folders skipped")


def test_a_docset_is_migrated(tmp_path: Path) -> None:
    repo, _ = setup(tmp_path)
    run = kb("import", "docfx", "../src/docs", "--into", "demo-docs", cwd=repo)
    assert run.code == 0, run.stderr
    src = "../src/docs"
    assert run.stderr.splitlines() == [
        "kb import: reading ../src/docs",
        "kb import: checking 4 pages as kb check does",
        "../src/.openpublishing.redirection.json:14:23: warning: redirection "
        "'docs/guide/gone.md': target '/somewhere/else' is not a migrated page; the "
        "redirection was left out; pass --base-url to keep it as a link to the old site",
        f"{src}/guide/install.md:13:1: warning: link: '../../admin/guide.md' leads outside the "
        "migrated pages (and 1 more place); pass --base-url to link the old site",
        f"{src}/guide/install.md:13:1: warning: link: '/azure/devops/setup' leads outside the "
        "migrated pages; pass --base-url to link the old site",
        f"{src}/guide/install.md:14:56: warning: link 'upgrade.md#gone': the heading '#gone' "
        "does not exist; the link now leads to the top of the page",
        f"{src}/guide/install.md:16:1: warning: include: include '../includes/missing.md' was "
        "not found; the line was dropped; add the file, or remove the include",
        f"{src}/landing.yml:1:1: warning: page: DocFX YAML pages (landing, hub) have no "
        "equivalent; it was not migrated; write a Markdown page in its place",
        f"{src}/toc.yml:1:3: warning: toc item 'Overview': 'landing.yml' is a DocFX YAML page, "
        "which has no equivalent; the item was left out",
        SUMMARY,
        "next: run kb build, then kb check-links",
    ]
    content = repo / "content" / "demo-docs"
    assert sorted(run.stdout.splitlines()) == [
        "wrote .openpublishing.redirection.demo-docs.json",
        "wrote content/demo-docs/guide/install.md",
        "wrote content/demo-docs/guide/media/setup.png",
        "wrote content/demo-docs/guide/toc.yml",
        "wrote content/demo-docs/guide/upgrade.md",
        "wrote content/demo-docs/includes/note.md",
        "wrote content/demo-docs/index.md",
        "wrote content/demo-docs/reference/limits.md",
        "wrote content/toc.yml",
    ]
    install = (content / "guide" / "install.md").read_text()
    # Links inside the migrated set stay; a site-absolute one becomes relative; links
    # outside keep their text; a missing heading's link leads to the page.
    assert "[limits](../reference/limits.md#disk)" in install
    assert "then [upgrade](upgrade.md)." in install
    assert "See the old admin guide and Azure." in install
    assert "[a heading that moved](upgrade.md)" in install
    assert "missing.md" not in install
    # Lines keep their numbers, so diagnostics point at the source lines.
    assert len(install.splitlines()) == len((DOCSET / "docs/guide/install.md").read_text()
                                            .splitlines())
    assert (content / "guide" / "media" / "setup.png").read_bytes() == \
        (DOCSET / "docs/guide/media/setup.png").read_bytes()
    assert (repo / "content" / "toc.yml").read_text() == (
        '- name: "Demo docs"\n  href: "demo-docs/index.md"\n'
        '- name: "Guide"\n  href: "demo-docs/guide/toc.yml"\n'
        '- name: "Reference"\n  items:\n'
        '  - name: "Limits"\n    href: "demo-docs/reference/limits.md"\n'
        '  - name: "Product site"\n    href: "https://example.org/demo"\n')
    assert json.loads((repo / ".openpublishing.redirection.demo-docs.json").read_text()) == {
        "redirections": [
            {"source_path": "content/demo-docs/guide/old-install.md",
             "redirect_url": "/demo-docs/guide/install#verify-the-installation",
             "redirect_document_id": True},
            {"source_path": "content/demo-docs/guide/setup.md",
             "redirect_url": "/demo-docs/guide/upgrade"},
        ]}
    check = kb("check", cwd=repo)
    assert check.code == 0, check.stderr
    build = kb("build", cwd=repo)
    assert build.code == 0, build.stderr
    site = repo / "site"
    old = (site / "demo-1" / "demo-docs" / "guide" / "old-install" / "index.html").read_text()
    assert 'url=../install/#verify-the-installation"' in old
    links = kb("check-links", "--strict", cwd=repo)
    assert links.code == 0, links.stderr


def test_base_url_keeps_links_to_the_old_site(tmp_path: Path) -> None:
    repo, _ = setup(tmp_path)
    run = kb("import", "docfx", "../src/docs", "--into", "demo-docs", "--base-url",
             "https://docs.example.org/demo/", "--dry-run", cwd=repo)
    assert run.code == 0, run.stderr
    assert "would write content/toc.yml" in run.stdout.splitlines()
    assert not (repo / "content" / "toc.yml").exists()  # a dry run writes nothing
    real = kb("import", "docfx", "../src/docs", "--into", "demo-docs", "--base-url",
              "https://docs.example.org/demo/", cwd=repo)
    assert real.code == 0, real.stderr
    install = (repo / "content" / "demo-docs" / "guide" / "install.md").read_text()
    assert "[old admin guide](https://docs.example.org/admin/guide)" in install
    assert "[Azure](https://docs.example.org/azure/devops/setup)" in install
    redirects = json.loads((repo / ".openpublishing.redirection.demo-docs.json").read_text())
    assert {"source_path": "content/demo-docs/guide/gone.md",
            "redirect_url": "https://docs.example.org/somewhere/else"} in redirects["redirections"]


def test_existing_files_are_kept_and_strict_refuses_warnings(tmp_path: Path) -> None:
    repo, _ = setup(tmp_path)
    home = (repo / "content" / "index.md").read_text()
    run = kb("import", "docfx", "../src/docs", cwd=repo)
    assert run.code == 1
    assert "content/index.md: error: import: file already exists; pass --force to overwrite " \
           "it, or --into to migrate elsewhere" in run.stderr.splitlines()
    assert run.stderr.splitlines()[-1] == "kb import: nothing was written"
    assert (repo / "content" / "index.md").read_text() == home
    assert not (repo / "content" / "guide").exists()
    strict = kb("import", "docfx", "../src/docs", "--into", "demo-docs", "--strict", cwd=repo)
    assert strict.code == 1
    assert strict.stderr.splitlines()[-1] == \
        "kb import: nothing was written (--strict: warnings count)"
    assert not (repo / "content" / "demo-docs").exists()


def test_a_second_docset_extends_the_navigation(tmp_path: Path) -> None:
    repo, _ = setup(tmp_path)
    assert kb("import", "docfx", "../src/docs", "--into", "one", cwd=repo).code == 0
    assert kb("import", "docfx", "../src/docs", "--into", "two", cwd=repo).code == 0
    toc = (repo / "content" / "toc.yml").read_text()
    assert toc.count('href: "one/index.md"') == 1 and toc.count('href: "two/index.md"') == 1
    assert kb("check", cwd=repo).code == 0


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("written,message", [
    ("../../../etc/passwd", "leads outside the source folder"),
    ("/etc/passwd", "is an absolute path; only paths relative to the file are read"),
    ("includes/secret.md", "is a symlink that leads outside the source folder"),
])
def test_includes_leaving_the_source_folder_are_refused(tmp_path: Path, written: str,
                                                        message: str) -> None:
    repo, source = setup(tmp_path)
    secret = tmp_path / "secret.md"
    secret.write_text("TOP SECRET\n")
    os.symlink(secret, source / "docs" / "guide" / "includes-secret.md")
    (source / "docs" / "includes" / "secret.md").symlink_to(secret)
    write(source / "docs" / "guide" / "bad.md", f"# Bad\n\n[!INCLUDE [x]({written})]\n")
    if written.startswith("includes/"):
        (source / "docs" / "guide" / "bad.md").write_text(
            "# Bad\n\n[!INCLUDE [x](../includes/secret.md)]\n")
    run = kb("import", "docfx", "../src/docs", "--into", "demo-docs", cwd=repo)
    assert run.code == 1
    assert "Traceback" not in run.stderr
    problem = next(line for line in run.stderr.splitlines() if "bad.md:3:1" in line)
    assert problem.startswith("../src/docs/guide/bad.md:3:1: error: include: refused: ")
    assert message in problem
    assert run.stderr.splitlines()[-1] == "kb import: nothing was written"
    assert not (repo / "content" / "demo-docs").exists()
    assert "TOP SECRET" not in run.stdout + run.stderr


def test_include_cycle_and_bad_docfx_json_are_located(tmp_path: Path) -> None:
    repo, source = setup(tmp_path)
    write(source / "docs" / "includes" / "a.md", "[!INCLUDE [b](b.md)]\n")
    write(source / "docs" / "includes" / "b.md", "Text.\n\n[!INCLUDE [a](a.md)]\n")
    write(source / "docs" / "loop.md", "# Loop\n\n[!INCLUDE [a](includes/a.md)]\n")
    run = kb("import", "docfx", "../src/docs", "--into", "demo-docs", cwd=repo)
    assert run.code == 1
    assert "../src/docs/includes/b.md:3:1: error: include: include cycle: includes/a.md -> " \
           "includes/b.md -> includes/a.md; remove one of the includes" in run.stderr
    (source / "docs" / "loop.md").unlink()
    (source / "docs" / "docfx.json").write_text('{"build": {"content": [\n  {"files": }\n]}}')
    bad = kb("import", "docfx", "../src/docs", "--into", "demo-docs", cwd=repo)
    assert bad.code == 1
    assert "../src/docs/docfx.json:2:13: error: JSON: syntax error: Expecting value; fix the " \
           "JSON syntax (commas, quotes, brackets)" in bad.stderr.splitlines()
    (source / "docs" / "docfx.json").write_text('{"build": {"content": {"files": "x"}}}')
    shape = kb("import", "docfx", "../src/docs", "--into", "demo-docs", cwd=repo)
    assert shape.code == 1
    assert "../src/docs/docfx.json:1:23: error: docfx.json: expected a list for " \
           "'build.content'" in shape.stderr.splitlines()
    (source / "docs" / "docfx.json").unlink()
    (source / "docs" / "toc.yml").write_text("- name: [broken\n")
    toc = kb("import", "docfx", "../src/docs", "--into", "demo-docs", cwd=repo)
    assert toc.code == 1
    assert any(line.startswith("../src/docs/toc.yml:2:1: error: YAML: syntax error: ")
               for line in toc.stderr.splitlines()), toc.stderr
    assert not (repo / "content" / "demo-docs").exists()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared DocFX corpus is not present")
def test_the_corpus_docset_migrates_builds_and_passes_the_link_check(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    shutil.rmtree(repo / "catalogue" / "demo")
    shutil.copy(Path(__file__).resolve().parent.parent / "catalogue" / "products.yml",
                repo / "catalogue" / "products.yml")
    (repo / "content" / "index.md").write_text("# Home\n\nMigrated docs.\n")
    run = kb("import", "docfx", str(CORPUS / "azure" / "devops"), cwd=repo)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    pages = sorted(p.name for p in (repo / "content" / "azure" / "devops").glob("*.md"))
    assert pages == sorted(p.name for p in (CORPUS / "azure" / "devops").glob("*.md"))
    assert (repo / "content" / "includes" / "azure-help-support.md").is_file()
    toc = (repo / "content" / "toc.yml").read_text()
    assert '  - name: "Azure Resource Manager service connections"\n    items:\n' in toc
    assert kb("check", cwd=repo).code == 0
    build = kb("build", cwd=repo)
    assert build.code == 0, build.stderr
    links = kb("check-links", "--strict", cwd=repo)
    assert links.code == 0, links.stderr
