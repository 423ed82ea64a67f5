"""MkDocs engine: one version's Markdown tree built by MkDocs + Material for MkDocs.

Input: mkdocs.yml, the version's docs folder, navigation, extra settings and site URL (and,
for `build_version`, the blocks of each page, a cache folder and the version's previous
build); output: the built folder and the warnings MkDocs logged.

`mkdocs_build` is MkDocs' own build. `build_version` runs MkDocs' steps in MkDocs' order
(plugins' events, files, navigation, pages, static files, templates) through its API, with
the same output (less Material's search files where its search plugin is off, which no page
loads), and two of them done once rather than again and again:

- Markdown is converted block by block (a topic page's blocks are its title and each error,
  see `render.topic_parts`), each distinct block once, kept in a content-addressed cache
  under `build/` that every version and every later build reuses; a page's content, table
  of contents, anchors and title are put together from its blocks (the page is converted
  whole where its blocks could affect each other: shared ids or reference links).
- A page whose Markdown and surroundings (configuration, navigation, the version's files)
  are those of the version's previous build is not rendered again: its output is copied.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ...core.cache import package_stamps
from ...core.files import link_or_copy
from ...core.parallel import fork_map, workers
from ...markdown import highlight
from .base import Request, Result

NAME = "mkdocs"
ENGINE_FORMAT = "2"
# The packages whose code decides what a page becomes.
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "pygments", "jinja2")
# A reference-link definition: blocks that have one are converted with their whole page.
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:", re.MULTILINE)


class _Collect(logging.Handler):
    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.messages: list[str] = []
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        self.records.append((record.name, record.levelno, record.getMessage()))


def mkdocs_build(config_file: str, docs_dir: str, site_dir: str, nav: list[Any],
                 extra: dict[str, Any], site_url: str) -> tuple[float, list[str]]:
    """One MkDocs build in this process, as `mkdocs build` does it; returns seconds and
    MkDocs' warnings."""
    from mkdocs.commands.build import build as run_build

    start = time.perf_counter()
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        run_build(_load_config(config_file, docs_dir, site_dir, nav, extra, site_url))
    finally:
        logger.removeHandler(handler)
    return time.perf_counter() - start, handler.messages


def missing() -> str:
    """Why MkDocs cannot run here ('' when it can)."""
    from importlib.util import find_spec

    absent = [name for name in ("mkdocs", "material") if find_spec(name) is None]
    return (f"{', '.join(absent)} is not installed; run ./dev setup, or install the pinned "
            "packages: pip install -c requirements.lock -e .") if absent else ""


plain_build = mkdocs_build


def _load_config(config_file: str, docs_dir: str, site_dir: str, nav: list[Any],
                 extra: dict[str, Any], site_url: str) -> Any:
    from mkdocs.config import load_config

    return load_config(config_file=config_file, docs_dir=docs_dir, site_dir=site_dir,
                       nav=nav, extra=extra, site_url=site_url or None, strict=False)


# ---------------------------------------------------------------------------
# Blocks: converted once, kept by content
# ---------------------------------------------------------------------------


@dataclass
class Block:
    """What converting one block of a page gave, and what it looked up on the way."""

    html: str
    toc: list[dict[str, Any]]  # the headings, in order, without nesting
    anchors: list[str | None]  # ids (and <a name>) the block has
    title: str | None  # the text of a first-level heading that opens the block
    lookups: dict[str, str | None]  # link target -> the file that answered, or None
    anchor_links: list[tuple[str, str, str]]  # (target page, anchor, link as written)
    logs: list[tuple[str, int, str]]  # what MkDocs logged: (logger, level, message)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        data = dict(data)
        data["anchor_links"] = [tuple(x) for x in data["anchor_links"]]
        data["logs"] = [tuple(x) for x in data["logs"]]
        return cls(**data)


def _key(digest: str, text: str, src_uri: str) -> str:
    """A block's cache key: its text, its page and what converting depends on."""
    out = hashlib.sha256()
    for part in (ENGINE_FORMAT, digest, src_uri, text):
        out.update(part.encode("utf-8") + b"\0")
    return out.hexdigest()


