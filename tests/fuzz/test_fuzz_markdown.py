"""Fuzzing DocFX Markdown: documents built from DocFX constructs (moniker zones, includes,
alerts, snippets, rows and columns, pivots, tabs, lists, fences, xrefs), well or badly
formed, nested, with hostile paths and characters.

Properties: the markdown layer's `translate` (every version) and `check` never raise,
every diagnostic about the page or an include file is located inside that file, and two
translations give the same output and the same diagnostics.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.catalogue.validate import project_products
from generator.core.diagnostics import Diagnostics, Loc
from generator.core.project import Project
from generator.markdown import docfx
from tests.conftest import FIXTURES
from tests.fuzz.conftest import count, examples
from tests.fuzz.locations import outside

PAGE = "content/fuzz.md"
INCLUDES = {
    "content/includes/zone.md": "Zoned text.\n\n::: moniker range=\">= demo-2\"\nNew.\n"
                                "::: moniker-end\n",
    "content/includes/loop-a.md": "A.\n\n[!INCLUDE [b](loop-b.md)]\n",
    "content/includes/loop-b.md": "B.\n\n[!INCLUDE [a](loop-a.md)]\n",
    "content/includes/broken.md": "::: moniker range=\"nope\"\nx\n\n:::row:::\n",
    "content/includes/ctrl.md": "Odd \u2028 line \x85 and\rcarriage.\n",
    **{f"content/includes/chain{n}.md": f"Level {n}.\n\n[!INCLUDE [next](chain{n + 1}.md)]\n"
       for n in range(20)},
    "content/snippets/code.cs": "// <setup>\nvar a = 1;\n// </setup>\n#region main\n"
                                "Run();\n#endregion\n",
}
PATHS = ["includes/zone.md", "includes/loop-a.md", "includes/broken.md", "includes/ctrl.md",
         "includes/chain0.md", "missing.md", "/etc/passwd", "../../../../etc/passwd",
         "includes/", "", "C:\\x.md", "https://example.org/x.md", "snippets/code.cs",
         "includes/zone.md#x", "<includes/zone.md>", "includes/%2e%2e/zone.md"]
RANGES = ["demo-1", ">= demo-2", "< demo-3", "demo-1 || demo-3", ">=demo-1<demo-3", "nope",
          "", ">=", "demo-2 ||", "DEMO-2", ">= demo-1 < demo-1"]
WORDS = ["text", "**bold**", "`code`", "[link](faq.md#x)", "[l](#here)", "<xref:uid>",
         "[x](xref:a.b)", "<b>html</b>", "<script>x()</script>", "&amp;", "\\*", "_e_",
         "[!INCLUDE [i](includes/zone.md)]", ":::image type=\"content\" source=\"a.png\" "
         "alt-text=\"A\":::", ":::no-loc text=\"x\":::", "{#id}", "é😀", "\t", "\x00",
         "\u2028", "\x85", "\r", "::: ", "[!NOTE]", "|a|b|", "<!--", "-->", "$$", "~~"]
TEXT = st.characters(codec="utf-8", exclude_categories=("Cs",))


def inline() -> Any:
    return st.lists(st.one_of(st.sampled_from(WORDS), st.text(TEXT, max_size=5)),
                    min_size=1, max_size=8).map(" ".join)


def wrap(opening: str, closing: str) -> Any:
    def make(body: list[str]) -> str:
        return opening + "\n" + "\n\n".join(body) + ("\n" + closing if closing else "")
    return make


def blocks(children: Any) -> Any:
    colons = st.sampled_from([":::", "::::", ":: "])
    return st.one_of(
        st.builds(lambda r, c, b, end: wrap(f'{c} moniker range="{r}"',
                                            f"{c} moniker-end" if end else "")(b),
                  st.sampled_from(RANGES), colons, st.lists(children, max_size=3), st.booleans()),
        st.builds(lambda kind, lines: f"> [!{kind}]\n" + "\n".join(f"> {x}" for x in lines),
                  st.sampled_from(["NOTE", "TIP", "WARNING", "CAUTION", "IMPORTANT", "BOGUS"]),
                  st.lists(inline(), max_size=3)),
        st.builds(lambda depth, marker, body: "\n".join(
            " " * (2 * k) + marker + " " + body for k in range(depth)),
            st.integers(1, 12), st.sampled_from(["-", "*", "1.", "1)", "+"]), inline()),
        st.builds(lambda depth, body: "> " * depth + body, st.integers(1, 60), inline()),
        st.builds(lambda fence, info, body, end: f"{fence}{info}\n{body}\n" + (fence if end
                                                                              else ""),
                  st.sampled_from(["```", "~~~", "````"]), st.sampled_from(["", "cs", "yaml"]),
                  st.text(TEXT, max_size=20), st.booleans()),
        st.builds(lambda path: f"[!INCLUDE [inc]({path})]", st.sampled_from(PATHS)),
        st.builds(lambda path, query: f"[!code-cs[]({path}{query})]", st.sampled_from(PATHS),
                  st.sampled_from(["", "#setup", "#main", "?range=1-3&highlight=2",
                                   "?range=9-1", "#nope", "?name=x"])),
        st.builds(lambda path, extra: f':::code language="cs" source="{path}"{extra}:::',
                  st.sampled_from(PATHS), st.sampled_from(["", ' range="2-3"', ' id="main"',
                                                           ' highlight="x"'])),
        st.builds(lambda b, end: wrap(":::row:::\n:::column span=\"2\":::",
                                      ":::column-end:::\n:::row-end:::" if end else "")(b),
                  st.lists(children, max_size=2), st.booleans()),
        st.builds(lambda b, pivot: wrap(f'::: zone pivot="{pivot}"', "::: zone-end")(b),
                  st.lists(children, max_size=2), st.sampled_from(["a", "a,b", ""])),
        st.builds(lambda a, b: f"# [Tab A](#tab/a)\n\n{a}\n\n# [Tab B](#tab/b)\n\n{b}\n\n---",
                  inline(), inline()),
        st.builds(lambda kind, body: f'> [!div class="{kind}"]\n> - {body}',
                  st.sampled_from(["checklist", "nextstepaction", "op_single_selector", ""]),
                  inline()),
        st.builds(lambda level, body: "#" * level + " " + body, st.integers(1, 7), inline()),
        inline(),
        st.text(TEXT, max_size=30),
    )


DOCUMENT = st.lists(st.recursive(inline(), blocks, max_leaves=8), min_size=1,
                    max_size=6).map("\n\n".join)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> tuple[docfx.Context, list[str]]:
    repo = tmp_path_factory.mktemp("fuzz-markdown") / "repo"
    shutil.copytree(FIXTURES / "catalogues" / "rich", repo)
    for path, text in INCLUDES.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes(text.encode("utf-8"))
    project = Project(repo)
    products = project_products(project)
    assert products is not None
    return docfx.Context.for_project(project, products), list(products.names)


def translated(text: str, ctx: docfx.Context, monikers: list[str]) -> tuple[list[str],
                                                                           Diagnostics]:
    diagnostics = Diagnostics()
    out = [docfx.translate(text, Loc(PAGE, 1, 1), m, ctx, diagnostics) for m in monikers]
    docfx.check(text, Loc(PAGE, 1, 1), ctx, diagnostics)
    return out, diagnostics


@settings(max_examples=examples("markdown"))
@given(DOCUMENT)
def test_translate_and_check(context: tuple[docfx.Context, list[str]], text: str) -> None:
    count("markdown")
    ctx, monikers = context
    out, diagnostics = translated(text, ctx, monikers)
    again, repeated = translated(text, ctx, monikers)
    assert again == out
    assert [d.format() for d in repeated.sorted()] == [d.format() for d in diagnostics.sorted()]
    assert outside(diagnostics.items, {PAGE: text, **INCLUDES}) == []


@settings(max_examples=examples("markdown"))
@given(DOCUMENT)
def test_check_reports_what_each_version_reports(context: tuple[docfx.Context, list[str]],
                                                 text: str) -> None:
    """`check` runs one pass per group of versions that read the text alike: each problem
    that translating for some version reports, it reports too."""
    count("markdown")
    ctx, monikers = context
    checked = Diagnostics()
    docfx.check(text, Loc(PAGE, 1, 1), ctx, checked)
    for moniker in monikers:
        found = Diagnostics()
        docfx.translate(text, Loc(PAGE, 1, 1), moniker, ctx, found, headings=False)
        assert set(found.items) <= set(checked.items), moniker
