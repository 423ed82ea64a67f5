"""Zensical engine: one version's Markdown tree built by Zensical.

Input: mkdocs.yml, the version's docs folder, navigation, extra settings and site URL, and a
work folder kept between builds of the version; output: the built folder and the warnings
Zensical printed.

Zensical, the successor of Material for MkDocs by its authors, reads mkdocs.yml, renders
with its own Material-like theme (MiniJinja templates: `overrides/` must stay within what
both template engines understand) and runs no MkDocs plugin or hook. Each version is built
in its own work folder (`build/engines/zensical/<version>/`): a mkdocs.yml derived from the
project's (docs_dir, site_dir, site_url, nav, extra, theme.custom_dir), the version's
Markdown linked in as `docs/`, and Zensical's own cache (`.cache/`), keyed by content, so
that a later build renders again only what changed. Zensical runs in a child process and
its output is read for warnings; a build that stops is reported, not raised.

Where Zensical differs from MkDocs + Material by default, the derived configuration keeps the
site as MkDocs builds it: Material's look (`theme.variant: classic`, unless mkdocs.yml sets
a variant) and no built-in search unless mkdocs.yml asks for MkDocs' search plugin; and
`sitemap.xml.gz`, which Zensical does not write, is added beside `sitemap.xml`; without a
site_url, the 404 page's links get the version's folder, as MkDocs gives them.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.util import find_spec
from io import StringIO
from pathlib import Path
from typing import Any

from ...core.cache import installed
from ...core.files import link_or_copy
from .base import Request, Result

NAME = "zensical"
# The packages whose code decides what a page becomes.
PACKAGES = ("zensical", "pymdown-extensions", "markdown", "pygments")
# What the work folder holds; another value (or another Zensical) starts it afresh.
WORK_FORMAT = "1"
STAMP = "kb-engine.json"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_PLACE = re.compile(r"\[\s*(\S+?):(\d+):(\d+)\s*\]")
_DONE = re.compile(r"^(Build started|Build finished in .*|No issues found|\d+ issues? found)$")


def missing() -> str:
    """Why Zensical cannot run here ('' when it can)."""
    try:
        found = find_spec("zensical") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        return ("the zensical package is not installed in this environment; run ./dev setup, "
                "or install the pinned version: pip install -c requirements.lock zensical")
    return ""


def installed_version() -> str:
    return installed("zensical") or "missing"


# ---------------------------------------------------------------------------
# The work folder: configuration, Markdown, cache
# ---------------------------------------------------------------------------


def derived_config(config_file: str, nav: list[Any], extra: dict[str, Any],
                   site_url: str) -> str:
    """mkdocs.yml as Zensical builds one version from the work folder: the project's
    settings (comments and tags kept) with the version's docs, site, address, navigation
    and extra settings, paths made absolute."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096
    source = Path(config_file).resolve()
    data = yaml.load(source.read_text(encoding="utf-8")) or {}
    root = source.parent
    if "INHERIT" in data:
        data["INHERIT"] = str((root / str(data["INHERIT"])).resolve())
    data["docs_dir"] = "docs"
    data["site_dir"] = "site"
    if site_url:
        data["site_url"] = site_url
    else:
        data.pop("site_url", None)
    data["nav"] = nav
    data["extra"] = extra
    theme = data.get("theme")
    if isinstance(theme, str):
        theme = data["theme"] = {"name": theme}
    if isinstance(theme, dict):
        if theme.get("custom_dir"):
            theme["custom_dir"] = str((root / str(theme["custom_dir"])).resolve())
        # Material's look (admonitions with borders, as MkDocs builds them) unless
        # mkdocs.yml asks for Zensical's newer one (theme.variant: modern).
        theme.setdefault("variant", "classic")
    data["plugins"] = _plugins(data.get("plugins", None))
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _plugins(plugins: Any) -> Any:
    """The plugins, with Zensical's built-in search turned off unless mkdocs.yml asks for
    MkDocs' search (which MkDocs runs by default only when `plugins` is not given)."""
    if plugins is None:
        return plugins
    items = list(plugins.items()) if isinstance(plugins, dict) else [
        (item, None) if isinstance(item, str) else next(iter(item.items()))
        for item in plugins if isinstance(item, (str, dict)) and item]
    if any(str(name).removeprefix("material/") == "search" for name, _ in items):
        return plugins
    if isinstance(plugins, dict):
        plugins["search"] = {"enabled": False}
        return plugins
    return [*plugins, {"search": {"enabled": False}}]