def _flat(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for token in tokens:
        yield {k: v for k, v in token.items() if k != "children"}
        yield from _flat(token.get("children") or [])


class _Recorder:
    """The version's files, noting every lookup a link makes (the block's output depends
    on their answers, which may differ from version to version)."""

    def __init__(self, files: Any) -> None:
        self.files = files
        self.seen: dict[str, str | None] = {}

    def get_file_from_path(self, path: str) -> Any:
        found = self.files.get_file_from_path(path)
        self.seen[path] = found.src_uri if found is not None else None
        return found


_MEMORY: dict[str, Block] = {}
MEMORY_BLOCKS = 4096  # at most this many blocks kept in memory per process


class Converter:
    """Converts blocks of Markdown as `Page.render` would, with one Markdown instance per
    process (reset between blocks), and keeps what it converted."""

    def __init__(self, config: Any, cache_dir: Path | None, digest: str) -> None:
        import markdown

        self.config = config
        self.cache_dir = cache_dir
        self.digest = digest
        self.md = markdown.Markdown(extensions=config["markdown_extensions"],
                                    extension_configs=config["mdx_configs"] or {})
        # Blocks converted or read in this process, for the next versions it builds.
        self.memory = _MEMORY
        self.converted = 0
        self.reused = 0
        self.used: set[str] = set()
        self.page_blocks: list[str] = []  # the keys of the page being rendered
        self.whole: list[str] = []  # pages with blocks converted whole all the same

    def key(self, text: str, src_uri: str) -> str:
        return _key(self.digest, text, src_uri)

    def _remember(self, key: str, block: Block) -> None:
        if key not in self.memory and len(self.memory) >= MEMORY_BLOCKS:
            self.memory.clear()
        self.memory[key] = block

    def _path(self, key: str) -> Path | None:
        return self.cache_dir / key[:2] / f"{key[2:]}.json" if self.cache_dir else None

    def block(self, text: str, page: Any, files: Any) -> Block:
        """The block as converted for `page` among `files`: from the cache when every link
        of it finds the same files as when it was converted."""
        key = self.key(text, page.file.src_uri)
        self.used.add(key)
        self.page_blocks.append(key)
        known = self.memory.get(key)
        path = self._path(key)
        if known is None and path is not None and path.is_file():
            try:
                known = Block.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError, KeyError):
                known = None
        if known is not None and all(
                _src(files.get_file_from_path(target)) == found
                for target, found in known.lookups.items()):
            self._remember(key, known)
            self.reused += 1
            for name, level, message in known.logs:
                logging.getLogger(name).log(level, message)
            return known
        made = self.convert(text, page, files)
        self.converted += 1
        self._remember(key, made)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(made.to_json(), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        return made

    def convert(self, text: str, page: Any, files: Any) -> Block:
        from mkdocs.structure import pages as mkpages

        md = self.md
        md.reset()
        raw = mkpages._RawHTMLPreprocessor()
        raw._register(md)
        anchors = mkpages._ExtractAnchorsTreeprocessor(page.file, files, self.config)
        anchors._register(md)
        recorder = _Recorder(files)
        relative = mkpages._RelativePathTreeprocessor(page.file, cast(Any, recorder),
                                                         self.config)
        relative._register(md)
        title = mkpages._ExtractTitleTreeprocessor()
        title._register(md)
        logger = logging.getLogger("mkdocs")
        handler = _Collect(logging.DEBUG)
        logger.addHandler(handler)
        try:
            html = md.convert(text)
        finally:
            logger.removeHandler(handler)
        links = [(target.src_uri, anchor, url)
                 for target, found in relative.links_to_anchors.items()
                 for anchor, url in found.items()]
        return Block(
            html=html,
            toc=list(_flat(getattr(md, "toc_tokens", []))),
            anchors=sorted(anchors.present_anchor_ids | raw.present_anchor_ids,
                           key=lambda a: (a is None, a or "")),
            title=title.title,
            lookups=recorder.seen,
            anchor_links=links,
            logs=handler.records,
        )


def _src(found: Any) -> str | None:
    return found.src_uri if found is not None else None


def split_blocks(markdown_text: str, lengths: tuple[int, ...]) -> list[str] | None:
    """The page's Markdown cut into blocks of these lengths, separated by blank lines, or
    None if the text is not made of them."""
    text = markdown_text.strip("\n")
    blocks = []
    at = 0
    for number, length in enumerate(lengths):
        if number:
            if text[at:at + 2] != "\n\n":
                return None
            at += 2
        blocks.append(text[at:at + length])
        at += length
    return blocks if at == len(text) and lengths else None


def _separable(texts: list[str], blocks: list[Block]) -> bool:
    """Whether converting the blocks one by one gives what converting them together does:
    no id is in two blocks (heading ids made unique, tab ids counted per document) and no
    block defines a reference link another could use."""
    seen: set[str | None] = set()
    for block in blocks:
        for anchor in block.anchors:
            if anchor is None:  # an attribute without a value: nothing links to it
                continue
            if anchor in seen:
                return False
            seen.add(anchor)
    return not any(_REFERENCE.search(text) for text in texts)


def _render_page(page: Any, lengths: tuple[int, ...] | None, files: Any,
                 converter: Converter) -> None:
    """Page.render, from blocks: content, table of contents, title and anchors."""
    from markdown.extensions.toc import nest_toc_tokens
    from mkdocs.structure import pages as mkpages
    from mkdocs.structure.toc import get_toc

    assert page.markdown is not None
    converter.page_blocks = []
    texts = split_blocks(page.markdown, lengths) if lengths else None
    blocks = [converter.block(t, page, files) for t in texts] if texts else []
    if not texts or not _separable(texts, blocks):
        if texts:
            converter.whole.append(page.file.src_uri)
        texts = [page.markdown]
        blocks = [converter.block(page.markdown, page, files)]
    page.content = "\n".join(b.html for b in blocks)
    tokens = [dict(t) for b in blocks for t in b.toc]
    page.toc = get_toc(nest_toc_tokens(tokens))
    page._title_from_render = blocks[0].title
    page.present_anchor_ids = {a for b in blocks for a in b.anchors}
    if mkpages.log.getEffectiveLevel() > logging.DEBUG:
        links: dict[Any, dict[str, str]] = {}
        for block in blocks:
            for src, anchor, url in block.anchor_links:
                target = files.get_file_from_path(src)
                if target is not None:
                    links.setdefault(target, {}).setdefault(anchor, url)
        page.links_to_anchors = links


# ---------------------------------------------------------------------------
# A version's build
# ---------------------------------------------------------------------------


def markdown_digest(config: Any) -> str:
    """What a block's conversion depends on besides its text and page: the Markdown
    settings, the link settings and the packages' versions."""
    parts = {
        "extensions": [str(e) for e in config["markdown_extensions"]],
        "configs": repr(sorted((str(k), repr(v)) for k, v in (config["mdx_configs"] or {})
                               .items())),
        "directory_urls": bool(config["use_directory_urls"]),
        "validation": repr(config["validation"]),
        "packages": package_stamps(PACKAGES),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _theme_digest(config: Any) -> list[str]:
    """The theme's own folders (custom_dir) by content; installed themes by version."""
    out = []
    for folder in config.theme.dirs:
        path = Path(folder)
        if "site-packages" in path.parts or "dist-packages" in path.parts:
            continue
        for item in sorted(path.rglob("*")):
            if item.is_file():
                out.append(f"{item.relative_to(path).as_posix()}:"
                           f"{hashlib.sha256(item.read_bytes()).hexdigest()}")
    return out


def _context_key(request: Request, config: Any, files: Any, pages: list[Any]) -> str:
    """Everything a page's output depends on besides its own Markdown: the settings, the
    theme, the version's files and every page's place, title and metadata (the navigation
    shows them)."""
    parts = [
        ENGINE_FORMAT, markdown_digest(config), Path(request.config_file).read_text("utf-8"),
        json.dumps(request.nav, sort_keys=True), json.dumps(request.extra, sort_keys=True,
                                                            default=str),
        request.site_url, *_theme_digest(config),
        *sorted(f"{f.src_uri}>{f.dest_uri}" for f in files),
        *(json.dumps([p.file.src_uri, p.title, p.url, p.meta], sort_keys=True, default=str)
          for p in pages),
    ]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _file_hash(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def clear_files(folder: str) -> None:
    """Remove every file under `folder` and keep its folders (MkDocs' `clean_directory`
    removes both; making and removing folders is what costs most on some file systems, and
    a version's folders are much the same from build to build)."""
    for where, _dirs, names in os.walk(folder):
        for name in names:
            os.unlink(os.path.join(where, name))


def remove_empty_folders(folder: str) -> None:
    """Remove the folders under `folder` that hold no file (their pages are gone)."""
    for where, _dirs, names in os.walk(folder, topdown=False):
        if where != folder and not names and not os.listdir(where):
            os.rmdir(where)


def _copy_statics(files: Any, site_dir: str, request: Request,
                  statics: dict[str, str]) -> int:
    """MkDocs' `copy_static_files`, taking unchanged files from the previous build; returns
    how many were taken."""
    old = request.previous.get("statics", {}) if request.previous_dir else {}
    docs = os.path.join(os.path.abspath(request.docs_dir), "")
    taken = 0
    for file in files:
        if file.is_documentation_page() or not file.inclusion.is_included():
            continue
        if file.generated_by is not None or file.abs_src_path is None:
            file.copy_file(dirty=False)
            continue
        known = request.digests.get(file.src_uri) \
            if os.path.abspath(file.abs_src_path).startswith(docs) else None
        digest = known or _file_hash(file.abs_src_path)
        statics[file.dest_uri] = digest
        source = os.path.join(request.previous_dir, file.dest_uri)
        if old.get(file.dest_uri) == digest and os.path.isfile(source):
            link_or_copy(source, os.path.join(site_dir, file.dest_uri))
            taken += 1
        else:
            file.copy_file(dirty=False)
    return taken


@dataclass
class _Site:
    """A version's configuration, files and navigation, as MkDocs makes them."""

    config: Any
    files: Any
    nav: Any
    env: Any


def _open(request: Request) -> _Site:
    """MkDocs' first steps: configuration, plugins' first events, files, navigation."""
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation

    highlight.install()
    config = _load_config(request.config_file, request.docs_dir, request.site_dir,
                          request.nav, request.extra, request.site_url)
    if request.cache_dir:
        _keep_compiled_templates(config, template_cache(Path(request.cache_dir).parent))
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    clear_files(config.site_dir)
    files = get_files(config)
    env = _theme_env(config)
    _add_theme_files(files, env, config)
    _leave_out_unused_search(files, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    return _Site(config, files, nav, env)


# A folder for the compiled templates that every repository shares (a CI job or a test run
# that builds many repositories with the same packages), instead of build/cache/templates/.
TEMPLATE_CACHE = "KB_TEMPLATE_CACHE"


def template_cache(cache: Path) -> Path:
    """Where the theme's compiled templates are kept: the folder KB_TEMPLATE_CACHE names,
    else `templates/` in the build's cache folder `cache`. Sharing one between
    repositories is safe: a template is known by its name, its file and the settings of
    the environment compiling it, and compiled again when its text differs from the one
    its kept code was compiled from (`kept_templates`)."""
    shared = os.environ.get(TEMPLATE_CACHE, "").strip()
    return Path(shared) if shared else cache / "templates"


def _keep_compiled_templates(config: Any, folder: Path) -> None:
    """Every Jinja environment of the theme keeps its compiled templates in `folder`
    (`kept_templates`), for the next version and the next build: the pages' environment,
    and those plugins make (Material's search plugin makes three per version for its
    translations); the pages come out the same."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # keeping is a help: the templates are compiled as without it
        return
    cache = kept_templates(folder)
    theme = config.theme
    get_env = theme.get_env

    def get_env_keeping_templates() -> Any:
        env = get_env()
        env.bytecode_cache = cache
        return env

    theme.get_env = get_env_keeping_templates


def kept_templates(folder: Path) -> Any:
    """A Jinja bytecode cache in `folder`. Jinja knows a template there by its name and
    file, and compiles it again when its text changed; here it is also known by the
    settings of the environment compiling it (`compiled_with`), so environments set
    otherwise (by a plugin, or in another repository) never take each other's code; a
    damaged file is compiled again."""
    import jinja2

    class Kept(jinja2.FileSystemBytecodeCache):
        def get_bucket(self, environment: Any, name: str, filename: str | None,
                       source: str) -> Any:
            return super().get_bucket(environment, f"{name}\0{compiled_with(environment, name)}",
                                      filename, source)

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # damaged (Jinja reads a cut file's header with pickle)
                bucket.reset()

    return Kept(str(folder))


def compiled_with(env: Any, name: str) -> str:
    """What of a Jinja environment's settings goes into the code it compiles the template
    `name` to: its syntax, whitespace handling, extensions, escaping, finalizing and
    optimizing."""
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    finalize = env.finalize
    return repr((
        type(env).__module__, type(env).__qualname__, env.code_generator_class.__qualname__,
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
        env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        sorted(env.extensions), bool(autoescape), env.optimized, env.is_async,
        None if finalize is None else getattr(finalize, "__qualname__", repr(finalize))))


# Per process: what reading the theme's folders gave (installed themes do not change while
# the generator runs; the project's own custom_dir is listed every time).
_THEME_LISTS: dict[str, list[str]] = {}
_ENVS: dict[tuple[Any, ...], Any] = {}


def _installed(folder: str) -> bool:
    parts = Path(folder).parts
    return "site-packages" in parts or "dist-packages" in parts


def _listing(folder: str) -> list[str]:
    """The files of a theme folder, as Jinja's FileSystemLoader lists them."""
    import jinja2

    known = _THEME_LISTS.get(folder) if _installed(folder) else None
    if known is None:
        known = jinja2.FileSystemLoader([folder]).list_templates()
        if _installed(folder):
            _THEME_LISTS[folder] = known
    return known


def _theme_env(config: Any) -> Any:
    """The theme's Jinja environment, one per process for the same theme (its templates
    are compiled once), unless a plugin works on it."""
    if config.plugins.events.get("env"):
        return config.theme.get_env()
    key = (tuple(config.theme.dirs), config.theme.locale, tuple(
        f"{name}:{os.stat(os.path.join(folder, name)).st_mtime_ns}"
        for folder in config.theme.dirs if not _installed(folder)
        for name in _listing(folder)))
    env = _ENVS.get(key)
    if env is None:
        _ENVS.clear()
        env = _ENVS[key] = config.theme.get_env()
    return env


_THEME_FILES: dict[tuple[Any, ...], list[tuple[str, str]]] = {}


def _theme_files(config: Any) -> list[tuple[str, str]]:
    """The theme's static files as `Files.add_files_from_theme` picks them: (path, the first
    theme folder that has it), worked out once per process for the same theme folders."""
    import fnmatch

    from mkdocs import utils

    listings = {folder: _listing(folder) for folder in config.theme.dirs}
    key = (tuple(config.theme.dirs), tuple(config.theme.static_templates),
           *(tuple(listings[folder]) for folder in config.theme.dirs
             if not _installed(folder)))
    known = _THEME_FILES.get(key)
    if known is not None:
        return known
    patterns = ['.*', '*/.*', '*.py', '*.pyc', '*.html', '*readme*', 'mkdocs_theme.yml',
                "locales/*", *(f'*{x}' for x in utils.markdown_extensions),
                *config.theme.static_templates]
    found = []
    for path in sorted({name for names in listings.values() for name in names}):
        if any(fnmatch.fnmatch(path.lower(), pattern) for pattern in patterns):
            continue
        for folder in config.theme.dirs:
            if os.path.isfile(os.path.join(folder, path)):
                found.append((path, folder))
                break
    _THEME_FILES.clear()
    _THEME_FILES[key] = found
    return found


def _add_theme_files(files: Any, env: Any, config: Any) -> None:
    """`Files.add_files_from_theme`, with the theme's folders read once per process."""
    import jinja2
    from mkdocs.structure.files import File

    if not isinstance(env.loader, jinja2.FileSystemLoader) \
            or list(env.loader.searchpath) != list(config.theme.dirs):
        files.add_files_from_theme(env, config)
        return
    for path, folder in _theme_files(config):
        if files.get_file_from_path(path) is None:
            files.append(File(path, folder, config.site_dir, config.use_directory_urls))


# Material's own search: the index builder (lunr, with its languages) and the web worker that
# runs it. A page starts the worker only from the search box of Material's search plugin.
SEARCH_FILES = ("assets/javascripts/lunr/", "assets/javascripts/workers/search.")


def _uses_material_search(config: Any) -> bool:
    """Whether the version may load Material's search files: its search plugin is on (its
    pages have Material's search box), or the theme is another, whose files stay as it
    ships them."""
    return config.theme.name != "material" or any(
        name == "search" or name.endswith("/search") for name in config.plugins)


def _leave_out_unused_search(files: Any, config: Any) -> None:
    """Without Material's search plugin, its search files are left out of the version (a
    sixth of a version's bytes on the shipped site): no page loads them. Files of those
    names that the project has (in the docs folder or the theme's custom_dir) stay."""
    if _uses_material_search(config):
        return
    theme = tuple(os.path.join(os.path.abspath(folder), "") for folder in config.theme.dirs
                  if folder != config.theme.custom_dir)
    for file in [f for f in files if f.src_uri.startswith(SEARCH_FILES)
                 and os.path.abspath(f.abs_src_path or "").startswith(theme)]:
        files.remove(file)


def _read(site: _Site, file: Any) -> Any:
    """A page read as MkDocs reads it, its Markdown through the plugins."""
    from mkdocs.structure.pages import Page

    config = site.config
    if file.page is None and file.inclusion.is_not_in_nav():
        Page(None, file, config)
    page = file.page
    assert page is not None
    page = config.plugins.on_pre_page(page, config=config, files=site.files)
    page.read_source(config)
    assert page.markdown is not None
    page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config,
                                                    files=site.files)
    return page


_DIGESTS: dict[str, str] = {}


def page_block_keys(request: Request) -> list[str]:
    """The cache keys of the blocks of the version's pages, read from its docs folder
    without building anything (the Markdown as the plugins leave it may differ: then the
    build converts what it misses)."""
    from mkdocs.utils import meta

    info = os.stat(request.config_file)
    known = f"{request.config_file}:{info.st_mtime_ns}:{info.st_size}"
    digest = _DIGESTS.get(known)
    if digest is None:
        config = _load_config(request.config_file, request.docs_dir, request.site_dir,
                              request.nav, request.extra, request.site_url)
        digest = _DIGESTS[known] = markdown_digest(config)
    docs = Path(request.docs_dir)
    keys = []
    for path in sorted(docs.rglob("*.md")):
        src_uri = path.relative_to(docs).as_posix()
        if request.changed is not None and src_uri not in request.changed:
            continue  # as in the previous build, whose blocks are kept
        markdown_text, _ = meta.get_data(path.read_text(encoding="utf-8-sig"))
        lengths = request.pieces.get(src_uri)
        texts = split_blocks(markdown_text, lengths) if lengths else None
        keys += [_key(digest, text, src_uri) for text in texts or [markdown_text]]
    return keys


def convert_blocks(request: Request, wanted: list[str]) -> int:
    """Convert the blocks of the version whose keys are `wanted` into the cache (the build
    of every version then finds them there); returns how many were converted."""
    site = _open(request)
    converter = Converter(site.config, Path(request.cache_dir), markdown_digest(site.config))
    todo = set(wanted)
    for file in site.files.documentation_pages():
        page = _read(site, file)
        lengths = request.pieces.get(file.src_uri)
        texts = split_blocks(page.markdown, lengths) if lengths else None
        for text in texts or [page.markdown]:
            if converter.key(text, file.src_uri) in todo:
                converter.block(text, page, site.files)
    return converter.converted


# Plugin events that see every page: with one of them, a page copied from the previous
# build still goes through them (they may collect every page, as a search index does).
PAGE_EVENTS = ("pre_page", "page_markdown", "page_content", "page_context", "post_page")


def build_version(request: Request) -> Result:
    """One version built through MkDocs' API, reusing converted blocks and unchanged pages
    (see the module's docstring); the same output as `mkdocs_build`.

    A page whose Markdown and surroundings are those of the previous build is not rendered:
    its output is taken from there, and what other pages need of it (title, anchors, links
    to check) from the previous build's manifest. Where a plugin sees every page, it still
    does: such a page is converted (from the blocks' cache) and goes through the plugins'
    events up to `on_page_context`; only its template is not rendered again."""
    from mkdocs.commands import build as mkbuild
    from mkdocs.structure.files import InclusionLevel

    start = time.perf_counter()
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    inclusion = InclusionLevel.is_included
    site: _Site | None = None
    old_meta: dict[str, Any] = request.previous.get("meta", {}) if request.previous_dir else {}
    meta: dict[str, dict[str, Any]] = {}
    try:
        site = _open(request)
        config, files, nav = site.config, site.files, site.nav
        quiet = not any(config.plugins.events.get(event) for event in PAGE_EVENTS)
        cache = Path(request.cache_dir) if request.cache_dir else None
        converter = Converter(config, cache, markdown_digest(config))
        page_keys: dict[str, str] = {}
        waiting: list[Any] = []  # pages that may need no rendering at all
        for file in files.documentation_pages(inclusion=inclusion):
            config._current_page = file.page
            try:
                page = _read(site, file)
                config._current_page = page
                page_keys[file.src_uri] = _page_key(page)
                old = old_meta.get(file.src_uri)
                if quiet and old is not None and old["key"] == page_keys[file.src_uri] \
                        and os.path.isfile(os.path.join(request.previous_dir, file.dest_uri)):
                    _restore_page(page, old, files)
                    meta[file.src_uri] = old
                    waiting.append(page)
                    continue
                meta[file.src_uri] = _render_one(page, request, files, converter, config)
            except Exception as err:
                logging.getLogger("mkdocs.commands.build").error(
                    f"Error reading page '{file.src_uri}': {err}")
                raise
            finally:
                config._current_page = None
        env = config.plugins.on_env(site.env, config=config, files=files)
        statics: dict[str, str] = {}
        _copy_statics(files, config.site_dir, request, statics)
        for template in config.theme.static_templates:
            mkbuild._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mkbuild._build_extra_template(template, files, config, nav)
        doc_files = files.documentation_pages(inclusion=inclusion)
        pages = [f.page for f in doc_files if f.page is not None]
        context = _context_key(request, config, files, pages)
        same_context = bool(request.previous_dir) \
            and request.previous.get("context") == context
        if not same_context:  # every page's output changes: render those that waited
            for page in waiting:
                config._current_page = page
                try:
                    meta[page.file.src_uri] = _render_one(page, request, files, converter,
                                                          config)
                finally:
                    config._current_page = None
            waiting = []
        rendered = reused = 0
        for file in doc_files:
            assert file.page is not None
            source = os.path.join(request.previous_dir, file.dest_uri)
            old = old_meta.get(file.src_uri)
            if same_context and old is not None and old["key"] == page_keys[file.src_uri] \
                    and os.path.isfile(source):
                _reuse_page(file.page, config, doc_files, nav, source, quiet)
                reused += 1
                continue
            mkbuild._build_page(file.page, config, doc_files, nav, env, False,
                                excluded=file.inclusion.is_excluded())
            rendered += 1
        log_level = config.validation.links.anchors
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=log_level)
        config.plugins.on_post_build(config=config)
        remove_empty_folders(config.site_dir)
    except Exception as err:
        if site is not None:
            site.config.plugins.on_build_error(error=err)
        raise
    finally:
        logger.removeHandler(handler)
    manifest = {"context": context, "meta": meta, "statics": statics}
    used = converter.used.union(*(meta[p.file.src_uri]["blocks"] for p in waiting))
    return Result(time.perf_counter() - start, handler.messages, manifest,
                  converter.converted, converter.reused, rendered, reused,
                  sorted(used), converter.whole)


def _page_key(page: Any) -> str:
    """A digest of a page's Markdown and metadata, as the plugins leave them."""
    return hashlib.sha256(json.dumps([page.markdown, page.meta], sort_keys=True, default=str)
                          .encode()).hexdigest()


def _render_one(page: Any, request: Request, files: Any, converter: Converter,
                config: Any) -> dict[str, Any]:
    """A page rendered (from blocks) and through the plugins; what a later build needs to
    know of it when it reuses its output."""
    _render_page(page, request.pieces.get(page.file.src_uri), files, converter)
    page.content = config.plugins.on_page_content(page.content, page=page, config=config,
                                                  files=files)
    links = [[target.src_uri, anchor, url]
             for target, found in (page.links_to_anchors or {}).items()
             for anchor, url in found.items()]
    return {
        "key": _page_key(page),
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or (), key=lambda a: (a is None, a or "")),
        "links": links,
        "blocks": list(converter.page_blocks),
    }


def _restore_page(page: Any, known: dict[str, Any], files: Any) -> None:
    """What rendering would have set on a page, as the previous build's manifest has it:
    its title, its anchors and the links to anchors it checks."""
    from mkdocs.structure import pages as mkpages

    page.content = ""  # rendered (the title comes from rendering, not the Markdown)
    page._title_from_render = known["title"]
    page.present_anchor_ids = set(known["anchors"])
    if mkpages.log.getEffectiveLevel() > logging.DEBUG:
        links: dict[Any, dict[str, str]] = {}
        targets: dict[str, Any] = {}
        for src, anchor, url in known["links"]:
            if src not in targets:
                targets[src] = files.get_file_from_path(src)
            if targets[src] is not None:
                links.setdefault(targets[src], {}).setdefault(anchor, url)
        page.links_to_anchors = links


def _reuse_page(page: Any, config: Any, doc_files: Any, nav: Any, source: str,
                quiet: bool) -> None:
    """`_build_page` for a page whose output is the previous build's: the plugins see its
    context (unless none looks), and the output is taken rather than rendered."""
    from mkdocs.commands import build as mkbuild

    config._current_page = page
    try:
        if not quiet:
            page.active = True
            context = mkbuild.get_context(nav, doc_files, config, page)
            config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        link_or_copy(source, page.file.abs_dest_path)
    finally:
        page.active = False
        config._current_page = None


# ---------------------------------------------------------------------------
# Every version's blocks, converted beforehand; blocks no version uses, removed
# ---------------------------------------------------------------------------

# Up to this many blocks missing from the cache, the versions' builds convert them (each
# worker once); past it, they are converted beforehand, each once, on every core.
FEW_BLOCKS = 32


def prepare(requests: list[Request], jobs: int | None,
            announce: Callable[[int], None] | None = None) -> int:
    """Convert every distinct block of the versions to build once, into the cache, spread
    over the workers (`announce(count)` first); each version's build then finds its blocks
    there. Returns how many were converted."""
    cache = Path(requests[0].cache_dir)
    owner: dict[str, int] = {}
    # Newest versions first: they hold most blocks.
    for number in reversed(range(len(requests))):
        for key in page_block_keys(requests[number]):
            if key not in owner and not (cache / key[:2] / f"{key[2:]}.json").is_file():
                owner[key] = number
    if len(owner) <= FEW_BLOCKS:
        return 0  # each version's build converts what it misses (no workers to start)
    if announce is not None:
        announce(len(owner))
    per_version: dict[int, list[str]] = {}
    for key, number in owner.items():
        per_version.setdefault(number, []).append(key)
    chunk = max(1, len(owner) // (2 * workers(jobs, len(owner))) + 1)
    work = [(number, keys[at:at + chunk]) for number, keys in sorted(per_version.items())
            for at in range(0, len(keys), chunk)]
    return sum(fork_map(_convert_chunk, work, requests, jobs))


def _convert_chunk(requests: list[Request], item: tuple[int, list[str]]) -> int:
    number, keys = item
    return convert_blocks(requests[number], keys)


def forget() -> None:
    """Drop the blocks and the theme's environment this process keeps in memory (its
    workers, forked later, inherit the memory as it is then)."""
    _MEMORY.clear()
    _ENVS.clear()


def prune(cache_dir: Path, manifests: list[dict[str, Any]]) -> None:
    """Remove the cached blocks that none of these manifests (every version's last build)
    uses."""
    used: set[str] = set()
    for manifest in manifests:
        for page in manifest.get("meta", {}).values():
            used.update(page.get("blocks", []))
    if not cache_dir.is_dir():
        return
    for folder in cache_dir.iterdir():
        if not folder.is_dir():
            continue
        for item in folder.iterdir():
            if folder.name + item.name.removesuffix(".json") not in used:
                item.unlink(missing_ok=True)
