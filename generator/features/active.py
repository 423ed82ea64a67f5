"""Active content: Markdown that would run code in a reader's browser.

Input: the catalogue (every Markdown field of every topic, and the content pages); output:
a warning (an error with --strict) at the line and column of each `<script>` element,
event-handler attribute (`onload=`, `onerror=`, ...) and `javascript:`, `vbscript:` or
`data:` URL. Markdown may carry raw HTML by design, reviewed like code (CONTRIBUTING says
so); these are what a reviewer must not miss. The site's Content-Security-Policy blocks
them in the browser as well. Code spans and fenced code blocks are text and are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from ..catalogue.model import Catalogue, Markdown, Topic, iter_markdown
from ..core.diagnostics import Diagnostics, Loc
from ..core.project import Project, site_settings
from ..core.versions import Products
from ..site.feature import Rendered

SUBJECT = "active content"
# Settings of mkdocs.yml (under extra.kb) that the site turns into links readers follow.
URL_SETTINGS = ("new_entry_url", "feedback_url")
SAFE_SCHEMES = ("https:", "http:", "mailto:")
SCRIPT = re.compile(r"<\s*script\b", re.IGNORECASE)
TAG = re.compile(r"<[A-Za-z][A-Za-z0-9:-]*(?:[\s/][^<>]*)?>", re.DOTALL)
HANDLER = re.compile(r"[\s/\"']((?i:on)[A-Za-z]+)\s*=")
# Where a URL starts: a Markdown link or image destination, a reference definition, an
# autolink, or an HTML attribute that takes a URL.
URL_START = re.compile(
    r"\]\(\s*<?|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?|<(?=[A-Za-z&])"
    r"|\b(?:href|src|srcset|action|formaction|data|poster|background|xlink:href|ping)"
    r"\s*=\s*[\"']?",
    re.IGNORECASE | re.MULTILINE)
SCHEMES = ("javascript:", "vbscript:", "data:")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def blank_code(text: str) -> str:
    """`text` with fenced code blocks and code spans replaced by spaces (same offsets)."""
    out: list[str] = []
    fence = ""
    for line in re.split(r"(?<=\n)", text):
        found = FENCE.match(line)
        if fence:
            out.append(re.sub(r"[^\n]", " ", line))
            if found and found.group(1)[0] == fence[0] and len(found.group(1)) >= len(fence):
                fence = ""
            continue
        if found:
            fence = found.group(1)
            out.append(re.sub(r"[^\n]", " ", line))
            continue
        out.append(line)
    return CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), "".join(out))


def url_scheme(text: str, start: int) -> str | None:
    """The dangerous scheme of the URL at `start` (entities decoded, blanks dropped, as a
    browser reads it), or None."""
    head = html.unescape(text[start:start + 80])
    squeezed = re.sub(r"[\x00-\x20]", "", head).lower()
    return next((s for s in SCHEMES if squeezed.startswith(s)), None)


def findings(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, message, suggestion) of each piece of active content in Markdown `text`."""
    plain = blank_code(text)
    for found in SCRIPT.finditer(plain):
        yield (found.start(), "<script> element: it would run code in the reader's browser",
               "remove it; show code in a fenced code block instead")
    for tag in TAG.finditer(plain):
        for handler in HANDLER.finditer(tag.group()):
            yield (tag.start() + handler.start(1),
                   f"event-handler attribute '{handler.group(1)}': it would run code in the "
                   "reader's browser", "remove the attribute")
    for start in URL_START.finditer(plain):
        scheme = url_scheme(plain, start.end())
        if scheme is not None:
            yield (start.end(), f"{scheme} URL: following it would run code or show content "
                   "the site does not control", "link to a page or a web address (https:)")


def located(text: Markdown, offset: int) -> Loc:
    """Where `offset` of the Markdown text is in its source file (as the Markdown checks
    count: the text's lines follow its first line, columns from its first column)."""
    starts = [0, *(m.end() for m in LINE_BREAK.finditer(text.text))]
    line = max(i for i, s in enumerate(starts) if s <= offset)
    col = offset - starts[line]
    loc = text.loc
    return Loc(loc.path, max(loc.line, 1) + line, (max(loc.col, 1) + col))


def _warn(texts: Iterable[Markdown], diagnostics: Diagnostics) -> None:
    for text in texts:
        if "<" not in text.text and ":" not in text.text:
            continue
        for offset, message, suggestion in findings(text.text):
            diagnostics.warning(located(text, offset), SUBJECT, message, suggestion)


def check_topic(topic: Topic, products: Products, diagnostics: Diagnostics) -> None:
    """Warn at each piece of active content in a topic's Markdown (checked with the topic,
    and kept with it between runs)."""
    _warn(iter_markdown(topic), diagnostics)


def check_pages(catalogue: Catalogue, diagnostics: Diagnostics) -> None:
    """Warn at each piece of active content in the content pages."""
    _warn([page.body for page in catalogue.pages], diagnostics)


def check_settings(project: Project, catalogue: Catalogue, rendered: Rendered,
                   diagnostics: Diagnostics) -> None:
    """The link settings of mkdocs.yml are web or mail addresses: a `javascript:` one would
    be a link on every lookup and troubleshooter page (an error, at its line)."""
    extra = site_settings(project).get("extra")
    kb = extra.get("kb") if isinstance(extra, dict) else None
    if not isinstance(kb, dict):
        return
    try:
        lines = project.mkdocs_yml.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    for name in URL_SETTINGS:
        value = kb.get(name)
        if not isinstance(value, str) or not value:
            continue
        squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
        if squeezed.startswith(SAFE_SCHEMES) or not re.match(r"[a-z][a-z0-9+.-]*:", squeezed):
            continue
        line = next((i for i, text in enumerate(lines, 1)
                     if text.lstrip().startswith(f"{name}:")), 0)
        col = (lines[line - 1].index(name) + len(name) + 3) if line else 0
        diagnostics.error(Loc(project.rel(project.mkdocs_yml), line, col),
                          f"extra.kb.{name}", f"'{value[:40]}' is not a web or mail address",
                          "use an https: URL (or http:, mailto:)")
