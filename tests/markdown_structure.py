"""Block structure of Markdown as two parsers see it, for tests that check translation.

CommonMark's reading (markdown-it-py, as Markdig reads DocFX pages) is the reference; the
generator's output is read by Python-Markdown with the extensions mkdocs.yml configures.
Both are reduced to a skeleton: block elements in document order with their depth.
Nothing here imports the generator.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import markdown
import yaml
from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = frozenset({"ul", "ol", "li", "blockquote", "pre", "table", "tr", "th", "td", "hr",
                    "h1", "h2", "h3", "h4", "h5", "h6"})


@functools.lru_cache(maxsize=1)
def extensions() -> tuple[list[Any], dict[str, Any]]:
    """The Markdown extensions of mkdocs.yml and their settings."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    settings = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names: list[Any] = []
    configs: dict[str, Any] = {}
    for item in settings["markdown_extensions"]:
        if isinstance(item, dict):
            (name, config), = item.items()
            names.append(name)
            configs[name] = config or {}
        else:
            names.append(item)
    return names, configs


def python_markdown(text: str) -> str:
    """HTML as MkDocs renders `text` (the site's extensions)."""
    names, configs = extensions()
    return markdown.markdown(text, extensions=names, extension_configs=configs)


# A `|` inside a code span: Markdig (unlike GFM) does not split a table cell there.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_PIPE = "\ue000"


def commonmark(text: str) -> str:
    """HTML as Markdig (a CommonMark parser with pipe tables) renders `text`.

    Pipe tables follow Markdig: a code span takes precedence over a `|` (markdown-it-py
    splits there, as GFM does), so pipes inside code spans are hidden from the parser.
    """
    if _PIPE in text:
        raise ValueError("text holds U+E000, which the reference uses as a placeholder")
    hidden = "\n".join(_CODE_SPAN.sub(lambda m: m[0].replace("|", _PIPE), line)
                       if "|" in line else line for line in text.split("\n"))
    return MarkdownIt("commonmark").enable("table").render(hidden).replace(_PIPE, "|")


def skeleton(html: str) -> list[str]:
    """Block elements in document order, indented by nesting; `ol` with its start."""
    out: list[str] = []

    def walk(node: Any, depth: int) -> None:
        for child in node.iter(include_text=False):
            if child.tag in BLOCKS:
                start = child.attributes.get("start") if child.tag == "ol" else None
                out.append("  " * depth + child.tag + (f" start={start}" if start
                                                       and start != "1" else ""))
                walk(child, depth + 1)
            else:
                walk(child, depth)

    body = LexborHTMLParser(html).body
    if body is not None:
        walk(body, 0)
    return out
