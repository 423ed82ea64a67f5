"""MkDocs engine: one version's Markdown tree built by MkDocs + Material for MkDocs.

Input: mkdocs.yml, the version's docs folder, navigation, extra settings and site URL;
output: the built folder and the warnings MkDocs logged.
"""

from __future__ import annotations

import logging
import time
from typing import Any


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def mkdocs_build(config_file: str, docs_dir: str, site_dir: str, nav: list[Any],
                 extra: dict[str, Any], site_url: str) -> tuple[float, list[str]]:
    """One MkDocs build in this process; returns seconds and MkDocs' warnings."""
    from mkdocs.commands.build import build as run_build
    from mkdocs.config import load_config

    start = time.perf_counter()
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(
            config_file=config_file,
            docs_dir=docs_dir,
            site_dir=site_dir,
            nav=nav,
            extra=extra,
            site_url=site_url or None,
            strict=False,
        )
        run_build(config)
    finally:
        logger.removeHandler(handler)
    return time.perf_counter() - start, handler.messages
