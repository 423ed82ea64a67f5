"""Tests for generator.markdown.docfx: DocFX Markdown translated per moniker, with diagnostics."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import markdown
import pytest

from generator.core.diagnostics import Diagnostics, Loc
from generator.markdown import docfx
from generator.markdown.docfx import Context, check, iter_zone_ranges, split_front_matter, translate
from tests.conftest import FIXTURES, ROOT, SHARED
from tests.golden import assert_golden
from tests.helpers import shipped_like_products

PRODUCTS = shipped_like_products()
ALL = PRODUCTS.names
GOLDEN = Path(__file__).resolve().parent / "golden" / "docfx"
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "pymdownx.superfences",
              "pymdownx.details", "toc"]


def run(text: str, moniker: str = "azure-devops", *, repo: Path | None = None,
        path: str = "content/x.md", loc: Loc | None = None) -> tuple[str, list[str]]:
    """Translate `text` as if it were the file `path`; the output and formatted diagnostics."""
    root = repo or ROOT
    ctx = Context(PRODUCTS, root, (root / "content", root / "catalogue"))
    diagnostics = Diagnostics()
    out = translate(text, loc or Loc(path, 1, 1), moniker, ctx, diagnostics)
    return out, [d.format() for d in diagnostics.sorted()]


def checked(text: str, *, repo: Path | None = None, path: str = "content/x.md") -> list[str]:
    root = repo or ROOT
    ctx = Context(PRODUCTS, root, (root / "content", root / "catalogue"))
    diagnostics = Diagnostics()
    check(text, Loc(path, 1, 1), ctx, diagnostics)
    assert len(set(diagnostics.items)) == len(diagnostics.items), "reported twice"
    return [d.format() for d in diagnostics.sorted()]


def shown_for(text: str, needle: str) -> list[str]:
    """The monikers whose translation of `text` contains `needle`."""
    return [m for m in ALL if needle in run(text, m)[0]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty repository with the two include roots."""
    (tmp_path / "content").mkdir()
    (tmp_path / "catalogue").mkdir()
    return tmp_path


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# Moniker zones --------------------------------------------------------------------------


def test_zone_content_is_kept_only_for_monikers_in_range() -> None:
    text = 'Intro.\n\n::: moniker range="<= tfs-2018"\n\nOld servers.\n\n::: moniker-end\n\nEnd.\n'
    assert shown_for(text, "Old servers.") == ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018"]
    assert run(text, "tfs-2018") == ("Intro.\n\nOld servers.\n\nEnd.\n", [])
    assert run(text, "azure-devops") == ("Intro.\n\nEnd.\n", [])


def test_zone_syntax_variants() -> None:
    text = (
        "::::: MONIKER RANGE='tfs-2017 || >azure-devops-2022'\nA\n::::: Moniker-End\n"
        '  :::moniker range = "=tfs-2015"  \n  B\n  ::: moniker-end  \n'
    )
    assert shown_for(text, "A") == ["tfs-2017", "azure-devops"]
    assert shown_for(text, "B") == ["tfs-2015"]
    assert ":::" not in run(text, "tfs-2017")[0]


def test_zone_markers_do_not_glue_paragraphs() -> None:
    text = 'Before.\n::: moniker range="azure-devops"\nInside.\n::: moniker-end\nAfter.'
    assert run(text, "azure-devops") == ("Before.\n\nInside.\n\nAfter.", [])
    assert run(text, "tfs-2018") == ("Before.\n\nAfter.", [])


def test_nested_zones_in_one_file_are_a_stack() -> None:
    text = (
        '::: moniker range=">= tfs-2017"\nouter\n'
        '::: moniker range="<= azure-devops-2019"\ninner\n::: moniker-end\n'
        "outer again\n::: moniker-end\n"
    )
    assert shown_for(text, "inner") == ["tfs-2017", "tfs-2018", "azure-devops-2019"]
    assert shown_for(text, "outer again") == list(ALL[2:])


def test_bad_range_points_at_the_token_inside_the_quotes() -> None:
    text = 'One.\n\nTwo.\n   ::: moniker range="<= tfs2018"\nKept.\n   ::: moniker-end\n'
    out, diagnostics = run(text, "azure-devops")
    assert diagnostics == [
        ("content/x.md:4:26: error: moniker zone: unknown moniker 'tfs2018'; "
         "did you mean 'tfs-2018'?"),
    ]
    assert "Kept." in out  # best effort: the content is shown


def test_range_errors_from_the_range_parser() -> None:
    text = (
        "::: moniker range='>= >= tfs-2018'\n::: moniker-end\n"
        '::: moniker range="latest"\n::: moniker-end\n'
        '::: moniker range=""\n::: moniker-end\n'
    )
    assert run(text)[1] == [
        ("content/x.md:1:23: error: moniker zone: operator '>=' follows operator '>='; "
         "write one operator before each moniker"),
        ("content/x.md:3:20: error: moniker zone: unknown moniker 'latest'; "
         "aliases are not allowed in ranges; write 'azure-devops'"),
        ("content/x.md:5:20: error: moniker zone: empty range; write a moniker such as "
         "'>= tfs-2013'"),
    ]


