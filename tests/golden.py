"""Golden-file comparison: expected output beside the input, a unified diff on failure."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest


def assert_golden(actual: str, expected_path: Path, update: bool) -> None:
    """Compare `actual` with the file; with --update-golden, rewrite the file instead."""
    if update:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
        return
    if not expected_path.exists():
        pytest.fail(f"{expected_path} is missing; run pytest --update-golden to create it")
    expected = expected_path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{expected_path} (expected)",
                tofile="actual",
            )
        )
        pytest.fail(f"output differs from {expected_path.name}:\n{diff}", pytrace=False)
