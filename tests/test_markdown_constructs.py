"""DocFX constructs rendered with Material features, include and path rules, diagnostics."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.core.diagnostics import DiagnosticError, Diagnostics, Loc
from generator.core.project import Project
from generator.markdown import docfx, docset, paths, snippets, xref
from generator.markdown.xref import XrefMap
from tests.conftest import FIXTURES
from tests.helpers import shipped_like_products
from tests.markdown_structure import python_markdown

PAGE = "content/a/page.md"
XREFS = XrefMap({"Azure.Connections": ("concepts/connections.md#kinds", "Service connections")},
                ("xrefmap.yml",))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "content" / "a").mkdir(parents=True)
    (tmp_path / "catalogue").mkdir()
    shutil.copytree(FIXTURES / "docfx_snippets", tmp_path / "content" / "a" / "snippets")
    shutil.copy(FIXTURES / "docfx_snippets" / "zone-pivot-groups.yml",
                tmp_path / "content" / "zone-pivot-groups.yml")
    return tmp_path


def run(repo: Path, text: str, path: str = PAGE, moniker: str = "azure-devops",
        ) -> tuple[str, list[str]]:
    ctx = docfx.Context(shipped_like_products(), repo, (repo / "content", repo / "catalogue"),
                        XREFS)
    diagnostics = Diagnostics()
    out = docfx.translate(text, Loc(path, 1, 1), moniker, ctx, diagnostics)
    return out, [d.format() for d in diagnostics.items]


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


# Grid, checklist, next step -----------------------------------------------------------


def test_row_and_columns_become_a_grid(repo: Path) -> None:
    text = (':::row:::\n   :::column span="2":::\n      **Wide** column.\n\n      - a list\n'
            "   :::column-end:::\n   :::column:::\n      Narrow.\n   :::column-end:::\n"
            ":::row-end:::\n")
    out, problems = run(repo, text)
    assert problems == []
    assert out == ('<div class="grid kb-row" markdown style="--kb-cols: 2fr 1fr">\n\n'
                   "<div markdown>\n\n**Wide** column.\n\n- a list\n\n</div>\n\n"
                   "<div markdown>\n\nNarrow.\n\n</div>\n\n</div>\n")
    html = python_markdown(out)
    assert html.count("<div") == 3 and "<strong>Wide</strong>" in html and "<li>a list" in html


def test_checklist_becomes_a_task_list(repo: Path) -> None:
    out, problems = run(repo, '> [!div class="checklist"]\n> * Create the connection\n'
                              "> * Verify it\n")
    assert (out, problems) == ("* [x] Create the connection\n* [x] Verify it\n", [])
    assert python_markdown(out).count('class="task-list-item"') == 2


def test_next_step_action_becomes_a_button(repo: Path) -> None:
    out, problems = run(repo, '> [!div class="nextstepaction"]\n> [Create a connection]'
                              "(create.md)\n")
    assert problems == []
    assert out == "[Create a connection](create.md){ .md-button .md-button--primary }\n"
    assert 'class="md-button md-button--primary"' in python_markdown(out)


# Code snippets --------------------------------------------------------------------------


def test_code_snippets_by_tag_region_range_and_highlight(repo: Path) -> None:
    text = ("[!code-csharp[](snippets/Program.cs#Greeting)]\n\n"
            "[!code[](snippets/Program.cs?name=Main&highlight=3-4)]\n\n"
            ':::code language="yaml" source="snippets/pipeline.yml" range="5-8" highlight="2":::\n'
            "\n[!code-csharp[](snippets/Program.cs#L17-L19)]\n")
    out, problems = run(repo, text)
    assert problems == []
    assert out == (
        '```csharp\nConsole.WriteLine("Hello");\n```\n\n'
        '```csharp hl_lines="3 4"\npublic static class Program\n{\n    public static void Main()'
        '\n    {\n        Console.WriteLine("Hello");\n    }\n}\n```\n\n'
        '```yaml hl_lines="2"\nsteps:\n- task: AzureCLI@2\n  inputs:\n'
        "    azureSubscription: my-connection\n```\n\n"
        "```csharp\nstatic class Helpers { }\n```\n")
    assert python_markdown(out).count('class="hll"') == 3


def test_snippet_problems_are_located_errors(repo: Path) -> None:
    text = ("[!code-csharp[](snippets/Missing.cs)]\n[!code-csharp[](snippets/Program.cs#Nope)]\n"
            "[!code-csharp[](snippets/Program.cs?range=40-50)]\n"
            ":::code language=\"sh\" source=\"/etc/passwd\":::\n")
    out, problems = run(repo, text)
    assert out == ""
    assert problems == [
        "content/a/page.md:1:1: error: code snippet: code snippet file 'snippets/Missing.cs' not "
        "found: expected a file at content/a/snippets/Missing.cs; paths are relative to "
        "content/a/",
        "content/a/page.md:2:1: error: code snippet: content/a/snippets/Program.cs: region "
        "'Nope' not found; mark it with '<Nope>' and '</Nope>' comments, or fix the name",
        "content/a/page.md:3:1: error: code snippet: content/a/snippets/Program.cs: range starts "
        "at line 40, past the end (20 lines); check the line numbers",
        "content/a/page.md:4:1: error: code snippet: code snippet '/etc/passwd' is an absolute "
        "path; write a path relative to content/a/, the folder of this file",
    ]


def test_snippet_selectors() -> None:
    text = "a\n  # <part>\n  b\n    c\n  # </part>\nd\n"
    assert snippets.take(text, "part") == snippets.Snippet(("b", "  c"), ())
    assert snippets.take(text, None, "1,6", "2") == snippets.Snippet(("a", "d"), (2,))
    with pytest.raises(snippets.SnippetError, match="expected range like"):
        snippets.take(text, None, "x-y")


# Content tabs ---------------------------------------------------------------------------


def test_zone_pivots_become_content_tabs(repo: Path) -> None:
    text = ('::: zone pivot="windows"\nUse PowerShell.\n::: zone-end\n\n'
            '::: zone pivot="linux,macos"\nUse Bash.\n::: zone-end\n')
    out, problems = run(repo, text)
    assert problems == []
    assert out == ('=== "Windows"\n\n    Use PowerShell.\n\n=== "Linux"\n\n    Use Bash.\n\n'
                   '=== "macos"\n\n    Use Bash.\n')
    assert python_markdown(out).count('class="tabbed-block"') == 3


def test_tabbed_conceptual_headings_become_content_tabs(repo: Path) -> None:
    text = ("# [Portal](#tab/portal)\n\nSelect **Save**.\n\n# [CLI](#tab/cli)\n\n```sh\n"
            "az devops service-endpoint create\n```\n\n---\n\nAfter the tabs.\n")
    out, problems = run(repo, text)
    assert problems == []
    assert out == ('=== "Portal"\n\n    Select **Save**.\n\n=== "CLI"\n\n    ```sh\n'
                   "    az devops service-endpoint create\n    ```\n\nAfter the tabs.\n")


def test_zone_targets(repo: Path) -> None:
    text = ('::: zone target="docs"\nOn the site.\n::: zone-end\n'
            '::: zone target="chromeless"\nIn the product only.\n::: zone-end\n')
    assert run(repo, text) == ("On the site.\n", [])


# Cross references, video, unsupported constructs -----------------------------------------


def test_xrefs_resolve_through_the_map(repo: Path) -> None:
    out, problems = run(repo, "See <xref:Azure.Connections> and [kinds](xref:Azure.Connections)"
                              " and <xref:Nope.Missing>.\n")
    assert out == ("See [Service connections](../concepts/connections.md#kinds) and "
                   "[kinds](../concepts/connections.md#kinds) and <xref:Nope.Missing>.\n")
    assert problems == [
        "content/a/page.md:1:70: error: xref: unresolved cross reference 'xref:Nope.Missing' "
        "(xrefmap.yml); add the uid to an xref map listed in mkdocs.yml under "
        "extra.kb.xref_maps, or link to the page directly"]


def test_a_line_of_other_unicode_whitespace_keeps_the_lines_after_it_located(repo: Path
                                                                            ) -> None:
    # markdown-it strips a paragraph with str.strip(), dropping a first line that holds only
    # U+2028 (not a blank line for CommonMark, nor a line break for editors).
    for text, line in [("\u2028\nSee <xref:Nope.Missing>.\n", 2),
                       ("\u2028 \r<xref:Nope.Missing>", 2),
                       ("> \u00a0\n>\u2028\n> See <xref:Nope.Missing>.\n", 3)]:
        _, problems = run(repo, text)
        assert [p.split(": error:")[0] for p in problems] == \
            [f"content/a/page.md:{line}:{text.splitlines()[-1].index('<xref') + 1}"], text


def test_xref_map_is_read_from_mkdocs_yml(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", "site_name: x\nextra:\n  kb:\n    xref_maps: [refs.yml]\n")
    write(tmp_path, "refs.yml", "references:\n- uid: A.B\n  name: AB\n  href: https://e.x/ab\n")
    project = Project(tmp_path)
    ctx = docfx.Context.for_project(project, shipped_like_products())
    assert ctx.xrefs.href("A.B", "x.md") == "https://e.x/ab"
    write(tmp_path, "refs.yml", "references:\n- uid: A.B\n")
    with pytest.raises(DiagnosticError) as info:
        xref.load(tmp_path, ["refs.yml"])
    assert [d.format() for d in info.value.diagnostics] == [
        "refs.yml:1:1: error: xref map: reference 1 needs a 'uid' and an 'href'; give every "
        "reference both keys"]


def test_video_is_a_link_and_unknown_constructs_stay_visible(repo: Path) -> None:
    text = ('> [!VIDEO https://learn.microsoft.com/shows/x/player]\n\n:::unknown thing="1":::\n\n'
            '> [!div class="fancy"]\n> Text.\n')
    out, problems = run(repo, text)
    assert out == ('[Video](https://learn.microsoft.com/shows/x/player)\n\n'
                   ':::unknown thing="1":::\n\nText.\n')
    assert problems == [
        "content/a/page.md:3:1: warning: directive: ':::unknown:::' is not a DocFX construct "
        "this site supports; it is shown as text; write the content as plain Markdown",
        "content/a/page.md:5:3: warning: div: '[!div class=\"fancy\"]' is not supported; its "
        "content is shown without the div; delete the [!div] line if the content reads well",
    ]
    assert "<iframe" not in python_markdown(out)  # nothing is fetched before the reader asks


# Includes and paths ----------------------------------------------------------------------


def test_links_in_an_include_are_rebased_for_the_page(repo: Path) -> None:
    write(repo, "content/includes/help.md",
          "See [the guide](../guide/start.md#top), ![logo](media/logo.png), "
          '<img src="media/x.png"> and [site](https://e.x/).\n\n[ref]: other.md\n')
    out, problems = run(repo, "[!INCLUDE [h](../includes/help.md)]\n")
    assert problems == []
    assert out == ("See [the guide](../guide/start.md#top), ![logo](../includes/media/logo.png), "
                   '<img src="../includes/media/x.png"> and [site](https://e.x/).\n\n'
                   "[ref]: ../includes/other.md\n")


def test_paths_outside_the_repository_are_refused(repo: Path, tmp_path_factory:
                                                  pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("Secret.\n", encoding="utf-8")
    (repo / "content" / "a" / "out.md").symlink_to(outside)
    (repo / "content" / "a" / "dev.md").symlink_to(os.devnull)
    text = ("[!INCLUDE [x](/etc/passwd)]\n[!INCLUDE [x](../../../etc/passwd)]\n"
            "[!INCLUDE [x](out.md)]\n[!INCLUDE [x](dev.md)]\n![x](../../../outside.png)\n")
    out, problems = run(repo, text)
    assert out == "![x](../../../outside.png)\n"
    assert problems == [
        "content/a/page.md:1:1: error: include: include '/etc/passwd' is an absolute path; "
        "write a path relative to content/a/, the folder of this file",
        "content/a/page.md:2:1: error: include: include '../../../etc/passwd' points outside "
        "the repository; write a path relative to content/a/, the folder of this file",
        f"content/a/page.md:3:1: error: include: include 'out.md' is a symbolic link to "
        f"{outside.resolve()}, outside the repository; copy the file into the repository "
        "instead of linking to it",
        f"content/a/page.md:4:1: error: include: include 'dev.md' is a symbolic link to "
        f"{Path(os.devnull).resolve()}, outside the repository; copy the file into the "
        "repository instead of linking to it",
        "content/a/page.md:5:6: error: image: image '../../../outside.png' points outside the "
        "repository; write a path relative to content/a/, the folder of this file",
    ]


def test_device_inside_the_repository_is_refused(repo: Path) -> None:
    os.mkfifo(repo / "content" / "a" / "pipe.md")
    with pytest.raises(paths.Refused, match=r"'pipe\.md' is not a regular file"):
        paths.resolve(repo, "content/a", "pipe.md", "include")


def test_a_chain_of_300_includes_stops_with_a_located_error(repo: Path) -> None:
    for n in range(300):
        write(repo, f"content/chain/{n}.md", f"Level {n}.\n\n[!INCLUDE [n](./{n + 1}.md)]\n")
    out, problems = run(repo, "[!INCLUDE [c](../chain/0.md)]\n")
    assert "Level 15." in out and "Level 16." not in out
    assert problems == [
        f"content/chain/15.md:3:1: error: include: includes nest more than "
        f"{docfx.MAX_INCLUDE_DEPTH} deep at './16.md' (included from content/chain/0.md); "
        "include the innermost files directly from the page"]


def test_include_only_folders_and_docfx_json_decide_what_is_a_page(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write(content, "docs/docfx.json",
          '{"build": {"content": [{"files": ["**/*.md"], "exclude": ["**/drafts/**", '
          '"README.md"]}]}}')
    rules = docset.load_rules(content, "content", Diagnostics())
    assert rules.is_page("index.md")
    assert rules.is_page("docs/guide/start.md")
    assert not rules.is_page("includes/note.md")
    assert not rules.is_page("docs/deep/_shared/note.md")
    assert not rules.is_page("docs/a/includes/b/note.md")
    assert not rules.is_page("docs/drafts/wip.md")
    assert not rules.is_page("docs/README.md")
    write(content, "bad/docfx.json", '{"build": {"content": [}\n')
    problems = Diagnostics()
    docset.load_rules(content, "content", problems)
    assert [d.format() for d in problems.items] == [
        "content/bad/docfx.json:1:24: error: docfx.json: invalid JSON: Expecting value; fix the "
        "file, or delete it"]