def test_range_columns_follow_the_location_of_the_text() -> None:
    text = 'First line.\n::: moniker range="tfs2018"\n::: moniker-end\n'
    # A catalogue field whose text starts at column 7 of line 12.
    assert run(text, loc=Loc("catalogue/t/e.yml", 12, 7))[1] == [
        ("catalogue/t/e.yml:13:26: error: moniker zone: unknown moniker 'tfs2018'; "
         "did you mean 'tfs-2018'?"),
    ]
    # Column 0 means unknown: only the line is reported.
    assert run(text, loc=Loc("catalogue/t/e.yml", 12, 0))[1] == [
        ("catalogue/t/e.yml:13: error: moniker zone: unknown moniker 'tfs2018'; "
         "did you mean 'tfs-2018'?"),
    ]


def test_unclosed_zone_is_reported_at_its_opener() -> None:
    out, diagnostics = run('Text.\n\n:::: moniker range="<= tfs-2018"\nOld.\n', "tfs-2018")
    assert out == "Text.\n\nOld.\n"
    assert diagnostics == [
        ("content/x.md:3:1: error: moniker zone: zone is not closed: expected ':::: moniker-end' "
         "before the end of the text; add ':::: moniker-end' where the zone's content ends"),
    ]


def test_moniker_end_without_an_opener() -> None:
    assert run("Text.\n  ::: moniker-end\n") == ("Text.\n", [
        ("content/x.md:2:3: error: moniker zone: '::: moniker-end' closes no zone; "
         "delete it, or add '::: moniker range=\"...\"' where the zone starts"),
    ])


def test_closer_with_another_colon_count() -> None:
    text = '::: moniker range="azure-devops"\nNew.\n:::: moniker-end\nAfter.\n'
    out, diagnostics = run(text, "tfs-2018")
    assert out == "After.\n"  # the zone is closed anyway
    assert diagnostics == [
        ("content/x.md:3:1: error: moniker zone: expected 3 colons to close the zone opened on "
         "line 1, found 4; write '::: moniker-end'"),
    ]


def test_malformed_zone_lines() -> None:
    text = '::: moniker rang="tfs-2018"\nA\n::: moniker-end please\n'
    out, diagnostics = run(text)
    assert out == "A\n"
    assert diagnostics == [
        ("content/x.md:1:1: error: moniker zone: expected '::: moniker range=\"...\"', found "
         "'::: moniker rang=\"tfs-2018\"'; write the range in quotes after 'range=', "
         "e.g. range=\">= tfs-2013\""),
        ("content/x.md:3:1: error: moniker zone: expected nothing after 'moniker-end', found "
         "'please'; delete the extra text"),
    ]


def test_range_selecting_no_version_is_a_warning() -> None:
    text = (
        '::: moniker range="> azure-devops"\nNever.\n::: moniker-end\n'
        '::: moniker range="<= tfs-2018"\n::: moniker range=">= azure-devops-2019"\n'
        "Never either.\n::: moniker-end\n::: moniker-end\n"
    )
    assert shown_for(text, "Never") == []
    assert run(text)[1] == [
        ("content/x.md:1:20: warning: moniker zone: range '> azure-devops' selects no version; "
         "widen the range, or delete the zone and its content"),
        ("content/x.md:5:20: warning: moniker zone: range '>= azure-devops-2019' selects no "
         "version inside the enclosing zone '<= tfs-2018'; delete the zone, or move it out of "
         "the enclosing zone"),
    ]


def test_unknown_moniker_or_alias_for_translate() -> None:
    assert run("Text", "latest") == ("Text", [])
    with pytest.raises(ValueError, match="unknown moniker 'tfs-2099'"):
        run("Text", "tfs-2099")


def test_iter_zone_ranges() -> None:
    text = '```\n::: moniker range="x"\n```\n  ::: moniker range=\'<= tfs-2018\'\n::: moniker-end\n'
    assert list(iter_zone_ranges(text, Loc("content/x.md", 10, 1))) == [
        (Loc("content/x.md", 13, 22), "<= tfs-2018"),
    ]


# Includes -------------------------------------------------------------------------------


def test_block_include_replaces_the_line(repo: Path) -> None:
    write(repo, "content/includes/banner.md", (
        "---\nms.topic: include\n---\n\n"
        '::: moniker range="<= tfs-2018"\nOld banner.\n::: moniker-end\n'
        '::: moniker range="> tfs-2018"\nNew banner.\n::: moniker-end\n'
    ))
    text = "# Title\n[!INCLUDE [banner](../includes/banner.md)]\nText.\n"
    assert run(text, "tfs-2018", repo=repo, path="content/a/page.md") == (
        "# Title { #title }\n\nOld banner.\n\nText.\n", [])
    assert run(text, "azure-devops", repo=repo, path="content/a/page.md") == (
        "# Title { #title }\n\nNew banner.\n\nText.\n", [])


