"""Code blocks highlighted with the lexer lookup and the formatters' style classes made
once per process (generator/markdown/highlight.py) read as pymdownx.highlight and
Pygments make them for each block, byte for byte."""

from __future__ import annotations

from typing import Any

import markdown
import pytest
from pygments.formatters.html import HtmlFormatter
from pymdownx import highlight as pymdownx_highlight

from generator.markdown import highlight

# Fenced and inline code as pages have it: a message (text), languages Pygments knows,
# one it does not, none, and the options a block may carry.
DOCUMENT = """\
```text
ERR003027: The operation on resource {name} failed with code 958
```

```yaml
steps:
  - script: echo "hello"  # a comment
```

```sql
SELECT * FROM users WHERE id = 1;
```

```SQL
select 1;
```

```no-such-language
plain <b>text</b> & more
```

```
no language at all
```

``` { .python title="example.py" hl_lines="2" }
def f(x):
    return x + 1
```

```console
$ az login --tenant 00000000-0000-0000-0000-000000000000
```

Inline: `#!python print("hi")` and `#!text AADSTS7000215`.
"""

SETTINGS: list[dict[str, Any]] = [
    {"pymdownx.highlight": {"anchor_linenums": False, "pygments_lang_class": True}},
    {"pymdownx.highlight": {"linenums": True, "line_spans": "__span",
                            "anchor_linenums": True}},
    {"pymdownx.highlight": {"noclasses": True, "pygments_style": "monokai"}},
    {"pymdownx.highlight": {"css_class": "codehilite", "linenums_style": "pymdownx-inline",
                            "linenums": True}},
]


def convert(settings: dict[str, Any]) -> str:
    md = markdown.Markdown(
        extensions=["attr_list", "pymdownx.superfences", "pymdownx.highlight",
                    "pymdownx.inlinehilite"],
        extension_configs=settings)
    return md.convert(DOCUMENT)


@pytest.mark.parametrize("settings", SETTINGS)
def test_highlighted_code_reads_as_without_the_shortcuts(
        settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    highlight.install()
    lookup = pymdownx_highlight.get_lexer_by_name
    stylesheet = HtmlFormatter._create_stylesheet
    assert lookup.original is not None and stylesheet.original is not None  # installed
    shortcut = [convert(settings), convert(settings)]  # the second from what the first kept
    with monkeypatch.context() as undo:
        undo.setattr(pymdownx_highlight, "get_lexer_by_name", lookup.original)
        undo.setattr(HtmlFormatter, "_create_stylesheet", stylesheet.original)
        plain = convert(settings)
    assert plain.count("<span") > 20  # highlighted, token by token
    assert shortcut == [plain, plain]


def test_an_unknown_language_still_falls_back_to_text() -> None:
    from pygments.util import ClassNotFound

    highlight.install()
    with pytest.raises(ClassNotFound):
        pymdownx_highlight.get_lexer_by_name("no-such-language")
    lexer = pymdownx_highlight.get_lexer_by_name("TEXT", stripnl=False)
    again = pymdownx_highlight.get_lexer_by_name("text", stripnl=True)
    assert type(lexer) is type(again) and lexer is not again
    assert (lexer.stripnl, again.stripnl) == (False, True)  # each with its own options
