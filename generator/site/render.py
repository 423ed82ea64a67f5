"""Render: a version's view of the catalogue to Material-flavoured Markdown.

Input: a resolved Catalogue (see `resolve`) and a RenderContext; output: strings
(page path -> Markdown, and the navigation). Pure and deterministic: nothing here
writes files.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..catalogue.model import (
    Catalogue,
    Cause,
    ContentPage,
    Entry,
    Fix,
    Link,
    Markdown,
    Note,
    NoteKind,
    Position,
    Section,
    Topic,
    anchor_of,
    walk,
)
from ..core.diagnostics import Diagnostics
from ..core.versions import Products, Range, describe_versions
from ..markdown import docfx
from .nav import toc_nav

ADMONITION = {
    NoteKind.NOTE: 'note',
    NoteKind.TIP: 'tip',
    NoteKind.IMPORTANT: 'info "Important"',
    NoteKind.CAUTION: 'danger "Caution"',
    NoteKind.WARNING: 'warning',
}


@dataclass
class RenderContext:
    """The moniker being rendered and what DocFX translation needs."""

    moniker: str
    docfx: docfx.Context
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    shared: Shared = field(default_factory=lambda: Shared())

    def translations(self, text: Markdown) -> Translations:
        # Keyed by identity: texts live as long as the catalogue, and hashing them is slow.
        known = self.shared.translations.get(id(text))
        if known is None:
            known = self.shared.translations[id(text)] = Translations(
                text, docfx.variants(text.text, text.loc, self.docfx))
        return known

    def md(self, text: Markdown | None) -> str:
        """A catalogue Markdown field translated for this moniker, without trailing space."""
        if text is None:
            return ""
        known = self.translations(text)
        key = known.keys[self.moniker]
        out = known.outputs.get(key)
        if out is None:
            out = docfx.translate(text.text, text.loc, self.moniker, self.docfx,
                                  self.diagnostics).strip("\n")
            known.outputs[key] = out
        return out


    def entry_key(self, entry: Entry) -> tuple[object, ...] | None:
        """What an entry's rendering depends on in this version, or None if unknown.

        Two versions that keep the same parts of the original entry (its ranges) and see
        the same variants of its texts render it identically, so one rendering serves both.
        """
        original = self.shared.originals.get(entry.id)
        if original is None:
            return None
        plan = self.shared.plans.get(entry.id)
        if plan is None:
            parts = [original, *walk(original)]
            plan = self.shared.plans[entry.id] = (
                tuple(p.applies_to.monikers for p in parts if hasattr(p, "applies_to")),
                tuple(self.translations(p) for p in parts if isinstance(p, Markdown)),
            )
        ranges, texts = plan
        m = self.moniker
        return (entry.id, tuple(m in r for r in ranges), tuple(t.keys[m] for t in texts))


@dataclass
class Translations:
    """One text's translations: moniker -> variant key, variant key -> Markdown."""

    text: Markdown
    keys: dict[str, object]
    outputs: dict[object, str] = field(default_factory=dict)


@dataclass
class Shared:
    """Work shared by the versions of one build: most texts and entries read the same in
    every version, so each is translated and rendered once per distinct variant."""

    originals: dict[str, Entry] = field(default_factory=dict)  # id -> unresolved entry
    translations: dict[int, Translations] = field(default_factory=dict)
    plans: dict[str, tuple[tuple[frozenset[str], ...], tuple[Translations, ...]]] = field(
        default_factory=dict)
    entries: dict[tuple[object, ...], str] = field(default_factory=dict)

    @classmethod
    def for_catalogue(cls, catalogue: Catalogue) -> Shared:
        return cls(originals={e.id: e for _, e in catalogue.entries()})


def indent(text: str, prefix: str = "    ") -> str:
    """Indent every non-blank line, for admonition and list-item bodies."""
    return "\n".join(prefix + line if line.strip() else "" for line in text.splitlines())