def test_block_include_keeps_list_indentation_for_python_markdown(repo: Path) -> None:
    write(repo, "content/step.md", "Detail.\n\n```sh\naz login\n```\n")
    text = "1. Step\n\n   [!include[step](step.md)]\n\n1. Next\n"
    out, diagnostics = run(text, repo=repo)
    assert diagnostics == []
    assert out == "1. Step\n\n    Detail.\n\n    ```sh\n    az login\n    ```\n\n2. Next\n"


def test_inline_include_is_inserted_stripped(repo: Path) -> None:
    write(repo, "content/term.md", "---\nx: 1\n---\n\n  *service endpoints*  \n\n")
    out, diagnostics = run("They are called [!include [t](term.md)] here.\n", repo=repo)
    assert (out, diagnostics) == ("They are called *service endpoints* here.\n", [])


def test_inline_include_with_paragraphs_is_joined_with_a_warning(repo: Path) -> None:
    write(repo, "content/two.md", "First\nline.\n\nSecond.\n")
    out, diagnostics = run("See [!INCLUDE [two](two.md)] now.", repo=repo)
    assert out == "See First line. Second. now."
    assert diagnostics == [
        ("content/x.md:1:5: warning: include: inline include 'two.md' has 2 paragraphs, "
         "expected one; they were joined into one line; put the include on a line of its own "
         "to keep its paragraphs"),
    ]


def test_include_outside_the_roots_is_refused(repo: Path) -> None:
    write(repo, "secret.md", "Secret.\n")
    write(repo, "content/inside.md", "Inside.\n")
    (repo / "content" / "link.md").symlink_to(repo / "secret.md")
    text = "[!INCLUDE [s](../secret.md)]\n\n[!INCLUDE [l](link.md)]\n\n[!INCLUDE [i](inside.md)]\n"
    out, diagnostics = run(text, repo=repo)
    assert out == "Inside.\n"
    assert diagnostics == [
        ("content/x.md:1:1: error: include: include '../secret.md' is outside the folders it may "
         "be read from "
         "(content/, catalogue/); move the file under one of those folders"),
        ("content/x.md:3:1: error: include: include 'link.md' is outside the folders it may be "
         "read from (content/, catalogue/); move the file under one of those folders"),
    ]


def test_missing_include_suggests_a_close_file(repo: Path) -> None:
    write(repo, "content/includes/concept-rename-note.md", "Note.\n")
    text = (
        "  [!INCLUDE [n](includes/concept-rename-notes.md)]\n"
        "[!INCLUDE [n](includes/unrelated.md)]\n"
        "[!INCLUDE [n](_shared/version.md)]\n"
    )
    assert run(text, repo=repo)[1] == [
        ("content/x.md:1:3: error: include: include 'includes/concept-rename-notes.md' not "
         "found: expected a file at content/includes/concept-rename-notes.md; did you mean "
         "'concept-rename-note.md'?"),
        ("content/x.md:2:1: error: include: include 'includes/unrelated.md' not found: expected "
         "a file at content/includes/unrelated.md; check the file name; paths are relative to "
         "content/, the including file's folder"),
        ("content/x.md:3:1: error: include: include '_shared/version.md' not found: expected a "
         "file at content/_shared/version.md; folder '_shared' does not exist; paths are "
         "relative to content/, the including file's folder"),
    ]


def test_include_cycle_names_the_chain(repo: Path) -> None:
    write(repo, "content/a.md", "A starts.\n\n[!INCLUDE [b](sub/b.md)]\n")
    write(repo, "content/sub/b.md", "---\nms.topic: include\n---\nB.\n[!INCLUDE [a](../a.md)]\n")
    write(repo, "content/self.md", "Me: [!INCLUDE [me](self.md)]\n")
    text = (repo / "content/a.md").read_text()
    out, diagnostics = run(text, repo=repo, path="content/a.md")
    assert out == "A starts.\n\nB.\n"
    assert diagnostics == [
        ("content/sub/b.md:5:1: error: include: include cycle content/a.md -> content/sub/b.md "
         "-> content/a.md; remove the include of '../a.md' from content/sub/b.md"),
    ]
    assert run("Me: [!INCLUDE [me](self.md)]\n", repo=repo, path="content/self.md")[1] == [
        ("content/self.md:1:5: error: include: include cycle content/self.md -> "
         "content/self.md; remove the include of 'self.md' from content/self.md"),
    ]


