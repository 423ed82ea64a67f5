"""Engines: one small module per site generator, turning a version's Markdown tree,
navigation and settings into its built folder; nothing else imports an engine.

Input: an engine's name (`kb build --engine`, or `extra.kb.engine` in mkdocs.yml; MkDocs +
Material for MkDocs by default) and one version's build request; output: the engine that
builds it (`load`), the version's built folder and what the engine warned about (`Result`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...core.diagnostics import DiagnosticError, Diagnostics, Loc, did_you_mean
from .base import Engine, Request, Result

__all__ = ["DEFAULT", "ENGINES", "Engine", "Request", "Result", "choose", "load"]

# name -> what it is, for messages and `--help`
ENGINES = {
    "mkdocs": "MkDocs + Material for MkDocs",
    "zensical": "Zensical",
}
DEFAULT = "mkdocs"
SETTING = "extra.kb.engine"


def load(name: str) -> Engine:
    """The engine called `name` (one of ENGINES)."""
    if name == "zensical":
        from . import zensical
        return zensical
    if name == "mkdocs":
        from . import mkdocs
        return mkdocs
    raise ValueError(f"unknown engine {name!r}")


def _setting_loc(config_file: Path, where: str) -> Loc:
    """Where `extra.kb.engine` is written in mkdocs.yml (the file alone if unknown)."""
    try:
        from ruamel.yaml import YAML

        data = YAML(typ="rt").load(config_file.read_text(encoding="utf-8"))
        kb = data["extra"]["kb"]
        line, col = kb.lc.value("engine")
        return Loc(where, line + 1, col + 1)
    except Exception:  # any other shape: the file is still the place to look
        return Loc(where)


def configured(settings: dict[str, Any]) -> Any:
    """The engine name written in the settings (`extra.kb.engine`), or None."""
    extra = settings.get("extra")
    kb = extra.get("kb") if isinstance(extra, dict) else None
    return kb.get("engine") if isinstance(kb, dict) else None


def choose(settings: dict[str, Any], config_file: Path, where: str,
           requested: str | None = None) -> Engine:
    """The engine of this build: `requested` (the command line), else the setting, else
    the default; DiagnosticError when the name is unknown or the engine cannot run."""
    problems = Diagnostics()
    name = requested
    loc = Loc(where)
    if name is None:
        value = configured(settings)
        if value is not None:
            loc = _setting_loc(config_file, where)
            if not isinstance(value, str) or value not in ENGINES:
                choices = " or ".join(ENGINES)
                hint = did_you_mean(str(value), ENGINES) if isinstance(value, str) else ""
                problems.error(loc, SETTING, f"unknown engine {value!r}; expected {choices}",
                               hint or f"write {SETTING}: {DEFAULT} (or zensical)")
                raise DiagnosticError(problems.items)
            name = value
    if name is None:
        name = DEFAULT
    if name not in ENGINES:
        problems.error(loc, "engine", f"unknown engine {name!r}; expected "
                       + " or ".join(ENGINES))
        raise DiagnosticError(problems.items)
    engine = load(name)
    why = engine.missing()
    if why:
        problems.error(loc, f"engine '{name}'", why)
        raise DiagnosticError(problems.items)
    return engine
