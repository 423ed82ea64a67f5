"""JSON files (DocFX's `docfx.json`, `.openpublishing.redirection*.json`) with locations.

Input: a JSON file; output: its data as the YAML loader gives it (mappings and lists
that know each value's line and column), or a `path:line:col` diagnostic. JSON is read
strictly first, so what YAML would forgive (trailing commas, comments) is still an error.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..core.diagnostics import Diagnostics, Loc
from .load import YamlDoc, read_yaml


def read_json(path: Path, rel: str, diagnostics: Diagnostics) -> YamlDoc | None:
    """Parse one JSON file; syntax errors become diagnostics with their line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        diagnostics.error(Loc(rel, 1, 1), "", f"file is not UTF-8 text ({err.reason})",
                          "save the file as UTF-8")
        return None
    except OSError as err:
        diagnostics.error(Loc(rel), "", f"cannot read file: {err.strerror}")
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        diagnostics.error(Loc(rel, err.lineno, err.colno), "JSON", f"syntax error: {err.msg}",
                          "fix the JSON syntax (commas, quotes, brackets)")
        return None
    except RecursionError:  # arrays or objects nested thousands deep
        diagnostics.error(Loc(rel, 1, 1), "JSON", "nested too deeply",
                          "fix the JSON syntax (commas, quotes, brackets)")
        return None
    # JSON is YAML: the YAML loader gives the same data with every value's position.
    # Tabs, which YAML refuses in places where JSON allows them, are spaces for it.
    raw = path.read_bytes()
    if b"\t" not in raw and not raw.startswith(b"\xef\xbb\xbf"):
        return read_yaml(path, rel, diagnostics)
    with tempfile.TemporaryDirectory(prefix="kb-json-") as temp:
        clean = Path(temp) / path.name
        clean.write_text(text.replace("\t", " "), encoding="utf-8")
        return read_yaml(clean, rel, diagnostics)