def test_diagnostics_inside_an_include_carry_its_own_path_and_line(repo: Path) -> None:
    write(repo, "catalogue/shared/note.md", (
        "---\nms.topic: include\n---\n\n> [!NOTES]\n> Text.\n"
        '::: moniker range="<= tfs2018"\n::: moniker-end\n'
    ))
    out, diagnostics = run("[!INCLUDE [n](../../catalogue/shared/note.md)]\n", repo=repo,
                           path="content/topic/page.md")
    assert out == "!!! note\n    Text.\n"
    assert diagnostics == [
        ("catalogue/shared/note.md:5:3: warning: alert: unknown alert type '[!NOTES]', expected "
         "[!NOTE], [!TIP], [!IMPORTANT], [!CAUTION] or [!WARNING]; did you mean 'NOTE'?"),
        ("catalogue/shared/note.md:7:23: error: moniker zone: unknown moniker 'tfs2018'; "
         "did you mean 'tfs-2018'?"),
    ]


def test_malformed_front_matter_in_an_include(repo: Path) -> None:
    write(repo, "content/bad.md", "---\ntitle: [unclosed\n---\nBody.\n")
    out, diagnostics = run("[!INCLUDE [b](bad.md)]\n", repo=repo)
    assert "Body." in out  # best effort: the whole file
    assert diagnostics == [
        ("content/bad.md:2:1: error: front matter: invalid YAML: expected ',' or ']', but got "
         "'<stream end>'; fix the YAML between the '---' lines"),
    ]


def test_zones_nest_through_includes(repo: Path) -> None:
    write(repo, "content/inc.md", (
        '::: moniker range="tfs-2018"\nTFS 2018 detail.\n::: moniker-end\n'
        '::: moniker range="azure-devops"\nNever inside the outer zone.\n::: moniker-end\n'
    ))
    text = '::: moniker range="<= tfs-2018"\nOld.\n[!INCLUDE [i](inc.md)]\n::: moniker-end\n'
    assert shown_for_repo(text, repo, "TFS 2018 detail.") == ["tfs-2018"]
    assert shown_for_repo(text, repo, "Old.") == ["tfs-2013", "tfs-2015", "tfs-2017", "tfs-2018"]
    assert run(text, "tfs-2018", repo=repo)[1] == [
        ("content/inc.md:4:20: warning: moniker zone: range 'azure-devops' selects no version "
         "inside the enclosing zone '<= tfs-2018'; delete the zone, or move it out of the "
         "enclosing zone"),
    ]


def shown_for_repo(text: str, repo: Path, needle: str) -> list[str]:
    return [m for m in ALL if needle in run(text, m, repo=repo)[0]]


def test_includes_in_hidden_zones_are_not_read_but_are_checked(repo: Path) -> None:
    text = '::: moniker range="<= tfs-2018"\n[!INCLUDE [m](missing.md)]\n::: moniker-end\n'
    assert run(text, "azure-devops", repo=repo) == ("", [])
    error = ("content/x.md:2:1: error: include: include 'missing.md' not found: expected a file "
             "at content/missing.md; check the file name; paths are relative to content/, the "
             "including file's folder")
    assert run(text, "tfs-2018", repo=repo)[1] == [error]
    assert checked(text, repo=repo) == [error]


def test_malformed_include_is_an_error() -> None:
    out, diagnostics = run("Text [!INCLUDE [x](y.md) more.\n")
    assert out == "Text [!INCLUDE [x](y.md) more.\n"
    assert diagnostics == [
        ("content/x.md:1:6: error: include: expected '[!INCLUDE [title](path)]', found a "
         "malformed include; write the include as [!INCLUDE [title](path/to/file.md)]"),
    ]


# Alerts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("marker", "head"), [
    ("NOTE", "!!! note"),
    ("Tip", "!!! tip"),
    ("important", '!!! info "Important"'),
    ("CAUTION", '!!! danger "Caution"'),
    ("WARNING", "!!! warning"),
])
def test_alert_types(marker: str, head: str) -> None:
    assert run(f"> [!{marker}]\n> Body text.\n") == (f"{head}\n    Body text.\n", [])


def test_alert_body_keeps_its_markdown() -> None:
    text = (
        "Para.\n> [!NOTE]\n>\n> - item with [link](a.md)\n>   continued\n>\n"
        "> ```yaml\n> key: value\n> ```\nAfter.\n"
    )
    assert run(text) == (
        ("Para.\n\n!!! note\n    - item with [link](a.md)\n        continued\n\n"
         "    ```yaml\n    key: value\n    ```\n\nAfter.\n"), [])


def test_alert_text_on_the_marker_line_starts_the_body() -> None:
    assert run("> [!TIP] Same line.\n> Next.\n") == ("!!! tip\n    Same line.\n    Next.\n", [])


