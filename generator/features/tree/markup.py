"""Tree markup: the tree's Markdown as HTML for one version, and that HTML as plain text.

Input: catalogue Markdown (DocFX translated for the version by render's context) and a
cause end; output: HTML fragments whose site links are relative to the version's root,
and wrapped plain text with links spelled out, for the terminal and for tickets.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import markdown

from ...catalogue import model
from ...catalogue.model import Catalogue, Cause, Fix, Link, Markdown, Note, NoteKind, Position, walk
from ...site.render import RenderContext, Translations

EXTENSIONS = ["admonition", "attr_list", "def_list", "tables", "md_in_html", "fenced_code"]
NOTE_TITLES = {
    NoteKind.NOTE: "Note",
    NoteKind.TIP: "Tip",
    NoteKind.IMPORTANT: "Important",
    NoteKind.CAUTION: "Caution",
    NoteKind.WARNING: "Warning",
}
_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")')
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\b(alt|src)="([^"]*)"')
_ABSOLUTE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//|/)")
_ONE_PARAGRAPH = re.compile(r"^<p>((?:(?!</?p>).)*)</p>$", re.DOTALL)


# The one-paragraph texts most steps and questions are: plain words, `code`, **strong**,
# *emphasis* and [links](address). They become HTML here, as Python-Markdown would
# write them (a test compares the two on every text of the catalogue), a hundred times
# faster; anything else goes through Python-Markdown.
_NOT_SIMPLE = re.compile(
    r"[<\\\t]|&[#a-zA-Z0-9]+;|\n\s*\n|  \n|\n |\{[^}]*[\s=:#.][^}]*\}|!\[|\[!|``|\*\*\*"
    r"|(^|\n) *([#>+|=~]|[-*] |\d+[.)] |-{3,}|!!!|:::|```| {4})", re.MULTILINE)
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s\"]+)\)")
_STRONG = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _simple_words(text: str) -> str | None:
    out = _STRONG.sub(lambda m: f"<strong>{m.group(1)}</strong>", _escape(text))
    out = _EMPHASIS.sub(lambda m: f"<em>{m.group(1)}</em>", out)
    return None if re.search(r"[*_`\[\]]", out) else out


def simple_inline(text: str) -> str | None:
    """HTML of a one-paragraph Markdown text with only the common inline marks, or None."""
    text = text.strip()
    if not text or _NOT_SIMPLE.search(text):
        return None
    parts: list[str] = []
    at = 0
    for match in re.finditer(f"{_CODE.pattern}|{_LINK.pattern}", text):
        words = _simple_words(text[at:match.start()])
        if words is None or "`" in text[at:match.start()]:
            return None  # a backtick left over: a code span across lines, Python-Markdown's
        parts.append(words)
        if match.group(1) is not None:
            parts.append(f"<code>{_escape(match.group(1))}</code>")
        else:
            label = _simple_words(match.group(2))
            if label is None or "<" in label or "`" in match.group(2):
                return None
            href = _escape(match.group(3)).replace('"', "&quot;")
            parts.append(f'<a href="{href}">{label}</a>')
        at = match.end()
    words = _simple_words(text[at:])
    if words is None or "`" in text[at:]:
        return None
    return "".join(parts) + words


def page_url(md_path: str, directory_urls: bool = True) -> str:
    """The URL of a docs page relative to the version root: 'topic.md' -> 'topic/'."""
    stem = md_path.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index":
        return "./"
    return stem.removesuffix("/index") + "/" if stem.endswith("/index") else f"{stem}/"


ON_SITE = "This fix on the site"
_FIX_NUMBER = re.compile(r"Fix [0-9]+ of [0-9]+: ")


def derived_anchor(cause_id: str, heading: str) -> str | None:
    """The anchor tree.js gives a fix from its cause's anchor and the fix's heading (its
    number, if any, taken off, then `slug`), or None where it can't: a heading that is not
    ASCII, whose lower case could differ between the two languages."""
    if not heading.isascii():
        return None
    number = _FIX_NUMBER.match(heading)
    return f"{cause_id}-{model.slug(heading[number.end():] if number else heading)}"


# The ranges of a cause's parts and its texts' translations, as `render.entry_key` uses.
Plan = tuple[tuple[frozenset[str], ...], tuple[Translations, ...]]


def cause_plans(catalogue: Catalogue, render: RenderContext) -> dict[tuple[str, str], Plan]:
    """For every cause of the catalogue as written: what its rendering depends on."""
    plans = {}
    for topic in catalogue.topics:
        for entry in topic.entries:
            for cause in entry.causes:
                parts = [cause, *walk(cause)]
                plans[(topic.id, cause.id)] = (
                    tuple(p.applies_to.monikers for p in parts if hasattr(p, "applies_to")),
                    tuple(render.translations(p) for p in parts if isinstance(p, Markdown)))
    return plans


# Texts read the same in most versions: each is converted once per process.
_CONVERTED: dict[tuple[str, str, bool, bool], str] = {}


@dataclass
class Markup:
    """Turns one version's Markdown into HTML for the tree, links relative to the root."""

    render: RenderContext
    directory_urls: bool = True
    # Shared by the versions of one catalogue (see `cause`): for each (topic, cause) of
    # the catalogue as written, the ranges and texts of its parts; the cause ends written.
    plans: dict[tuple[str, str], Plan] = field(default_factory=dict)
    causes: dict[tuple[object, ...], str] = field(default_factory=dict)
    _md: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._md = markdown.Markdown(extensions=EXTENSIONS)

    def site_link(self, topic: str, anchor: str = "") -> str:
        url = page_url(f"{topic}.md", self.directory_urls)
        return f"{url}#{anchor}" if anchor else url

    def href(self, target: str, topic: str) -> str:
        """A link written on topic `topic`'s page, made relative to the version root."""
        if not target or _ABSOLUTE.match(target):
            return target
        if target.startswith("#"):
            return self.site_link(topic, target[1:])
        path, hash_mark, anchor = target.partition("#")
        if path.endswith(".md"):
            path = page_url(path, self.directory_urls)
        return path + hash_mark + anchor

    def link_href(self, link: Link, topic: str) -> str:
        if link.url:
            return link.url
        page, _, anchor = link.ref.partition("#")
        if not page:
            return self.site_link(topic, anchor)
        if not page.endswith(".md"):
            return self.site_link(page, anchor)
        return self.href(link.ref, topic)

    def html(self, text: Markdown | None, topic: str, inline: bool = False) -> str:
        """A Markdown field as HTML; `inline` drops the paragraph around a single one."""
        if text is None:
            return ""
        return self.convert(self.render.md(text), topic, inline)

    def convert(self, source: str, topic: str, inline: bool = False) -> str:
        key = (source, topic, inline, self.directory_urls)
        known = _CONVERTED.get(key)
        if known is None:
            if len(_CONVERTED) > 50_000:
                _CONVERTED.clear()
            known = _CONVERTED[key] = self._convert(source, topic, inline)
        return known

    def _convert(self, source: str, topic: str, inline: bool) -> str:
        simple = simple_inline(source)
        if simple is not None:
            out = simple if inline else f"<p>{simple}</p>"
        else:
            self._md.reset()
            out = str(self._md.convert(source)).strip()
        out = _HREF.sub(lambda m: m.group(1) + html.escape(
            self.href(html.unescape(m.group(2)), topic), quote=True) + m.group(3), out)
        out = _IMG.sub(lambda m: self._image(m.group(0), topic), out)
        if inline:
            single = _ONE_PARAGRAPH.match(out)
            if single:
                out = single.group(1)
        return out

    def _image(self, tag: str, topic: str) -> str:
        """An image becomes a link to it: the one-file tree loads nothing from elsewhere."""
        attrs = dict(_ATTR.findall(tag))
        alt = attrs.get("alt") or "image"
        src = self.href(html.unescape(attrs.get("src", "")), topic)
        return (f'<a class="kb-image" href="{html.escape(src, quote=True)}">'
                f"[Image: {html.escape(html.unescape(alt))}]</a>")

    def note(self, note: Note, topic: str) -> str:
        kind = note.kind.value
        return (f'<div class="kb-note kb-note-{kind}"><p class="kb-note-title">'
                f"{NOTE_TITLES[note.kind]}</p>{self.html(note.text, topic)}</div>")

    def notes(self, notes: tuple[Note, ...], position: Position, topic: str) -> list[str]:
        return [self.note(n, topic) for n in notes if n.position is position]

    def fix(self, cause: Cause, fix: Fix, number: int, total: int, topic: str,
            links: bool) -> str:
        """A fix as shown at a cause end. Its link to the topic page ("This fix on the
        site") is written out with `links`; without, tree.js adds it, from the anchor of the
        cause and the fix's heading (`derived_anchor`), or from the section's data-anchor
        where those don't give it: most fixes then carry nothing of their link."""
        title = fix.title if total == 1 else f"Fix {number} of {total}: {fix.title}"
        anchor = model.anchor_of(cause, fix)
        written = "" if links or derived_anchor(cause.id, title) == anchor \
            else f' data-anchor="{html.escape(anchor, True)}"'
        parts = [f'<section class="kb-fix"{written}>'
                 f'<h3 class="kb-fix-title">{html.escape(title)}</h3>']
        parts.append(self.html(fix.description, topic))
        parts += self.notes(fix.notes, Position.BEFORE, topic)
        steps = "".join(f"<li>{self.html(step.text, topic, inline=True)}</li>"
                        for step in fix.steps)
        if steps:
            parts.append(f'<ol class="kb-steps">{steps}</ol>')
        parts += self.notes(fix.notes, Position.AFTER, topic)
        if fix.takes_effect:
            parts.append('<div class="kb-note kb-note-info"><p class="kb-note-title">When it '
                         f"takes effect</p><p>{html.escape(fix.takes_effect.strip())}</p></div>")
        if fix.links:
            items = "".join(f'<li><a href="{html.escape(self.link_href(link, topic), True)}">'
                            f"{html.escape(link.title)}</a></li>" for link in fix.links)
            parts.append(f'<p class="kb-links-title">Further reading</p><ul>{items}</ul>')
        if links:
            href = html.escape(self.site_link(topic, anchor), True)
            parts.append(f'<p class="kb-on-site"><a href="{href}">{ON_SITE}</a></p>')
        parts.append("</section>")
        return "".join(p for p in parts if p)

    def cause(self, cause: Cause, topic: str, links: bool = False) -> str:
        """A cause's description, notes and fixes (best first), as shown at a cause end;
        with `links`, each fix's link to the site written out (see `fix`).

        Most causes read the same in several versions: those that keep the same parts of
        the cause (its ranges) and read the same variant of each text share one rendering,
        as `render` does for entries."""
        plan = self.plans.get((topic, cause.id))
        if plan is None:
            return self._cause(cause, topic, links)
        ranges, texts = plan
        moniker = self.render.moniker
        key = (topic, cause.id, self.directory_urls, links, tuple(moniker in r for r in ranges),
               tuple(t.keys[moniker] for t in texts))
        known = self.causes.get(key)
        if known is None:
            known = self.causes[key] = self._cause(cause, topic, links)
        return known

    def _cause(self, cause: Cause, topic: str, links: bool) -> str:
        parts = [self.html(cause.description, topic)]
        parts += self.notes(cause.notes, Position.BEFORE, topic)
        if len(cause.fixes) > 1:
            parts.append(f'<p class="kb-fix-count">{len(cause.fixes)} fixes, best first.</p>')
        for number, fix in enumerate(cause.fixes, 1):
            parts.append(self.fix(cause, fix, number, len(cause.fixes), topic, links))
        parts += self.notes(cause.notes, Position.AFTER, topic)
        return "".join(p for p in parts if p)


