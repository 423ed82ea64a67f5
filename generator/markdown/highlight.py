"""Highlight: code blocks highlighted as pymdownx.highlight does it, without the work it
repeats for every block.

Every error's message is a code block, so a knowledge base converts thousands of them.
For each one, pymdownx.highlight asks Pygments for the lexer by its name (a walk through
every lexer Pygments knows) and makes a formatter, which works out the CSS class and
style of each token type of the style again. `install` makes both once per process: the
lexer's class is looked up once per name (each block still gets a lexer of its own, made
with its own options), and a formatter takes the classes of its style from the first
formatter made with that style. The HTML is the same, byte for byte
(tests/test_highlight.py).

Input: nothing; output: the change to the running process, made once.
"""

from __future__ import annotations

from typing import Any

_INSTALLED: list[bool] = []


def install() -> None:
    """Make the lexer lookup and the formatters' style classes once per process (no effect
    where pymdownx or Pygments is missing, or when already installed)."""
    if _INSTALLED:
        return
    _INSTALLED.append(True)
    try:
        from pygments.formatters.html import HtmlFormatter
        from pygments.lexers import get_lexer_by_name
        from pymdownx import highlight
    except ImportError:  # pragma: no cover - both come with the pinned packages
        return
    highlight.get_lexer_by_name = _lexer_by_name(get_lexer_by_name)
    HtmlFormatter._create_stylesheet = _stylesheet(HtmlFormatter._create_stylesheet)


def _lexer_by_name(find: Any) -> Any:
    classes: dict[str, type] = {}

    def lexer_by_name(alias: str, **options: Any) -> Any:
        key = alias.lower() if isinstance(alias, str) else alias
        known = classes.get(key)
        if known is not None:
            return known(**options)
        lexer = find(alias, **options)  # raises ClassNotFound as before
        classes[key] = type(lexer)
        return lexer

    lexer_by_name.original = find  # type: ignore[attr-defined]
    return lexer_by_name


def _stylesheet(create: Any) -> Any:
    # (formatter class, style, class prefix) -> (token type -> class, class -> style)
    sheets: dict[tuple[Any, ...], tuple[dict[Any, Any], dict[Any, Any]]] = {}

    def create_stylesheet(self: Any) -> None:
        key = (type(self), self.style, self.classprefix)
        known = sheets.get(key)
        if known is None:
            create(self)
            sheets[key] = (dict(self.ttype2class), dict(self.class2style))
        else:
            self.ttype2class, self.class2style = dict(known[0]), dict(known[1])

    create_stylesheet.original = create  # type: ignore[attr-defined]
    return create_stylesheet