def test_alert_inside_list_items_is_indented_for_python_markdown() -> None:
    text = "1. Step\n\n   > [!NOTE]\n   > In the step.\n1. Next\n"
    assert run(text) == ("1. Step\n\n    !!! note\n        In the step.\n\n2. Next\n", [])
    text = "Paragraph.\n\n   > [!NOTE]\n   > Not in a list.\n"
    assert run(text) == ("Paragraph.\n\n!!! note\n    Not in a list.\n", [])


def test_empty_alert_is_a_warning() -> None:
    assert run("Text.\n\n> [!WARNING]\n>\n") == ("Text.\n\n!!! warning\n", [
        ("content/x.md:3:3: warning: alert: alert [!WARNING] has no text; write its text on the "
         "following '>' lines, or delete it"),
    ])


def test_unknown_alert_type_becomes_a_note() -> None:
    assert run("> [!SOMETHING]\n> Text.\n") == ("!!! note\n    Text.\n", [
        ("content/x.md:1:3: warning: alert: unknown alert type '[!SOMETHING]', expected "
         "[!NOTE], [!TIP], [!IMPORTANT], [!CAUTION] or [!WARNING]; it is rendered as a note"),
    ])


def test_div_marker_is_dropped() -> None:
    text = '> [!div class="mx-imgBorder"]\n> ![Dialog](media/d.png)\n'
    assert run(text) == ("![Dialog](media/d.png)\n", [])


def test_plain_blockquotes_stay_quotes() -> None:
    text = "> **WARNING**: plain.\n>\n>  Two spaces.\n"
    assert run(text) == ("> **WARNING**: plain.\n>\n> Two spaces.\n", [])
    assert run("> Quote with [!VIDEO https://v.example/1] inside.\n") == (
        "> Quote with [Video](https://v.example/1) inside.\n", [])


# Images and other directives -----------------------------------------------------------


def test_images() -> None:
    text = (
        ':::image type="content" source="media/a.png" alt-text="Alt  text":::\n'
        ":::image source='b(1).png' type='icon':::\n"
        'Click :::image type="icon" source="gear.png" border="false"::: then.\n'
        ':::image type="content" source="my pic.png" alt-text="x [1]" link="https://e.x/":::\n'
    )
    assert run(text) == (
        ("![Alt text](media/a.png)\n![](<b(1).png>)\nClick ![](gear.png) then.\n"
         "[![x \\[1\\]](<my pic.png>)](https://e.x/)\n"), [])


def test_complex_image_block() -> None:
    text = (
        'Before.\n\n:::image type="complex" source="f.png" alt-text="Flow":::\n'
        "   Long description.\n:::image-end:::\n\nAfter.\n"
    )
    assert run(text) == ("Before.\n\n![Flow](f.png)\n\n??? info \"Image description\"\n\n"
                         "    Long description.\n\nAfter.\n", [])


def test_image_problems() -> None:
    text = (
        ':::image type="content" alt-text="No source":::\n'
        ':::image type="content" source="a.png":::\n'
        ':::image type="picture" source="b.png" alt-text="B":::\n'
        ':::image type="complex" source="c.png" alt-text="C":::\n'
        "Description without an end.\n"
        "Text :::image-end::: here.\n"
    )
    out, diagnostics = run(text)
    assert out == ("![](a.png)\n![B](b.png)\n\n![C](c.png)\n\n??? info \"Image description\"\n\n"
                   "    Description without an end.\n    Text  here.\n")
    assert diagnostics == [
        ("content/x.md:1:1: error: image: expected a source attribute, found none; "
         'add source="media/file.png"'),
        ("content/x.md:2:1: warning: image: image 'a.png' has no alt-text attribute; "
         'add alt-text="..." describing what the image shows'),
        ("content/x.md:3:1: warning: image: expected type 'content', 'complex' or 'icon', "
         "found 'picture'; it is rendered as type=\"content\""),
        ("content/x.md:4:1: error: directive: ':::image' is not closed: expected "
         "':::image-end:::' before the end of its block; add ':::image-end:::' where its "
         "content ends"),
        ("content/x.md:6:6: warning: image: ':::image-end:::' closes no ':::image "
         "type=\"complex\"'; delete it"),
    ]


# Anchors, video, code -------------------------------------------------------------------


def test_anchors_are_kept_verbatim() -> None:
    text = '<a name="whathappens"></a>\n## Heading\n\nText <a id="x"></a>here.\n'
    assert run(text) == ('<a name="whathappens"></a>\n\n## Heading { #heading }\n\n'
                         'Text <a id="x"></a>here.\n', [])


def test_video_becomes_a_link() -> None:
    assert run("[!VIDEO https://example.com/v?id=1]\n") == (
        "[Video](https://example.com/v?id=1)\n", [])
    assert run("> [!VIDEO https://example.com/embed]\n") == (
        "[Video](https://example.com/embed)\n", [])


