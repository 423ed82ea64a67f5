"""The frame of a synthetic repository for benchmarks: the project's site configuration,
theme overrides and products, a home page, and an empty catalogue to fill."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def repo_frame(target: Path) -> Path:
    """`target` with mkdocs.yml, overrides/, catalogue/products.yml and content/index.md."""
    target.mkdir(parents=True, exist_ok=True)
    for part in ("mkdocs.yml", "overrides"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, target / part)
    (target / "catalogue").mkdir()
    shutil.copy(ROOT / "catalogue" / "products.yml", target / "catalogue" / "products.yml")
    (target / "content").mkdir()
    (target / "content" / "index.md").write_text("---\ntitle: Home\n---\n\n# Home\n\nHello.\n")
    return target