def link_tree(source: Path, target: Path) -> int:
    """`target` made a fresh copy of `source`, files hard-linked where possible (Zensical
    refuses symbolic links out of its folder); the number of Markdown pages."""
    if target.exists():
        shutil.rmtree(target)
    pages = 0
    for folder, _dirs, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            link_or_copy(os.path.join(folder, name), target / rel / name)
            pages += name.endswith(".md")
    return pages


def _prepare(work: Path) -> None:
    """A work folder left by another Zensical (or another layout) starts afresh."""
    stamp = {"format": WORK_FORMAT, "zensical": installed_version()}
    try:
        known = json.loads((work / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = None
    if known != stamp and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    (work / STAMP).write_text(json.dumps(stamp) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# Running Zensical and reading what it said
# ---------------------------------------------------------------------------


def warnings_of(output: str) -> list[str]:
    """Zensical's report read as `path:line:col: message: what` lines (colours removed;
    `what` is the part of the source line Zensical underlines, e.g. the link's target)."""
    found: list[str] = []
    message = place = source = what = ""
    margin = -1

    def done() -> None:
        if message:
            found.append(": ".join(part for part in (place, message, what) if part))

    for raw in output.splitlines():
        line = _ANSI.sub("", raw).rstrip()
        head = line.strip()
        if head.startswith(("Warning:", "Error:")):
            done()
            message, place, source, what, margin = head.partition(":")[2].strip(), "", "", "", -1
            continue
        if not message:
            continue
        spot = _PLACE.search(line)
        code = re.match(r"^\s*\d+ │ ", line)
        if spot and not place:
            place = f"{spot.group(1)}:{spot.group(2)}:{spot.group(3)}"
        elif code and not source:
            margin, source = code.end(), line[code.end():]
        elif source and not what and margin > 0:
            marks = re.match(r"^(\s*)([─┬]+)", line[margin:])
            if marks:
                start = len(marks.group(1))
                what = source[start:start + len(marks.group(2))].strip()
    done()
    return found


def failure_of(output: str) -> str:
    """Why a run that stopped stopped: the exception Zensical raised, or its last words."""
    lines = [_ANSI.sub("", line).strip() for line in output.splitlines()]
    lines = [line for line in lines if line and not _DONE.match(line)]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception): ", line):
            return line
    return lines[-1] if lines else "Zensical stopped without saying why"


def _run(work: Path) -> tuple[int, str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "-f", "mkdocs.yml"], cwd=work,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, encoding="utf-8", errors="replace", env=env, check=False)
    return proc.returncode, proc.stdout


def _cache_entries(work: Path) -> dict[str, int]:
    cache = work / ".cache"
    if not cache.is_dir():
        return {}
    return {item.name: item.stat().st_mtime_ns for item in cache.iterdir()
            if item.is_file() and item.name.isdigit()}


def _rendered_pages(work: Path, before: dict[str, int]) -> int:
    """How many pages this run rendered: the cache entries holding a whole page that it
    wrote (Zensical keeps each rendered page in its cache)."""
    count = 0
    for name, stamp in _cache_entries(work).items():
        if before.get(name) == stamp:
            continue
        try:
            with open(work / ".cache" / name, encoding="utf-8") as handle:
                head = handle.read(64)
        except OSError:
            continue
        count += "<!doctype html>" in head.lower()
    return count


def sitemap_gz(site: Path) -> None:
    """sitemap.xml.gz beside sitemap.xml, as MkDocs writes it (fixed time: reproducible)."""
    sitemap = site / "sitemap.xml"
    if sitemap.is_file():
        data = sitemap.read_bytes()
        with open(site / "sitemap.xml.gz", "wb") as raw, \
                gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as packed:
            packed.write(data)


def error_page_links(site: Path, moniker: str) -> None:
    """The links of the version's 404 page from the version's folder, as MkDocs gives them.

    Without a site_url, both engines give the 404 page links from the server's root (it is
    shown at any address); `overrides/404.html` puts the version's folder into `base_url`,
    which MkDocs' `url` filter follows and Zensical's does not (its navigation links stay
    `/page/`): those get the folder here."""
    page = site / "404.html"
    if not moniker or not page.is_file():
        return
    text = page.read_text(encoding="utf-8")
    prefix = f"/{moniker}/"
    fixed = re.sub(r'(\s(?:href|src)=")/(?!/)([^"]*)"',
                   lambda m: m.group(0) if f"/{m.group(2)}".startswith(prefix)
                   else f'{m.group(1)}{prefix}{m.group(2)}"', text)
    if fixed != text:
        page.write_text(fixed, encoding="utf-8")


def _build(work: Path, docs_dir: str, site_dir: str, config_file: str, nav: list[Any],
           extra: dict[str, Any], site_url: str) -> Result:
    """One Zensical run in `work`, its site moved to `site_dir`."""
    start = time.perf_counter()
    _prepare(work)
    pages = link_tree(Path(docs_dir), work / "docs")
    (work / "mkdocs.yml").write_text(derived_config(config_file, nav, extra, site_url),
                                     encoding="utf-8")
    out = work / "site"
    if out.exists():
        shutil.rmtree(out)
    before = _cache_entries(work)
    status, output = _run(work)
    if status != 0 or not out.is_dir():
        # The cache of a run that stopped is not trusted by the next one.
        shutil.rmtree(work / ".cache", ignore_errors=True)
        return Result(time.perf_counter() - start,
                      [f"the build stopped: {failure_of(output)}"], {})
    sitemap_gz(out)
    if not site_url:
        kb = extra.get("kb_build")
        error_page_links(out, str(kb.get("moniker") or "") if isinstance(kb, dict) else "")
    target = Path(site_dir)
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    out.rename(target)
    after = _cache_entries(work)
    written = sum(1 for name, stamp in after.items() if before.get(name) != stamp)
    rendered = min(pages, _rendered_pages(work, before))
    return Result(time.perf_counter() - start, warnings_of(output), {"pages": pages},
                  converted=written, reused_blocks=len(after) - written,
                  rendered=rendered, reused_pages=pages - rendered)


def build_version(request: Request) -> Result:
    """One version built by Zensical in its work folder (kept for the next build, so
    Zensical's cache serves what did not change), into `request.site_dir`."""
    work = Path(request.work_dir or f"{request.site_dir}.zensical")
    try:
        return _build(work, request.docs_dir, request.site_dir, request.config_file,
                      request.nav, request.extra, request.site_url)
    finally:
        if not request.work_dir:
            shutil.rmtree(work, ignore_errors=True)


def page_block_keys(request: Request) -> list[str]:
    """Zensical converts its pages itself: no blocks to convert ahead of it."""
    return []


def convert_blocks(request: Request, wanted: list[str]) -> int:
    return 0


def plain_build(config_file: str, docs_dir: str, site_dir: str, nav: list[Any],
                extra: dict[str, Any], site_url: str) -> tuple[float, list[str]]:
    """One Zensical build from nothing (a preview); seconds and warnings."""
    work = Path(f"{site_dir}.zensical")
    try:
        result = _build(work, docs_dir, site_dir, config_file, nav, extra, site_url)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result.seconds, result.warnings


def prepare(requests: list[Request], jobs: int | None,
            announce: Callable[[int], None] | None = None) -> int:
    """Zensical converts its pages itself: nothing to convert ahead of its builds."""
    return 0


def forget() -> None:
    """Zensical runs in its own processes: this one keeps nothing of its builds."""


def prune(cache_dir: Path, manifests: list[dict[str, Any]]) -> None:
    """The blocks' cache is MkDocs' engine's: a Zensical build leaves it as it is."""