def test_code_fences_and_spans_are_untouched() -> None:
    text = (
        "````md\n::: moniker range=\"bogus\"\n```\n> [!NOTE]\n```\n[!INCLUDE [x](x.md)]\n````\n"
        "\n   ~~~\n   :::row:::\n\n\n   ~~~\n\n"
        "Use `[!INCLUDE [t](p.md)]` or `` :::image::: ``.\n"
    )
    # An indented fence loses its indentation (CommonMark strips it from the content too).
    assert run(text) == (text.replace("\n   ", "\n"), [])
    assert checked(text) == []


def test_blank_lines_outside_fences_are_tidied() -> None:
    assert run("\n\nA\n   \n\n\nB\n\n") == ("A\n\nB\n", [])


# check -----------------------------------------------------------------------------------


def test_check_reports_every_problem_once_whatever_the_moniker(repo: Path) -> None:
    write(repo, "content/inc.md", "> [!NOPE]\n> x\n")
    text = (
        '::: moniker range="<= tfs-2013"\n[!INCLUDE [i](inc.md)]\n:::row:::\n::: moniker-end\n'
        '::: moniker range="azure-devops"\n[!INCLUDE [i](inc.md)]\n'
        '::: moniker range="tfs2018"\n::: moniker-end\n::: moniker-end\n'
        ":::: moniker-end\n"
    )
    assert checked(text, repo=repo) == [
        ("content/inc.md:1:3: warning: alert: unknown alert type '[!NOPE]', expected [!NOTE], "
         "[!TIP], [!IMPORTANT], [!CAUTION] or [!WARNING]; did you mean 'NOTE'?"),
        ("content/x.md:3:1: error: directive: ':::row' is not closed: expected ':::row-end:::' "
         "before the end of its block; add ':::row-end:::' where its content ends"),
        ("content/x.md:3:1: warning: directive: a ':::row:::' holds content outside "
         "':::column:::' blocks; put every part of the row in a column"),
        ("content/x.md:7:20: error: moniker zone: unknown moniker 'tfs2018'; did you mean "
         "'tfs-2018'?"),
        ("content/x.md:10:1: error: moniker zone: ':::: moniker-end' closes no zone; delete it, "
         "or add '::: moniker range=\"...\"' where the zone starts"),
    ]