# Plain-text fields (titles, link titles, takes_effect) are text, never Markdown or HTML:
# every character that could start markup is escaped.
_PLAIN_ESCAPES = str.maketrans({
    **{c: "\\" + c for c in "\\`*_[]()!"},
    "<": "&lt;", ">": "&gt;", "&": "&amp;", "{": "&#123;", "}": "&#125;", "#": "&#35;",
})


def plain(text: str) -> str:
    """A plain-text field as Markdown that shows exactly that text."""
    return text.translate(_PLAIN_ESCAPES)


def heading_text(title: str) -> str:
    """A title made safe for an ATX heading with an attribute list."""
    return plain(title).strip()


def applies_line(applies: Range, enclosing: Range, products: Products) -> str:
    """'Applies to: TFS 2015 to TFS 2018' when `applies` selects fewer versions than
    `enclosing` (the range of the page, entry or cause around it); else nothing."""
    if applies.monikers >= enclosing.monikers:
        return ""
    return f"Applies to: {plain(describe_versions(applies, products))}\n{{: .kb-applies }}"


def heading(level: int, title: str, anchor: str, aliases: Iterable[str] = ()) -> str:
    """A heading whose HTML id is the catalogue id; aliases become extra anchors."""
    lines = [f'<a id="{alias}"></a>' for alias in aliases]
    if lines:
        lines.append("")
    lines.append(f"{'#' * level} {heading_text(title)} {{ #{anchor} }}")
    return "\n".join(lines)


def admonition(kind: str, body: str, title: str | None = None) -> str:
    head = f"!!! {kind}" + (f' "{title}"' if title is not None else "")
    return f"{head}\n\n{indent(body)}"


def code_block(text: str, lang: str = "text") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text}\n{fence}"


def render_note(note: Note, ctx: RenderContext) -> str:
    return admonition(ADMONITION[note.kind], ctx.md(note.text))


def render_notes(notes: Iterable[Note], position: Position, ctx: RenderContext) -> list[str]:
    return [render_note(n, ctx) for n in notes if n.position is position]


def link_target(link: Link, page: str) -> str:
    """The Markdown link target of a related link, relative to `page` (at the docs root)."""
    if link.url:
        return link.url
    target, _, anchor = link.ref.partition("#")
    if target and not target.endswith(".md"):
        target += ".md"
    if target == page:
        target = ""
    return target + (f"#{anchor}" if anchor else "")


def render_links(title: str, links: Iterable[Link], page: str) -> str:
    items = [f"- [{plain(link.title)}]({link_target(link, page)})" for link in links]
    if not items:
        return ""
    return f"**{title}**\n\n" + "\n".join(items)


def render_steps(fix: Fix, ctx: RenderContext) -> str:
    items = []
    for step in fix.steps:
        text = ctx.md(step.text)
        first, _, rest = text.partition("\n")
        item = f"1. {first}"
        if rest:
            item += "\n" + indent(rest)
        items.append(item)
    # A step of several lines (paragraphs, a list, a code block, a table) ends only where a
    # blank line does: Python-Markdown reads a "1." right after its last line as part of it.
    return "".join(item + ("\n\n" if "\n" in item else "\n")
                   for item in items).removesuffix("\n\n").removesuffix("\n")


def render_fix(fix: Fix, cause: Cause, number: int, total: int, ctx: RenderContext) -> str:
    title = fix.title if total == 1 else f"Fix {number}: {fix.title}"
    anchor = anchor_of(cause, fix)
    parts = [heading(4, title, anchor, fix.aliases)]
    if fix.description is not None:
        parts.append(ctx.md(fix.description))
    parts += render_notes(fix.notes, Position.BEFORE, ctx)
    if fix.steps:
        parts.append(render_steps(fix, ctx))
    parts += render_notes(fix.notes, Position.AFTER, ctx)
    if fix.takes_effect:
        parts.append(admonition('info "When it takes effect"', plain(fix.takes_effect.strip())))
    links = render_links("Further reading", fix.links, "")
    if links:
        parts.append(links)
    return "\n\n".join(parts)