# ---------------------------------------------------------------------------
# HTML as plain text: the terminal's rendering of the same fragments.
# ---------------------------------------------------------------------------

_BLOCKS = {"p", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
           "dl", "dt", "dd", "table", "tr", "ul", "ol", "li"}


@dataclass
class _List:
    ordered: bool
    count: int = 0


class _TextParser(HTMLParser):
    def __init__(self, resolve: Any, width: int) -> None:
        super().__init__(convert_charrefs=True)
        self.resolve = resolve
        self.width = width
        self.lines: list[str] = []
        self.inline: list[str] = []
        self.lists: list[_List] = []
        self.prefix = ""  # the marker of a list item, until its first line is written
        self.links: list[str] = []
        self.pre = 0

    @property
    def indent(self) -> str:
        return "   " * len(self.lists)

    def flush(self, gap: bool = False) -> None:
        text = "".join(self.inline)
        self.inline = []
        if self.pre:
            body = [self.indent + "    " + line for line in text.strip("\n").splitlines()]
            self.lines.extend(body)
            return
        text = " ".join(text.split())
        if text:
            first = self.indent[:-3] + self.prefix if self.prefix else self.indent
            self.prefix = ""
            if self.width > 0:
                wrapped = textwrap.wrap(text, self.width, initial_indent=first,
                                        subsequent_indent=self.indent,
                                        break_long_words=False, break_on_hyphens=False)
            else:
                wrapped = [first + text]
            self.lines.extend(wrapped)
        if gap and self.lines and self.lines[-1] != "" and not self.lists:
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.flush(gap=tag not in ("li", "ul", "ol"))
        if tag in ("ul", "ol"):
            self.lists.append(_List(tag == "ol"))
        elif tag == "li" and self.lists:
            current = self.lists[-1]
            current.count += 1
            self.prefix = f"{current.count}. ".ljust(3) if current.ordered else "-  "
        elif tag == "a":
            self.links.append(self.resolve(dict(attrs).get("href") or ""))
            self.inline.append("\0")  # where the link text starts
        elif tag == "br":
            self.flush()
        elif tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href = self.links.pop()
            joined = "".join(self.inline)
            start = joined.rfind("\0")
            text = joined[start + 1:]
            self.inline = [joined[:start] + text]
            if href and " ".join(text.split()) != href:
                self.inline.append(f" ({href})")
            return
        if tag == "pre":
            self.flush()
            self.pre -= 1
            return
        if tag in _BLOCKS:
            self.flush(gap=tag not in ("li",))
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists and self.lines and self.lines[-1] != "":
                self.lines.append("")

    def handle_data(self, data: str) -> None:
        self.inline.append(data)

    def text(self) -> str:
        self.flush()
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines)


def html_to_text(fragment: str, resolve: Any = None, width: int = 0) -> str:
    """Plain text of an HTML fragment: lists numbered, links as 'text (address)'.

    `resolve` turns an href into the address to print (e.g. the site's full URL);
    `width` > 0 wraps lines.
    """
    parser = _TextParser(resolve or (lambda href: href), width)
    parser.feed(fragment)
    parser.close()
    return parser.text()


def plain(fragment: str) -> str:
    """The text of an inline HTML fragment, without markup or link addresses."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())