def test_check_translates_once_per_group_of_versions_that_read_the_text_alike(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One pass shows every zone; then one pass per group of versions that see the same
    zones, not one per version. What only one group sees is still reported: an alert
    without text, in a zone of the oldest version (the pass that shows every zone does not
    report an empty alert: there, what each version hides adds up)."""
    passes: list[str | None] = []
    real = docfx._Translation.run

    def counted(self: docfx._Translation, text: str, loc: Loc) -> list[str]:
        passes.append(self.moniker)
        return real(self, text, loc)

    monkeypatch.setattr(docfx._Translation, "run", counted)
    assert checked("- One\n- Two\n") == []
    assert len(passes) == 2 and passes[0] is None and passes[1] in ALL
    passes.clear()
    text = "Text.\n\n::: moniker range=\"<= tfs-2013\"\n> [!NOTE]\n::: moniker-end\n"
    assert checked(text) == [
        ("content/x.md:4:3: warning: alert: alert [!NOTE] has no text; write its text on the "
         "following '>' lines, or delete it"),
    ]
    assert len(passes) == 3 and len(ALL) > 3


# Front matter ----------------------------------------------------------------------------


def test_split_front_matter() -> None:
    text = "---\ntitle: T\nmonikerRange: '>= tfs-2015'\n---\n\n# T\n"
    assert split_front_matter(text) == (
        {"title": "T", "monikerRange": ">= tfs-2015"}, "\n# T\n", 4)
    assert split_front_matter("# No front matter\n---\n") == ({}, "# No front matter\n---\n", 0)
    assert split_front_matter("---\n---\nBody") == ({}, "Body", 2)


@pytest.mark.parametrize(("text", "message"), [
    ("---\ntitle: [x\n---\n", "line 2: invalid YAML: expected ',' or ']'"),
    ("---\n- a\n---\n", "line 2: front matter must be a mapping of keys to values, found list"),
    ("---\ntitle: x\n", "line 1: front matter opened with '---' is not closed by '---'"),
])
def test_malformed_front_matter_raises_with_a_line(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        split_front_matter(text)
    assert str(info.value).startswith(message)


# Golden files ----------------------------------------------------------------------------

CASES = {
    "zones": ("tfs-2015", "azure-devops-2020", "azure-devops"),
    "nested-zones-through-include": ("tfs-2017", "tfs-2018", "azure-devops"),
    "include-block": ("tfs-2018", "azure-devops"),
    "include-inline": ("tfs-2018", "azure-devops"),
    "alerts": ("tfs-2018", "azure-devops"),
    "alerts-in-lists": ("tfs-2018", "azure-devops"),
    "images": ("tfs-2018", "azure-devops"),
    "anchors": ("tfs-2018", "azure-devops"),
    "code-fences-untouched": ("tfs-2018", "azure-devops"),
    "video": ("tfs-2018", "azure-devops"),
}


def golden_translate(case: str, moniker: str | None) -> tuple[str, list[str]]:
    """Translate a golden case (check it when moniker is None); its folder is the only root."""
    folder = GOLDEN / case
    ctx = Context(PRODUCTS, ROOT, (folder,))
    loc = Loc((folder / "input.md").relative_to(ROOT).as_posix(), 1, 1)
    text = (folder / "input.md").read_text(encoding="utf-8")
    diagnostics = Diagnostics()
    if moniker is None:
        check(text, loc, ctx, diagnostics)
        return "", [d.format() for d in diagnostics.items]
    return translate(text, loc, moniker, ctx, diagnostics), [d.format() for d in diagnostics.items]


@pytest.mark.parametrize(("case", "moniker"),
                         [(case, m) for case, monikers in CASES.items() for m in monikers])
def test_golden(case: str, moniker: str, update_golden: bool) -> None:
    out, diagnostics = golden_translate(case, moniker)
    assert diagnostics == []
    assert_golden(out, GOLDEN / case / f"expected.{moniker}.md", update_golden)


@pytest.mark.parametrize("case", CASES)
def test_golden_inputs_check_clean(case: str) -> None:
    assert golden_translate(case, None)[1] == []


def test_golden_outputs_render_admonitions_with_python_markdown() -> None:
    expected = sorted(GOLDEN.glob("*/expected.*.md"))
    assert len(expected) == sum(len(monikers) for monikers in CASES.values())
    for path in expected:
        text = path.read_text(encoding="utf-8")
        html = markdown.markdown(text, extensions=EXTENSIONS)
        heads = [line for line in outside_fences(text) if line.lstrip().startswith("!!! ")]
        assert html.count('<div class="admonition') == len(heads), path
        assert "!!!" not in html, path
    html = markdown.markdown((GOLDEN / "alerts-in-lists" / "expected.tfs-2018.md").read_text(),
                             extensions=EXTENSIONS)
    # Alerts written in list items stay in the <li>, after the item's text.
    assert html.count('<div class="admonition') == 6
    assert re.search(r'<li>\s*<p>Sign in to the Azure portal.</p>\s*<div class="admonition note"',
                     html)
    assert re.search(r'<p>A nested bullet</p>\s*<div class="admonition danger"', html)


# The seed and the reference articles ----------------------------------------------------

SEED = SHARED / "seed" / "000_3ec957c9509555dc.txt"
REFERENCE = SHARED / "reference"
INCLUDE_FIXTURES = FIXTURES / "docfx_includes"
# Where each article's includes point, relative to content/pipelines/release/.
INCLUDE_FOLDERS = ("content/pipelines/_shared", "content/pipelines/includes", "content/includes")
LEFTOVERS = (":::", "[!INCLUDE", "[!NOTE]", "[!TIP]", "[!WARNING]", "[!IMPORTANT]", "[!CAUTION]")


def articles() -> list[Path]:
    if not SHARED.is_dir():
        return []
    references = sorted(p for p in REFERENCE.glob("*.md") if p.name != "README.md")
    return [SEED, *references] if SEED.exists() else []


def outside_fences(text: str) -> list[str]:
    """The lines of `text` that are not in fenced code blocks."""
    lines, fence = [], None
    for line in text.splitlines():
        found = re.match(r"\s*(`{3,}|~{3,})(.*)$", line)
        if fence is None and found:
            fence = found.group(1)
        elif fence is not None and found and found.group(1).startswith(fence) \
                and not found.group(2).strip():
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


@pytest.fixture
def article_repo(tmp_path: Path) -> Path:
    """A repository holding the include files the articles expect, written for these tests."""
    (tmp_path / "catalogue").mkdir()
    for folder in INCLUDE_FOLDERS:
        shutil.copytree(INCLUDE_FIXTURES, tmp_path / folder)
    return tmp_path


def render_article(source: Path, repo: Path, moniker: str | None) -> tuple[str, list[str]]:
    """Place the article at a realistic path and translate (or check) its body."""
    name = "azure-rm-endpoint.md" if source == SEED else source.name
    rel = f"content/pipelines/release/{name}"
    text = source.read_text(encoding="utf-8")
    write(repo, rel, text)
    _, body, removed = split_front_matter(text)
    ctx = Context(PRODUCTS, repo, (repo / "content", repo / "catalogue"))
    diagnostics = Diagnostics()
    loc = Loc(rel, removed + 1, 1)
    if moniker is None:
        check(body, loc, ctx, diagnostics)
        return "", [d.format() for d in diagnostics.items]
    return translate(body, loc, moniker, ctx, diagnostics), [d.format() for d in diagnostics.items]


@pytest.mark.skipif(not articles(), reason="shared reference material is absent")
@pytest.mark.parametrize("source", articles(), ids=lambda p: p.name)
def test_articles_leave_no_docfx_syntax(source: Path, article_repo: Path) -> None:
    assert render_article(source, article_repo, None)[1] == []
    for moniker in ALL:
        out, diagnostics = render_article(source, article_repo, moniker)
        assert diagnostics == [], moniker
        for line in outside_fences(out):
            for leftover in LEFTOVERS:
                assert leftover.lower() not in line.lower(), (moniker, line)
        html = markdown.markdown(out, extensions=EXTENSIONS)
        assert "!!!" not in html, moniker
        assert html.count('<div class="admonition') == out.count("!!! "), moniker


@pytest.mark.skipif(not articles(), reason="shared reference material is absent")
def test_article_facts_per_version(article_repo: Path) -> None:
    rename = "In TFS 2018 and earlier, service connections were called service endpoints."

    def seed(moniker: str) -> str:
        return render_article(SEED, article_repo, moniker)[0]

    assert rename in seed("tfs-2018")
    assert rename in seed("tfs-2015")
    assert rename not in seed("azure-devops-2019")
    assert '!!! note\n    In TFS 2018 and earlier' in seed("tfs-2018")
    assert "**Applies to:** TFS 2015 to TFS 2018" in seed("tfs-2017")
    assert "**Applies to:** Azure DevOps Services" in seed("azure-devops")
    assert '<a name="guestonly"></a>' in seed("azure-devops")
    assert "## Help and support" in seed("azure-devops")

    article = REFERENCE / "azure-rm-endpoint.2025.md"
    copilot = "## Use AI to troubleshoot an Azure DevOps service connection error"
    shown = [m for m in ALL if copilot in render_article(article, article_repo, m)[0]]
    assert shown == ["azure-devops"]
    newest = render_article(article, article_repo, "azure-devops")[0]
    older = render_article(article, article_repo, "azure-devops-2022")[0]
    assert "```copilot-prompt" in newest and "```copilot-prompt" not in older
    assert "Service Principal Authentication (SPA)" in older
    assert "Service Principal Authentication (SPA)" not in newest
    assert ("![Screenshot of option to rotate an ARM secret.]"
            "(media/azure-rm-endpoint/rotate-secret.png)") in newest

    older_article = render_article(REFERENCE / "azure-rm-endpoint.2020.md", article_repo,
                                   "tfs-2018")[0]
    assert "> ![The Add Azure" not in older_article
    assert "![The Add Azure Resource Manager service connection dialog]" in older_article


def test_include_fixtures_exist() -> None:
    assert sorted(os.listdir(INCLUDE_FIXTURES)) == [
        "concept-rename-note.md",
        "rm-help-support-shared.md",
        "version-lt-eq-azure-devops.md",
        "version-tfs-2015-rtm.md",
    ]


@pytest.mark.parametrize("text", [
    "Plain text.\n",
    "\n\nA paragraph.\n\n\n\nAnother one, after blank lines.\n\n",
    "1. Step one\n\n   continued\r\n2. Step two",
    "```\ncode\n\n\n```\n",
    "One line, no newline",
    "Trailing blank lines\n\n\n",
    "Spaces on a blank line\n   \nnext\n",
    "Two lines\nof text\n",
    "Tab\tinside \n",
])
def test_plain_text_fast_path_matches_the_full_translation(text: str) -> None:
    products = shipped_like_products()
    ctx = docfx.Context(products, Path("/nonexistent"), (Path("/nonexistent/content"),))
    loc = Loc("content/x.md", 1, 1)
    fast = docfx.translate(text, loc, "azure-devops", ctx, Diagnostics())
    translation = docfx._Translation(ctx, "azure-devops", loc, False)
    full = "\n".join(docfx._tidy(translation.run(text, loc)))
    full = full + "\n" if full and text.endswith(("\n", "\r")) else full
    assert fast == full


def test_variants_group_monikers_that_see_the_same_zones() -> None:
    products = shipped_like_products()
    ctx = docfx.Context(products, Path("/nonexistent"), (Path("/nonexistent/content"),))
    loc = Loc("content/x.md", 1, 1)
    text = ('Always.\n\n::: moniker range="<= tfs-2018"\nOld.\n::: moniker-end\n\n'
            '::: moniker range="azure-devops"\nNew.\n::: moniker-end\n')
    outputs: dict[object, str] = {}
    for moniker, key in docfx.variants(text, loc, ctx).items():
        out = translate(text, loc, moniker, ctx, Diagnostics())
        assert outputs.setdefault(key, out) == out  # same key, same translation
    assert len(outputs) == 3
    assert set(docfx.variants("No zones here.", loc, ctx).values()) == {"plain"}
    assert docfx.variants("[!INCLUDE [a](a.md)]", loc, ctx)["tfs-2015"] == "tfs-2015"