def render_cause(cause: Cause, entry: Entry, ctx: RenderContext) -> str:
    parts = [heading(3, cause.title, cause.id, cause.aliases),
             applies_line(cause.applies_to, entry.applies_to, ctx.docfx.products)]
    if cause.description is not None:
        parts.append(ctx.md(cause.description))
    parts += render_notes(cause.notes, Position.BEFORE, ctx)
    if len(cause.fixes) > 1:
        parts.append(f"There are {len(cause.fixes)} ways to fix this, best first.")
    for number, fix in enumerate(cause.fixes, 1):
        parts.append(render_fix(fix, cause, number, len(cause.fixes), ctx))
    parts += render_notes(cause.notes, Position.AFTER, ctx)
    return "\n\n".join(p for p in parts if p)


def render_messages(entry: Entry) -> str:
    if not entry.messages:
        return ""
    label = "Error message" if len(entry.messages) == 1 else "Error messages"
    blocks = "\n\n".join(code_block(m.shown) for m in entry.messages)
    return admonition("failure", blocks, label)


def render_entry(entry: Entry, topic: Topic, ctx: RenderContext) -> str:
    """One error's section; reused across versions that see it alike."""
    key = ctx.entry_key(entry)
    if key is None:
        return _render_entry(entry, topic, ctx)
    out = ctx.shared.entries.get(key)
    if out is None:
        out = ctx.shared.entries[key] = _render_entry(entry, topic, ctx)
    return out


def _render_entry(entry: Entry, topic: Topic, ctx: RenderContext) -> str:
    page = topic.page
    parts = [heading(2, entry.title, entry.id, entry.aliases),
             applies_line(entry.applies_to, topic.applies_to, ctx.docfx.products)]
    if entry.retired and entry.retired_note is not None:
        parts.append(admonition('warning "Retired"', ctx.md(entry.retired_note)))
    messages = render_messages(entry)
    if messages:
        parts.append(messages)
    if entry.summary is not None:
        parts.append(ctx.md(entry.summary))
    parts += render_notes(entry.notes, Position.BEFORE, ctx)
    if len(entry.causes) > 1:
        parts.append(
            "Possible causes:\n\n"
            + "\n".join(f"- [{plain(c.title)}](#{c.id})" for c in entry.causes)
        )
    for cause in entry.causes:
        parts.append(render_cause(cause, entry, ctx))
    parts += render_notes(entry.notes, Position.AFTER, ctx)
    related = render_links("Related", entry.related, page)
    if related:
        parts.append(related)
    return "\n\n".join(p for p in parts if p)


def render_section(section: Section, topic: Topic, ctx: RenderContext) -> str:
    parts = [heading(2, section.title, section.id, section.aliases)]
    if section.body is not None:
        parts.append(ctx.md(section.body))
    if section.list_errors:
        active = [e for e in topic.ordered_entries() if not e.retired]
        if active:
            parts.append("\n".join(f"- [{plain(e.title)}](#{e.id})" for e in active))
    return "\n\n".join(p for p in parts if p)


def front_matter(title: str, description: str = "") -> str:
    """Front matter for the theme, whose templates print these values as HTML as they are:
    escape them here."""
    lines = ["---", f"title: {yaml_scalar(html.escape(title))}"]
    if description:
        lines.append(f"description: {yaml_scalar(html.escape(description))}")
    lines.append("---")
    return "\n".join(lines)


