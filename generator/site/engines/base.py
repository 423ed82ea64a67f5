"""Engine interface: what a version's build gets and gives, and what an engine offers.

Input: nothing of the project; output: `Request` (one version's build), `Result` (what it
did) and `Engine` (the functions every engine module has, `engines/mkdocs.py` the model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Request:
    """One version's build: where things are, and what the build may reuse."""

    config_file: str
    docs_dir: str
    site_dir: str
    nav: list[Any]
    extra: dict[str, Any]
    site_url: str
    pieces: dict[str, tuple[int, ...]] = field(default_factory=dict)
    cache_dir: str = ""  # the blocks' cache; '' for none
    previous_dir: str = ""  # the version's previous build, if any
    previous: dict[str, Any] = field(default_factory=dict)  # its manifest
    work_dir: str = ""  # a folder the engine keeps between builds of the version; '' for none
    # The docs folder's files by digest (sha256), when the caller knows them, and those
    # that changed since the previous build (None: unknown, every one may have).
    digests: dict[str, str] = field(default_factory=dict)
    changed: frozenset[str] | None = None


@dataclass
class Result:
    """What a version's build did; `manifest` is what the next build may reuse."""

    seconds: float
    warnings: list[str]
    manifest: dict[str, Any]
    converted: int = 0
    reused_blocks: int = 0
    rendered: int = 0
    reused_pages: int = 0
    used: list[str] = field(default_factory=list)
    whole: list[str] = field(default_factory=list)


class Engine(Protocol):
    """What an engine module offers (`engines/mkdocs.py` is the model)."""

    @property
    def NAME(self) -> str:
        """The engine's name, as `kb build --engine` and `extra.kb.engine` write it."""

    @property
    def PACKAGES(self) -> tuple[str, ...]:
        """The distributions whose versions decide the output."""

    def missing(self) -> str:
        """Why the engine cannot run here ('' when it can)."""

    def build_version(self, request: Request) -> Result:
        """One version built into `request.site_dir`."""

    def page_block_keys(self, request: Request) -> list[str]:
        """The blocks the engine would convert (an engine without a block cache: none)."""

    def convert_blocks(self, request: Request, wanted: list[str]) -> int:
        """Convert these blocks into the cache ahead of the builds; how many were."""

    def prepare(self, requests: list[Request], jobs: int | None,
                announce: Callable[[int], None] | None = None) -> int:
        """Convert the blocks the builds of `requests` need, once each, ahead of them;
        `announce(count)` first, when there are enough to convert ahead."""

    def prune(self, cache_dir: Path, manifests: list[dict[str, Any]]) -> None:
        """Remove the cached blocks no version's manifest uses any more."""

    def forget(self) -> None:
        """Drop what this process keeps in memory of earlier builds (a forced build)."""

    def plain_build(self, config_file: str, docs_dir: str, site_dir: str, nav: list[Any],
                    extra: dict[str, Any], site_url: str) -> tuple[float, list[str]]:
        """One build with nothing reused (a preview); seconds and warnings."""