def yaml_scalar(text: str) -> str:
    """A YAML double-quoted scalar for any one-line text."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def topic_parts(topic: Topic, ctx: RenderContext) -> list[str]:
    """A topic page's blocks in order: its front matter, then the title with the intro,
    each section and each error. Every block after the front matter starts at the top
    level of the document, so the engine may convert each one on its own (see
    `engines.mkdocs`): an error that reads the same in several versions is converted once."""
    head = [f"# {heading_text(topic.title)}",
            applies_line(topic.applies_to, ctx.docfx.products.everything(),
                         ctx.docfx.products)]
    if topic.intro is not None:
        head.append(ctx.md(topic.intro))
    parts = [front_matter(topic.title, topic.description), "\n\n".join(p for p in head if p)]
    for section in topic.sections:
        parts.append(render_section(section, topic, ctx))
    for entry in topic.ordered_entries():
        parts.append(render_entry(entry, topic, ctx))
    for section in topic.closing_sections:
        parts.append(render_section(section, topic, ctx))
    return [p for p in parts if p]


def render_topic(topic: Topic, ctx: RenderContext) -> str:
    """One topic page: title, intro, sections, the errors, closing sections."""
    return "\n\n".join(topic_parts(topic, ctx)) + "\n"


def render_page(page: ContentPage, ctx: RenderContext) -> str:
    """A hand-written page, DocFX constructs translated for the version."""
    body = ctx.md(page.body)
    head = front_matter(page.title)
    if page.meta:
        extra = "".join(f"{key}: {value}\n" for key, value in page.meta)
        head = head.removesuffix("---") + extra + "---"
    return head + "\n\n" + body + "\n"


@dataclass(frozen=True)
class RenderedVersion:
    """Every Markdown page of one version and its navigation; for topic pages, the
    lengths of the blocks after the front matter (see `topic_parts`), joined by blank
    lines."""

    moniker: str
    pages: dict[str, str]
    nav: list[dict[str, Any]]
    pieces: dict[str, tuple[int, ...]] = field(default_factory=dict)


class TopicPages(Protocol):
    """Where topic pages are kept between builds (see `trees.TopicCache`)."""

    def get(self, kind: str, topic: Topic, moniker: str, extra: str = "") -> Any | None: ...

    def put(self, kind: str, topic: Topic, moniker: str, extra: str, value: Any) -> None: ...


def cached_topic_parts(topic: Topic, ctx: RenderContext,
                       cache: TopicPages | None = None) -> list[str]:
    """`topic_parts`, from `cache` when it has the topic for the version (with the problems
    rendering it found, reported again); a topic whose rendering found an error is not
    kept."""
    known = cache.get("page", topic, ctx.moniker) if cache is not None else None
    if known is not None:
        parts, found = known
        ctx.diagnostics.extend(found)
        return list(parts)
    mine = Diagnostics()
    parts = topic_parts(topic, dataclasses.replace(ctx, diagnostics=mine))
    ctx.diagnostics.extend(mine.items)
    if cache is not None and not mine.has_errors():
        cache.put("page", topic, ctx.moniker, "", (tuple(parts), list(mine.items)))
    return parts


def render_version(view: Catalogue, ctx: RenderContext,
                   cache: TopicPages | None = None) -> RenderedVersion:
    """All pages of a resolved catalogue, with the navigation in reading order; topic pages
    from `cache` where it has them."""
    pages: dict[str, str] = {}
    nav: list[dict[str, Any]] = []
    content = sorted(view.pages, key=lambda p: (p.path != "index.md", p.order, p.path))
    for page in content:
        pages[page.path] = render_page(page, ctx)
    home = [p for p in content if p.path == "index.md"]
    for page in home:
        nav.append({html.escape(page.title): page.path})
    pieces: dict[str, tuple[int, ...]] = {}
    for topic in view.topics:
        parts = cached_topic_parts(topic, ctx, cache)
        pages[topic.page] = "\n\n".join(parts) + "\n"
        pieces[topic.page] = tuple(len(p) for p in parts[1:])
        nav.append({html.escape(topic.nav_title or topic.title): topic.page})
    for page in content:
        if page.path != "index.md":
            nav.append({html.escape(page.title): page.path})
    if view.toc is not None:  # content/toc.yml orders the navigation; the rest follows it
        nav = toc_nav(view.toc, [(path, title) for item in nav for title, path in item.items()])
    return RenderedVersion(ctx.moniker, pages, nav, pieces)
